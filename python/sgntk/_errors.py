"""The exceptions of sgntk. Every error carries the same diagnostic text as the CLI prints."""
from __future__ import annotations

from typing import Optional


class SgntkError(Exception):
    """Base class of every error sgntk raises (besides ValueError/TypeError for bad arguments)."""


class _PositionedError(SgntkError):
    """An error with a position in a spec: ``file``, ``line``, ``column`` (1-based; None when the
    error has no position, e.g. an unreadable file) and ``caret``, the first error rendered as
    the CLI prints it (``file:line:col: error: ...``, the source line and a caret under it).
    ``str(error)`` holds every diagnostic."""

    def __init__(self, message: str, file: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None, caret: str = "") -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.caret = caret

    def __str__(self) -> str:
        return str(self.args[0]).rstrip("\n")


class SpecError(_PositionedError, ValueError):
    """The spec does not parse or check (unknown names, bad arguments, --set of an unknown param...)."""


class PluginError(_PositionedError):
    """A plugin surrogate of the spec could not be loaded, found or instantiated."""


class DataError(SgntkError, ValueError):
    """Bad data: wrong dimension, NaN or inf input, an empty array, a NaN result, an ill-posed prediction."""


class EvalError(SgntkError, ArithmeticError):
    """A function of the network failed: a plugin error, a diverging training run, gradient
    descent through a jump activation (its derivative is a delta)."""
