"""Keras 3's global switches for logging and tracebacks (``keras.config``).

``disable_interactive_logging()`` silences the progress bars of ``fit``/``evaluate``/
``predict`` (Keras 3 sends them to absl logging instead, which prints nothing by default). torchkeras never filters tracebacks; the traceback switch is kept
so code that sets it runs and reads back what it set.
"""
from __future__ import annotations

_STATE = {"interactive_logging": True, "traceback_filtering": True}


def enable_interactive_logging() -> None:
    """Print progress bars and logs to stdout (the default)."""
    _STATE["interactive_logging"] = True


def disable_interactive_logging() -> None:
    """Stop printing progress bars (``fit``/``evaluate``/``predict`` run as ``verbose=0``)."""
    _STATE["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress bars and logs are printed to stdout."""
    return _STATE["interactive_logging"]


def enable_traceback_filtering() -> None:
    """Keras 3's switch (torchkeras shows full tracebacks either way)."""
    _STATE["traceback_filtering"] = True


def disable_traceback_filtering() -> None:
    """Keras 3's switch (torchkeras shows full tracebacks either way)."""
    _STATE["traceback_filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    """The value last set by ``enable``/``disable_traceback_filtering`` (default ``True``)."""
    return _STATE["traceback_filtering"]
