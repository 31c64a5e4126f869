"""The learning phase (training or inference) and whether eager calls record gradients.

A layer called with ``training=None`` takes the phase from here (inference by default, as
Keras 2's learning phase 0). A layer called on NumPy data records no autograd graph unless a
recording scope (the shim's ``GradientTape``) is active.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator, Optional

import torch

_LEARNING_PHASE: Optional[bool] = None
_RECORDING_DEPTH = 0


class _CallState(threading.local):
    """Per-thread state of the enclosing layer/model call: threads calling models at once
    (``predict`` from a thread pool) must not restore one another's value."""
    training: Optional[bool] = None  # the `training` of the enclosing layer/model call


_CALL_STATE = _CallState()
# Inside torch.compile'd code a thread-local cannot be traced (a guard on it fails); the
# traced step runs on one thread, so there it is a plain module global.
_COMPILED_CALL_TRAINING: Optional[bool] = None


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


def call_training() -> Optional[bool]:
    """The ``training`` value of the enclosing layer or model call (``None`` outside one):
    Keras passes it down to inner layers called without ``training``."""
    if torch.compiler.is_compiling():
        return _COMPILED_CALL_TRAINING
    return _CALL_STATE.training


def enter_call_training(value: Optional[bool]) -> Optional[bool]:
    """Make ``value`` the enclosing call's ``training``; returns the previous one for
    :func:`exit_call_training` (two plain calls: cheap, and traceable by torch.compile)."""
    global _COMPILED_CALL_TRAINING
    if torch.compiler.is_compiling():
        previous = _COMPILED_CALL_TRAINING
        _COMPILED_CALL_TRAINING = value
        return previous
    previous = _CALL_STATE.training
    _CALL_STATE.training = value
    return previous


def exit_call_training(previous: Optional[bool]) -> None:
    global _COMPILED_CALL_TRAINING
    if torch.compiler.is_compiling():
        _COMPILED_CALL_TRAINING = previous
    else:
        _CALL_STATE.training = previous


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
