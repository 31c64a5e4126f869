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

from typing import Any, Callable, Optional


class NoBatchHooks:
    """:class:`BatchHooks` for a loop whose batch hooks no callback implements."""

    __slots__ = ()

    def before(self, step: int) -> None:
        pass

    def after(self, step: int) -> None:
        pass

    def finish(self) -> None:
        pass


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


# The hooks each loop calls; Callback.on_train_batch_* forward to the on_batch_* aliases.
LOOP_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def batch_hooks(callback_list: Any, loop: str, per_execution: int, begin: Callable[[int], None],
                end: Callable[[int], None]) -> "BatchHooks | NoBatchHooks":
    """The ``loop``'s (``'train'``, ``'test'``, ``'predict'``) batch hooks, or no-ops when
    no callback in ``callback_list`` implements them."""
    if not callback_list.calls_any(*LOOP_HOOKS[loop]):
        return NoBatchHooks()
    return BatchHooks(per_execution, begin, end)
