"""sgntk.load / sgntk.loads and the Network they return."""
from __future__ import annotations

import collections
import functools
import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._arrays import as_array, as_optional_array

ArrayLike = Any
Progress = Optional[Callable[[float], Any]]
PathLike = Union[str, os.PathLike]
Size = Union[None, int, str]

_PACKAGE_DIR = Path(__file__).resolve().parent


def _set_strings(params: Optional[Mapping[str, Union[float, int, str]]]) -> list:
    """``{"m": 5, "n": float("inf")}`` as the CLI's ``--set m=5 --set n=inf``."""
    out = []
    for name, value in (params or {}).items():
        if isinstance(value, str):
            text = value
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            text = str(int(value))
        else:
            text = repr(float(value))  # shortest text that reads back to the same double; inf, -inf
        out.append(f"{name}={text}")
    return out


def plugin_search_path(plugin_path: Union[None, str, os.PathLike, Iterable[Union[str, os.PathLike]]]) -> list:
    """The plugin folders searched in order: ``plugin_path``, then $SGNTK_PLUGIN_PATH, then the
    built-in plugins installed with the package (the extension also knows a build's own folder)."""
    if plugin_path is None:
        paths = []
    elif isinstance(plugin_path, (str, os.PathLike)):
        paths = [os.fspath(plugin_path)]
    else:
        paths = [os.fspath(p) for p in plugin_path]
    paths += [p for p in os.environ.get("SGNTK_PLUGIN_PATH", "").split(":") if p]
    installed = _PACKAGE_DIR / "plugins"
    if installed.is_dir():
        paths.append(str(installed))
    return paths


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _memory_budget(size: Size) -> int:
    """Bytes of a ``memory_budget``: None (0: the default, 1/8 of physical memory), an int of
    bytes, or a string as the CLI's ``--memory-budget`` ("4G", "512M", "64K"; powers of 1024)."""
    if size is None:
        return 0
    if isinstance(size, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([KMGT]?)(?:i?B)?\s*", size, re.IGNORECASE)
        if not match:
            raise ValueError(f"memory_budget must be a number of bytes or a size like '4G', not {size!r}")
        size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])
    elif isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"memory_budget must be an int of bytes or a string like '4G', not {type(size).__name__}")
    if size <= 0:
        raise ValueError(f"memory_budget must be positive, not {size}")
    return int(size)


def _file_result(path: str) -> np.ndarray:
    """What a result written to ``path`` reads back as: a read-only np.memmap of an .npy (nothing
    is loaded until used), the array of a .csv."""
    if path.endswith(".csv"):
        return np.loadtxt(path, delimiter=",", ndmin=2)
    return np.load(path, mmap_mode="r")


def _threads(threads: Optional[int]) -> int:
    if threads is None:
        return 0
    if threads < 0:
        raise ValueError("threads must be >= 0 (0 or None: all cores)")
    return int(threads)


@functools.lru_cache(maxsize=None)
def _kernel_tuple(fields: Tuple[str, ...]) -> type:
    return collections.namedtuple("Kernel", fields)


class Network:
    """A network of a spec, checked and compiled once (``sgntk.load`` / ``sgntk.loads``).

    Every method runs the same job layer as the ``sgntk`` command line, without the GIL (other
    Python threads run meanwhile), and returns float64 arrays that own their memory. Inputs are
    array-likes: lists, any float/int/bool dtype, any order or strides; a 1-D x is one point.
    Ctrl-C raises KeyboardInterrupt (kernels and training stop within a fraction of a second).
    ``progress``, where a method takes it, is called with the fraction done (0..1) at most ten
    times a second, e.g. ``bar = tqdm(total=1.0); progress=lambda f: bar.update(f - bar.n)``.
    """

    def __init__(self, core: "_core.Network", path: str) -> None:
        self._core = core
        self.path = path

    # ---- what the network is ---------------------------------------------------------------
    @property
    def name(self) -> str:
        """The network's name in the spec."""
        return self._core.name

    @property
    def input_dim(self) -> int:
        """The dimension of an input point."""
        return self._core.input_dim

    @property
    def outputs(self) -> int:
        """The number of outputs of the readout."""
        return self._core.outputs

    def check(self) -> str:
        """What ``sgntk check SPEC`` prints: the params, functions and networks of the spec."""
        return self._core.check()

    def dump(self, stage: str = "program") -> str:
        """One compiler stage as ``sgntk check SPEC --dump STAGE`` prints it: ``"ast"``,
        ``"graph"`` or ``"program"`` (this network's kernel program)."""
        return self._core.dump(stage)

    def __str__(self) -> str:
        return self.check()

    def __repr__(self) -> str:
        return f"<sgntk.Network {self.name!r} from {self.path!r}, input_dim={self.input_dim}>"

    # ---- infinite width ----------------------------------------------------------------------
    def kernel(self, x1: ArrayLike, x2: Optional[ArrayLike] = None, kind: str = "ntk",
               threads: Optional[int] = None, progress: Progress = None, out: Optional[PathLike] = None,
               memory_budget: Size = None, out_of_core: bool = False, resume: bool = False) -> np.ndarray:
        """The infinite-width kernel matrix K[i, j] = K(x1_i, x2_j), shape (n1, n2), float64.

        kind: ``"nngp"`` (Sigma), ``"ntk"`` (Theta) or ``"sgntk"`` (the surrogate-gradient NTK;
        the true derivative belongs to x1_i, the surrogate to x2_j). x2 defaults to x1.
        Bitwise identical to ``sgntk kernel`` for every thread count. Warns (RuntimeWarning)
        where the naive NTK of a jump activation is +inf on the diagonal; a NaN entry raises
        DataError.

        ``out``: a path (.npy, or .csv) to write the kernel to instead, as ``sgntk kernel --out``:
        the same bytes, the file replaced only when complete. An .npy larger than
        ``memory_budget`` (bytes, or a size such as ``"4G"``; default 1/8 of physical memory), or
        any with ``out_of_core=True``, is computed out of core, band by band, so the matrix never
        has to fit in memory; ``resume=True`` keeps the finished bands of an interrupted call
        (beside ``out``, as ``.NAME.partial`` and ``.NAME.partial.bands``) and computes only the
        missing ones when called again with the same spec, options and points. Returns the file
        as a read-only ``np.memmap`` (``np.load(out, mmap_mode="r")``: pages are read when used;
        ``np.array(K)`` copies it into memory).
        """
        path = None if out is None else os.fspath(out)
        k = self._core.kernel(as_array(x1), as_optional_array(x2), kind, _threads(threads), progress, path,
                              _memory_budget(memory_budget), bool(out_of_core), bool(resume))
        return k if path is None else _file_result(path)

    def kernel_fn(self, x1: ArrayLike, x2: Optional[ArrayLike] = None,
                  get: Union[str, Sequence[str]] = ("nngp", "ntk", "sgntk"),
                  threads: Optional[int] = None) -> Any:
        """Several kernels at once, like neural-tangents' ``kernel_fn(x1, x2, get)``: a
        namedtuple ``Kernel`` with one (n1, n2) array per name of ``get`` (in that order), or the
        array itself when ``get`` is one string."""
        a1, a2 = as_array(x1), as_optional_array(x2)
        if isinstance(get, str):
            return self.kernel(a1, a2, kind=get, threads=threads)
        fields = tuple(get)
        return _kernel_tuple(fields)(*(self.kernel(a1, a2, kind=k, threads=threads) for k in fields))

    def predict(self, x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, kind: str = "sgntk",
                t: float = np.inf, diag_reg: float = 0.0, cov: Union[bool, PathLike] = False,
                threads: Optional[int] = None, progress: Progress = None, memory_budget: Size = None,
                out_of_core: bool = False) -> tuple:
        """The infinite-width prediction after training for flow time ``t`` = lr * steps.

        kind: ``"ntk"`` (gradient descent), ``"sgntk"`` (surrogate gradient learning) or
        ``"nngp"`` (the readout alone; t = inf is the NNGP posterior). y_train is (N, outputs)
        or 1-D (one output). ``diag_reg`` adds diag_reg * mean(diag K(X, X)) to the diagonal, as
        neural-tangents' ``diag_reg``. Returns ``(mean, std)``: mean (n_test, outputs), std
        (n_test,); with ``cov=True`` also the (n_test, n_test) covariance. Ill-conditioning is
        warned about (RuntimeWarning); an ill-posed system raises DataError.

        ``cov`` may be a path (.npy, or .csv) instead: the covariance is written there, as
        ``sgntk predict --cov``, and returned as a read-only ``np.memmap`` of the file. An .npy
        larger than ``memory_budget`` (bytes or ``"4G"``; default 1/8 of physical memory), or any
        with ``out_of_core=True``, streams to the file band by band (K(X, X) must fit in memory;
        peak memory O(N^2 + band x (N + n_test))), the same bytes as in memory.
        """
        path = None if isinstance(cov, (bool, np.bool_)) or cov is None else os.fspath(cov)
        mean, std, covariance = self._core.predict(as_array(x_train), as_array(y_train), as_array(x_test), kind,
                                                   float(t), float(diag_reg), path is not None or bool(cov),
                                                   _threads(threads), progress, path, _memory_budget(memory_budget),
                                                   bool(out_of_core))
        if path is not None:
            return mean, std, _file_result(path)
        return (mean, std, covariance) if cov else (mean, std)

    def train(self, x: ArrayLike, y: ArrayLike, lr: float = 0.1, steps: int = 1000, ensemble: int = 10,
              seed: int = 0, eval: Optional[ArrayLike] = None, save_at: Optional[Sequence[int]] = None,
              loss_every: int = 1, backprop: str = "surrogate", precision: str = "f64",
              threads: Optional[int] = None, progress: Progress = None) -> Dict[str, np.ndarray]:
        """Train ``ensemble`` finite networks by full-batch gradient descent (``backprop="true"``)
        or surrogate gradient learning (``"surrogate"``, the default), as ``sgntk train``.

        Returns a dict of arrays: ``outputs`` [saves, ensemble, n_eval, outputs] (the networks on
        ``eval``, default x, at the steps ``save_at``, default the last), ``save_steps``, ``loss``
        [ensemble, records] and ``loss_steps`` (every ``loss_every`` steps and the last).
        Network e is initialised from (seed, e): the same networks as ``sgntk train --seed``.
        """
        if steps < 0 or ensemble < 1 or loss_every < 1:
            raise ValueError("train: steps >= 0, ensemble >= 1 and loss_every >= 1")
        return self._core.train(as_array(x), as_array(y), as_optional_array(eval), float(lr), int(steps),
                                int(ensemble), int(seed), [int(s) for s in (save_at or [])], int(loss_every),
                                backprop, precision, _threads(threads), progress)

    def empirical(self, x1: ArrayLike, x2: Optional[ArrayLike] = None, kind: str = "sgntk", ensemble: int = 10,
                  seed: int = 0, x: Optional[ArrayLike] = None, y: Optional[ArrayLike] = None, lr: float = 0.1,
                  steps: int = 0, backprop: str = "surrogate", threads: Optional[int] = None) -> np.ndarray:
        """The empirical kernels of ``ensemble`` finite networks, [ensemble, n1, n2]:
        ``"ntk"`` J(x1) J(x2)^T or ``"sgntk"`` J(x1) J~(x2)^T (J~: the surrogate quasi-Jacobian),
        as ``sgntk empirical``. With ``x`` and ``y`` each network is first trained for ``steps``
        steps (learning rate ``lr``, ``backprop`` as in ``train``). Network e is initialised from
        (seed, e), the network ``train`` trains.
        """
        if ensemble < 1 or steps < 0:
            raise ValueError("empirical: ensemble >= 1 and steps >= 0")
        return self._core.empirical(as_array(x1), as_optional_array(x2), kind, int(ensemble), int(seed),
                                    _threads(threads), as_optional_array(x), as_optional_array(y), float(lr),
                                    int(steps), backprop)


def _load(path: str, text: Optional[str], network: Optional[str], set: Optional[Mapping[str, Any]],
          plugin_path: Any, tolerance: float) -> Network:
    core = _core.Network(path, text, network or "", _set_strings(set), plugin_search_path(plugin_path),
                         float(tolerance))
    return Network(core, path)


def load(path: Union[str, os.PathLike], network: Optional[str] = None,
         set: Optional[Mapping[str, Union[float, int, str]]] = None, plugin_path: Any = None,
         tolerance: float = 1e-10) -> Network:
    """Read, check and compile a spec file for one of its networks.

    network: its name (None: the spec's only network). set: param overrides, as the CLI's
    ``--set`` (``{"m": 5}``, ``{"m": float("inf")}``). plugin_path: a folder or library (or a
    list of them) searched first for plugin surrogates. tolerance: the relative error target of
    numeric expectations. Raises SpecError (with .file, .line, .column, .caret) or PluginError.
    """
    return _load(os.fspath(path), None, network, set, plugin_path, tolerance)


def loads(text: str, network: Optional[str] = None, set: Optional[Mapping[str, Union[float, int, str]]] = None,
          plugin_path: Any = None, tolerance: float = 1e-10, name: str = "<string>") -> Network:
    """``load`` for a spec given as text; diagnostics name it ``name``."""
    return _load(name, text, network, set, plugin_path, tolerance)
