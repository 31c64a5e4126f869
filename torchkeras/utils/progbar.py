"""``keras.utils.Progbar``: a progress bar for hand-written loops, in tf-keras's format.

    bar = keras.utils.Progbar(10, stateful_metrics=["acc"])
    bar.update(3, values=[("loss", 0.5), ("acc", 0.9)])
    #  3/10 [========>.....................] - ETA: 0s - loss: 0.5000 - acc: 0.9000

Values not in ``stateful_metrics`` are averaged over the steps seen, weighted by the steps
each update covers. In a terminal or notebook the line is redrawn in place (``\\r``); in a
pipe or a log file only the final line is printed (as ``fit``'s progress display).
"""
from __future__ import annotations

import sys
import time
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from torchkeras.callbacks.progbar import bar_text, eta_text, format_value


def _format_time(seconds: float, unit: str) -> str:
    """tf-keras's ``Progbar._format_time``: `` 2s/epoch``, `` 13ms/step``, `` 140us/step``."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _dynamic() -> bool:
    """A terminal or a Jupyter kernel's stream: the line is redrawn in place."""
    if type(sys.stdout).__module__.startswith("ipykernel"):
        return True
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty()


class Progbar:
    """Displays a progress bar (``keras.utils.Progbar``).

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: progress bar width on screen.
        verbose: 0 (silent), 1 (a bar), 2 (one line at the end).
        interval: minimum seconds between two redraws.
        stateful_metrics: names of values displayed as given (others are averaged).
        stateless_metrics: Keras 3's opposite form: the names averaged (others as given).
        unit_name: display name of a step (``"step"``, ``"sample"``).
    """

    def __init__(self, target: Optional[int], width: int = 30, verbose: int = 1,
                 interval: float = 0.05, stateful_metrics: Optional[Iterable[str]] = None,
                 stateless_metrics: Optional[Iterable[str]] = None, unit_name: str = "step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be "
                             "provided. `stateful_metrics` is used to make metrics stateless "
                             "by default (with an exclusion list), while `stateless_metrics` "
                             "is used to make metrics stateful by default (with an exclusion "
                             "list).")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None \
            else None
        self._dynamic_display = _dynamic()
        self._total_width = 0
        self._seen_so_far = 0
        self._values: Dict[str, List[Any]] = {}
        self._values_order: List[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end: Optional[float] = None
        self._time_after_first_step: Optional[float] = None

    def update(self, current: int, values: Optional[Sequence[Tuple[str, Any]]] = None,
               finalize: Optional[bool] = None) -> None:
        """Move the bar to step ``current``; ``values``: ``[(name, value_for_last_step)]``;
        ``finalize``: the last update (default: ``current >= target``)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            value = float(np.mean(np.asarray(value, dtype=np.float64)))
            if name not in self._values_order:
                self._values_order.append(name)
            stateful = (name not in self.stateless_metrics if self.stateless_metrics
                        is not None else name in self.stateful_metrics)
            if stateful:
                self._values[name] = [value, 1]
            else:
                base = max(current - self._seen_so_far, 1)
                total = self._values.setdefault(name, [0.0, 0])
                total[0] += value * base
                total[1] += base
        self._seen_so_far = current
        now = time.time()
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            self._show_bar(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._show_line(current, now)

    def add(self, n: int, values: Optional[Sequence[Tuple[str, Any]]] = None) -> None:
        """Advance the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def _averages(self) -> str:
        return "".join(f" - {name}: {format_value(self._values[name][0] / max(1, self._values[name][1]))}"
                       for name in self._values_order)

    def _show_bar(self, current: int, now: float, finalize: bool) -> None:
        if now - self._last_update < self.interval and not finalize:
            return
        self._last_update = now
        if not self._dynamic_display and not finalize:
            return  # a pipe or a log: the final line only
        bar = bar_text(current, self.target, self.width)
        per_step = self._estimate_step_duration(current, now)
        if self.target is None or finalize:
            info = f" - {now - self._start:.0f}s" + _format_time(per_step, self.unit_name)
        else:
            info = " - ETA: " + eta_text(per_step * (self.target - current))
        info += self._averages()
        line = bar + info
        previous, self._total_width = self._total_width, len(line)
        line += " " * max(previous - len(line), 0)
        prefix = "\r" if self._dynamic_display else ""
        sys.stdout.write(prefix + line + ("\n" if finalize else ""))
        sys.stdout.flush()

    def _show_line(self, current: int, now: float) -> None:
        digits = len(str(self.target))
        info = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s"
        info += self._averages()
        if self._time_at_epoch_end:
            per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
            info += " -" + _format_time(per_epoch, "epoch")
            info += " -" + _format_time(per_epoch / max(int(self.target or 1), 1), self.unit_name)
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
        sys.stdout.write(info + "\n")
        sys.stdout.flush()
        self._last_update = now

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the first step (often slower) once past it."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            return (now - self._time_after_first_step) / (current - 1)
        if current == 1:
            self._time_after_first_step = now
        return (now - self._start) / current
