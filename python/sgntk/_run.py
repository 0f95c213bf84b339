"""sgntk.run: a spec's experiments, as ``sgntk run``."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Union

from . import _core
from ._network import _PACKAGE_DIR, _set_strings, _threads, plugin_search_path


def run(spec: Union[str, os.PathLike], out: Optional[Union[str, os.PathLike]] = None, quick: bool = False,
        set: Optional[Mapping[str, Any]] = None, only: Optional[Iterable[str]] = None, threads: Optional[int] = None,
        plugin_path: Any = None, python: Optional[str] = None,
        progress: Optional[Callable[[float], Any]] = None) -> Dict[str, Any]:
    """Run the data and task statements of a spec (kernels, empirical kernels, training,
    predictions, plots), as ``sgntk run SPEC [--out OUT] [--quick]``.

    Writes npy results, PNG plots and manifest.json to ``out`` (default ``out/<spec name>``) and
    returns the manifest as a dict (its "out" entry added: the folder). quick: apply the spec's
    ``quick`` overrides. only: the names of the tasks to run. python: the interpreter with
    matplotlib that draws the plots (default /usr/bin/python3). progress: called with the
    fraction done of the current step. Raises SpecError / DataError; KeyboardInterrupt on
    Ctrl-C (finished tasks are kept, the manifest is not written).
    """
    scripts = _PACKAGE_DIR / "scripts"
    folder = _core.run(os.fspath(spec), os.fspath(out) if out is not None else "", bool(quick), _set_strings(set),
                       list(only or []), _threads(threads), plugin_search_path(plugin_path), python or "",
                       str(scripts) if scripts.is_dir() else "", progress)
    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    manifest["out"] = folder
    return manifest
