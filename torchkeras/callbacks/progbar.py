"""The progress display of fit/evaluate/predict: a tqdm bar in Keras's format.

``verbose=1``::

    Epoch 1/3
    32/32 [==============================] - 0s 2ms/step - loss: 0.6931 - accuracy: 0.5000

``verbose=2`` prints one line per epoch (and one for evaluate and predict)::

    32/32 - 0s - loss: 0.6931 - accuracy: 0.5000 - 51ms/epoch - 2ms/step

Metric values are read from the device only when
the bar refreshes (at most every ``refresh_interval`` seconds) and at the end.
"""
from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Callable, Dict, Optional

from tqdm.auto import tqdm

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


def _time_text(elapsed: float, steps: int) -> str:
    return f"{elapsed:.0f}s " + _per_unit(elapsed / max(steps, 1), "step")


def _dynamic_display() -> bool:
    """A live bar in terminals and notebooks; plain final lines in logs and pipes."""
    if "ipykernel" in sys.modules:
        return True
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty()


class _KerasBar(tqdm):
    """tqdm with a ``{keras}`` field holding ``' - 0s 2ms/step - loss: ...'``."""

    keras_text = ""

    @property
    def format_dict(self):
        values = super().format_dict
        values["keras"] = self.keras_text
        return values


class ProgbarLogger(Callback):
    """Prints progress. ``read_logs`` returns the current metric values (a host sync), and
    is called only when the display refreshes."""

    refresh_interval = 0.1

    def __init__(self, count_mode: str = "steps", stateful_metrics: Any = None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: Optional[int] = None
        self._bar: Optional[_KerasBar] = None
        self._last_refresh = 0.0
        self._start = 0.0
        self._seen = 0
        self._target: Optional[int] = None
        self.read_logs: Optional[Callable[[], Dict[str, float]]] = None

    def set_params(self, params: Dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1) if is_chief() else 0  # rank 0 prints
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ------------------------------------------------------------------ bar
    def _open(self, target: Optional[int]) -> None:
        self._start = time.monotonic()
        self._last_refresh = self._start
        self._seen = 0
        self._target = target
        if self.verbose == 1 and _dynamic_display():
            # A pseudo-terminal may report a 0x0 size, which makes tqdm print nothing.
            columns, rows = shutil.get_terminal_size((160, 24))
            self._bar = _KerasBar(total=target, file=sys.stdout, ascii=".>=",
                                  bar_format="{n_fmt}/{total_fmt} [{bar:30}]{keras}",
                                  mininterval=self.refresh_interval, leave=True,
                                  dynamic_ncols=False, ncols=columns if columns > 0 else 160,
                                  nrows=rows if rows > 0 else 24)

    def _advance(self, steps: int, final: bool = False) -> None:
        self._seen += steps
        if self._bar is None:
            return
        now = time.monotonic()
        if final or now - self._last_refresh >= self.refresh_interval:
            self._last_refresh = now
            logs = self.read_logs() if self.read_logs is not None else {}
            self._bar.keras_text = (" - " + _time_text(now - self._start, self._seen) +
                                    format_logs(logs))
            self._bar.update(self._seen - self._bar.n)
            if final:
                self._bar.refresh()

    def _close(self, logs: Optional[Dict[str, Any]]) -> None:
        elapsed = time.monotonic() - self._start
        text = " - " + _time_text(elapsed, self._seen) + format_logs(logs or {})
        if self._bar is not None:
            self._bar.keras_text = text
            self._bar.n = self._seen
            self._bar.close()  # draws the final state once
            self._bar = None
        elif self.verbose == 1:  # not a terminal or notebook: one final line, as Keras
            total = self._target or self._seen
            filled = 30 if self._seen >= total else int(30 * self._seen / max(total, 1))
            bar = "=" * filled + "." * (30 - filled)
            print(f"{self._seen}/{total} [{bar}]{text}", flush=True)
        elif self.verbose == 2:  # fit's epochs, evaluate and predict alike, as tf-keras
            total = self._target or self._seen
            print(f"{total}/{total} - {elapsed:.0f}s" + format_logs(logs or {}, signed=True) +
                  " - " + _per_unit(elapsed, "epoch") +
                  " - " + _per_unit(elapsed / max(total, 1), "step"), flush=True)

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
        self._open(self.params.get("steps"))

    def on_predict_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._advance(batch + 1 - self._seen)  # steps_per_execution: N steps at once

    def on_predict_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._close({})
