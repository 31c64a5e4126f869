"""``LambdaCallback``: a callback made of plain functions."""
from __future__ import annotations

from typing import Any, Callable, Optional

from torchkeras.callbacks.base import _BATCH_HOOKS, Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
          "on_train_begin", "on_train_end")


class LambdaCallback(Callback):
    """Calls the given functions: ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)``,
    ``on_batch_begin(batch, logs)``, ``on_batch_end(batch, logs)``, ``on_train_begin(logs)``,
    ``on_train_end(logs)``; extra keyword arguments become attributes (other hooks).

    Example:
        >>> LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs['loss']))
    """

    def __init__(self, on_epoch_begin: Optional[Callable] = None,
                 on_epoch_end: Optional[Callable] = None,
                 on_batch_begin: Optional[Callable] = None,
                 on_batch_end: Optional[Callable] = None,
                 on_train_begin: Optional[Callable] = None,
                 on_train_end: Optional[Callable] = None, **kwargs: Any) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end)
        for hook, fn in given.items():
            if fn is not None:
                setattr(self, hook, fn)

    def _implements_batch_hooks(self) -> bool:
        """Batch logs are computed only when a batch function was given."""
        return any(hook in self.__dict__ for hook in _BATCH_HOOKS)
