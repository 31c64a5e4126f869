"""Ctrl-C during ``fit``: stop at the end of the current step, not in the middle of it.

While ``fit`` runs in the main thread, SIGINT only sets a flag; ``fit`` raises
``KeyboardInterrupt`` after the step (and its ``on_train_batch_end``) completes, so the
weights and optimizer state are never half-updated; during the validation pass, after the
current validation step (not at the end of the pass). A second Ctrl-C interrupts at once.
``fit`` then calls ``on_train_end``, sets ``model.history`` to the epochs completed so far,
and lets the ``KeyboardInterrupt`` propagate, as Keras does.
"""
from __future__ import annotations

import signal
import threading
from typing import Any, Optional


class DeferredInterrupt:
    """Install with :meth:`install`, poll :attr:`requested`, undo with :meth:`restore`."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Optional[Any] = None

    @classmethod
    def install(cls) -> "DeferredInterrupt":
        guard = cls()
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            guard._previous = signal.signal(signal.SIGINT, guard._handle)
        return guard

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:  # second Ctrl-C: interrupt now
            raise KeyboardInterrupt
        self.requested = True

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed during the step."""
        if self.requested:
            self.requested = False
            raise KeyboardInterrupt

    def restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def finish_interrupted_fit(model: Any, callback_list: Any, logs: Any) -> None:
    """What ``fit`` does before letting a ``KeyboardInterrupt`` propagate: the History of
    the completed epochs goes to ``model.history``, and callbacks get ``on_train_end``."""
    history = getattr(callback_list, "history", None)
    if history is not None:
        history.model = model
        model.history = history
    model.eval()
    callback_list.on_train_end(logs)
