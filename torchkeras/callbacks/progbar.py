"""The progress display of fit/evaluate/predict: tf-keras's ``Progbar`` lines.

``verbose=1``, in a terminal or a notebook, redraws one line in place (``\r``)::

    Epoch 1/3
    12/32 [==========>...................] - ETA: 0s - loss: 0.6931 - accuracy: 0.5000

and ends each epoch with the full line, every metric included (never cut to the terminal's
width; a terminal wraps it)::

    32/32 [==============================] - 0s 2ms/step - loss: 0.6931 - accuracy: 0.5000

``verbose=2`` prints one line per epoch (and one for evaluate and predict)::

    32/32 - 0s - loss: 0.6931 - accuracy: 0.5000 - 51ms/epoch - 2ms/step

When stdout is neither a terminal nor a notebook (a pipe, a log file), ``verbose=1`` prints
only the final line of each epoch. Metric values are read from the device only when the
line refreshes (at most every ``refresh_interval`` seconds) and at the end. In a terminal,
the running line keeps to the terminal's width (whole `` - name: value`` items are left out)
so that ``\r`` redraws it in place; in a notebook it is plain text, so the saved notebook
keeps each epoch's final line.
"""
from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Callable, Dict, List, Optional

from torchkeras.backend import logging_config
from torchkeras.callbacks.base import Callback
from torchkeras.distribute.environment import is_chief


def format_value(value: float, signed: bool = False) -> str:
    """Keras's progress format: ``%.4f``, or ``%.4e`` for magnitudes up to 1e-3 (``signed``:
    for values up to 1e-3, negative ones included, as tf-keras's ``verbose=2`` line)."""
    return f"{value:.4f}" if (value if signed else abs(value)) > 1e-3 else f"{value:.4e}"


def format_logs(logs: Dict[str, Any], signed: bool = False) -> str:
    return "".join(f" - {key}: {format_value(float(value), signed)}"
                   for key, value in logs.items() if _is_number(value))


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _per_unit(seconds: float, unit: str) -> str:
    """tf-keras's ``Progbar._format_time``: ``2s/epoch``, ``13ms/step``, ``140us/step``."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def _time_text(elapsed: float, per_step: float) -> str:
    """``0s 5ms/step``: the elapsed seconds and the time per step."""
    return f"{elapsed:.0f}s " + _per_unit(per_step, "step")


def _dynamic_display() -> bool:
    """A line redrawn in place in terminals and notebooks (tf-keras's ``_dynamic_display``
    without its ``"posix"`` test, which holds on every Linux); final lines in logs and pipes."""
    if _in_notebook():
        return True
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty()


def _in_notebook() -> bool:
    """stdout is a Jupyter kernel's stream (Jupyter, Colab, VS Code). tf-keras tests
    ``"ipykernel" in sys.modules``, which any process importing ipykernel also passes."""
    return type(sys.stdout).__module__.startswith("ipykernel")


def bar_text(current: int, target: Optional[int], width: int = 30) -> str:
    """tf-keras's ``Progbar`` counter and bar: `` 7/32 [=====>........................]``,
    ``     12/Unknown`` without a target."""
    if target is None:
        return "%7d/Unknown" % current
    target = max(int(target), 1)
    filled = int(width * min(current, target) / target)
    bar = f"{current:{len(str(target))}d}/{target} ["
    if filled > 0:
        bar += "=" * (filled - 1) + (">" if current < target else "=")
    return bar + "." * (width - filled) + "]"


def eta_text(seconds: float) -> str:
    """tf-keras's ETA: ``3s``, ``2:05``, ``1:02:03``."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _log_items(logs: Dict[str, Any]) -> List[str]:
    return [f" - {key}: {format_value(float(value))}"
            for key, value in logs.items() if _is_number(value)]


def _fit_width(bar: str, items: List[str], columns: int) -> str:
    """The bar and as many whole items as fit in ``columns - 1`` characters."""
    line = bar
    for item in items:
        if len(line) + len(item) > columns - 1:
            break
        line += item
    return line


class ProgbarLogger(Callback):
    """Prints progress. ``read_logs`` returns the current metric values (a host sync), and
    is called only when the display refreshes."""

    refresh_interval = 0.1

    def __init__(self, count_mode: str = "steps", stateful_metrics: Any = None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: Optional[int] = None
        self._dynamic = False
        self._columns = 0  # the terminal's width for the running line; 0: no limit
        self._shown = 0  # length of the line on screen (padding clears its leftovers)
        self._last_refresh = 0.0
        self._start = 0.0
        self._after_first_step: Optional[float] = None
        self._seen = 0
        self._target: Optional[int] = None
        self._with_logs = True
        self.read_logs: Optional[Callable[[], Dict[str, float]]] = None

    def set_params(self, params: Dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1) if is_chief() else 0  # rank 0 prints
        if not logging_config.is_interactive_logging_enabled():  # keras.config switch
            self.verbose = 0
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ------------------------------------------------------------------ line
    def _open(self, target: Optional[int], with_logs: bool = True) -> None:
        self._with_logs = with_logs  # predict's line shows no metrics
        self._start = time.monotonic()
        self._last_refresh = float("-inf")  # the first step draws, as Keras
        self._after_first_step = None
        self._seen = 0
        self._shown = 0
        self._target = target
        self._dynamic = self.verbose == 1 and _dynamic_display()
        self._columns = 0
        if self._dynamic and not _in_notebook():
            # A pseudo-terminal may report a 0x0 size: then no limit.
            self._columns = max(shutil.get_terminal_size((0, 0)).columns, 0)

    def _step_time(self, now: float) -> float:
        """tf-keras's ``_estimate_step_duration``: the first step (tracing, warm-up) left
        out once there are more."""
        if not self._seen:
            return 0.0
        if self._after_first_step is not None and self._seen > 1:
            return (now - self._after_first_step) / (self._seen - 1)
        return (now - self._start) / self._seen

    def _write(self, line: str, final: bool) -> None:
        pad = " " * max(self._shown - len(line), 0)
        self._shown = 0 if final else len(line)
        sys.stdout.write("\r" + line + pad + ("\n" if final else ""))
        sys.stdout.flush()

    def _advance(self, steps: int) -> None:
        self._seen += steps
        if self._seen == 1 and steps == 1:
            self._after_first_step = time.monotonic()
        if not self._dynamic:
            return
        now = time.monotonic()
        if now - self._last_refresh < self.refresh_interval:
            return
        self._last_refresh = now
        logs = self.read_logs() if self.read_logs is not None and self._with_logs else {}
        bar = bar_text(self._seen, self._target)
        if self._target is None:
            timing = " - " + _time_text(now - self._start, self._step_time(now))
        else:
            timing = " - ETA: " + eta_text(self._step_time(now) * max(self._target - self._seen, 0))
        items = [timing] + _log_items(logs)
        self._write(_fit_width(bar, items, self._columns) if self._columns else
                    bar + "".join(items), final=False)

    def _close(self, logs: Optional[Dict[str, Any]]) -> None:
        now = time.monotonic()
        elapsed = now - self._start
        total = self._target or self._seen
        if self.verbose == 1:  # the full final line, also when not a terminal or notebook
            line = (bar_text(self._seen, total) + " - " + _time_text(elapsed, self._step_time(now))
                    + format_logs(logs or {}))
            if self._dynamic:
                self._write(line, final=True)
            else:
                print(line, flush=True)
        elif self.verbose == 2:  # fit's epochs, evaluate and predict alike, as tf-keras
            print(f"{total}/{total} - {elapsed:.0f}s" + format_logs(logs or {}, signed=True) +
                  " - " + _per_unit(elapsed, "epoch") +
                  " - " + _per_unit(elapsed / max(total, 1), "step"), flush=True)
        self._dynamic = False

    # ---------------------------------------------------------------- hooks
    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.verbose and self.epochs > 1:  # no "Epoch 1/1" line, as Keras
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self._open(self.target)

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._advance(batch + 1 - self._seen)  # steps_per_execution: N steps at once

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._close(logs)

    def on_test_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.params.get("_in_fit"):
            return
        self._open(self.params.get("steps"))

    def on_test_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if not self.params.get("_in_fit"):
            self._advance(batch + 1 - self._seen)

    def on_test_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if not self.params.get("_in_fit"):
            self._close(logs)

    def on_predict_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._open(self.params.get("steps"), with_logs=False)

    def on_predict_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._advance(batch + 1 - self._seen)  # steps_per_execution: N steps at once

    def on_predict_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._close({})
