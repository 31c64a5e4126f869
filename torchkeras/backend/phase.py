"""The learning phase (training or inference) and whether eager calls record gradients.

A layer called with ``training=None`` takes the phase from here (inference by default, as
Keras 2's learning phase 0). A layer called on NumPy data records no autograd graph unless a
recording scope (the shim's ``GradientTape``) is active.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Optional

_LEARNING_PHASE: Optional[bool] = None
_RECORDING_DEPTH = 0


def learning_phase() -> bool:
    return bool(_LEARNING_PHASE)


def set_learning_phase(value: Optional[bool]) -> None:
    global _LEARNING_PHASE
    _LEARNING_PHASE = None if value is None else bool(value)


@contextlib.contextmanager
def learning_phase_scope(value: bool) -> Iterator[None]:
    global _LEARNING_PHASE
    previous = _LEARNING_PHASE
    _LEARNING_PHASE = bool(value)
    try:
        yield
    finally:
        _LEARNING_PHASE = previous


def is_recording() -> bool:
    """True inside a gradient-recording scope (e.g. ``GradientTape``)."""
    return _RECORDING_DEPTH > 0


@contextlib.contextmanager
def recording_scope() -> Iterator[None]:
    global _RECORDING_DEPTH
    _RECORDING_DEPTH += 1
    try:
        yield
    finally:
        _RECORDING_DEPTH -= 1
