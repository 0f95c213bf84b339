"""Turning array-likes into arrays the extension reads (it reads any float, integer or bool dtype
and any strides itself, so an ndarray passes through without a copy)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

_READABLE_KINDS = "fiub"


def as_array(x: Any) -> np.ndarray:
    """``x`` as an ndarray: ndarrays of a readable dtype unchanged, anything else through
    numpy (lists, tuples, objects with __array__), half and extended precision as float64."""
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    if a.dtype.kind not in _READABLE_KINDS or (a.dtype.kind == "f" and a.dtype.itemsize not in (4, 8)):
        a = a.astype(np.float64)
    return a


def as_optional_array(x: Any) -> Optional[np.ndarray]:
    return None if x is None else as_array(x)
