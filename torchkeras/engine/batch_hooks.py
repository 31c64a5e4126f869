"""Batch callbacks under ``compile(steps_per_execution=N)``, shared by fit, evaluate, predict.

Keras runs N batches per execution and calls the batch hooks once per execution: the
``*_batch_begin`` hook with the index of its first batch, the ``*_batch_end`` hook with the
index of its last (tf-keras ``DataHandler.steps()``; the last execution of an epoch may be
shorter). With N = 1 that is every batch.

>>> hooks = BatchHooks(3, print, print)
>>> for step in range(4):
...     hooks.before(step); hooks.after(step)
0
2
3
>>> hooks.finish()
3
"""
from __future__ import annotations

from typing import Callable, Optional


class BatchHooks:
    """Calls ``begin(step)`` before the first batch of each execution of ``per_execution``
    batches and ``end(step)`` after its last; :meth:`finish` ends a partial last one."""

    __slots__ = ("per_execution", "begin", "end", "pending")

    def __init__(self, per_execution: int, begin: Callable[[int], None],
                 end: Callable[[int], None]):
        self.per_execution = per_execution
        self.begin = begin
        self.end = end
        self.pending: Optional[int] = None  # the last batch run, while its execution is open

    def before(self, step: int) -> None:
        """Before batch ``step`` runs."""
        if step % self.per_execution == 0:
            self.begin(step)

    def after(self, step: int) -> None:
        """After batch ``step`` ran."""
        if (step + 1) % self.per_execution == 0:
            self.pending = None
            self.end(step)
        else:
            self.pending = step

    def finish(self) -> None:
        """After the last batch of an epoch (or of evaluate/predict): end a partial
        execution with the index of its last batch."""
        if self.pending is not None:
            step, self.pending = self.pending, None
            self.end(step)

    def first_of_execution(self, step: int) -> int:
        """The index of the first batch of the execution holding batch ``step``."""
        return step - step % self.per_execution
