"""``Callback`` (every Keras hook) and ``CallbackList`` (calls them in order)."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Dict, Iterable, List, Optional, Union

from torchkeras.backend.messages import did_you_mean
from torchkeras.backend import nest

Logs = Optional[Dict[str, Any]]

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
                "on_predict_batch_end")


def _suggest_keywords(init: Any) -> Any:
    """Wrap a callback's ``__init__`` so that a misspelt keyword argument's ``TypeError``
    names the near valid one (``patiance`` -> ``patience``); costs nothing otherwise."""

    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except TypeError as error:
            text = str(error)
            valid = list(inspect.signature(init).parameters)
            unknown = [k for k in kwargs if k not in valid and f"'{k}'" in text]
            if not unknown or "Did you mean" in text:
                raise
            hint = did_you_mean(unknown[0], valid, lead=". ")
            if not hint:
                raise
            raise TypeError(f"{text}{hint}") from None
    return wrapper


class Callback:
    """Base class: override the hooks you need. ``self.model`` and ``self.params`` are set
    before training starts."""

    def __init__(self) -> None:
        self.validation_data = None
        self.model = None
        self.params: Dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls):
            cls.__init__ = _suggest_keywords(vars(cls)["__init__"])

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """A backwards-compatibility alias for `on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        """A backwards-compatibility alias for `on_train_batch_end`."""

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None: ...

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None: ...

    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None: ...

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None: ...

    def on_train_begin(self, logs: Logs = None) -> None: ...

    def on_train_end(self, logs: Logs = None) -> None: ...

    def on_test_begin(self, logs: Logs = None) -> None: ...

    def on_test_end(self, logs: Logs = None) -> None: ...

    def on_predict_begin(self, logs: Logs = None) -> None: ...

    def on_predict_end(self, logs: Logs = None) -> None: ...

    def _implements_batch_hooks(self) -> bool:
        """Whether a subclass overrides any per-batch hook (then batch logs are computed)."""
        return any(getattr(type(self), hook) is not getattr(Callback, hook)
                   for hook in _BATCH_HOOKS)


def _fresh(logs: Logs) -> Dict[str, Any]:
    """``logs``, or a new empty dict for a hook called without logs (as tf-keras)."""
    return {} if logs is None else logs


class CallbackList:
    """Calls each hook on every callback in order."""

    def __init__(self, callbacks: Optional[Union[Callback, Iterable[Callback]]] = None,
                 model: Any = None, **params: Any):
        # tf-keras flattens `callbacks`: one callback, a list, or nested lists
        self.callbacks: List[Callback] = [] if callbacks is None else nest.flatten(callbacks)
        self.model = model
        self.params = params
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

    def append(self, callback: Callback) -> None:
        callback.set_model(self.model)
        callback.set_params(self.params)
        self.callbacks.append(callback)

    def calls_any(self, *hooks: str) -> bool:
        """Whether some callback implements one of ``hooks`` (a loop whose batch hooks no
        callback implements skips calling them)."""
        return any(not isinstance(c, Callback) or
                   any(h in c.__dict__ or getattr(type(c), h) is not getattr(Callback, h)
                       for h in hooks) for c in self.callbacks)

    def needs_batch_logs(self) -> bool:
        from torchkeras.callbacks.history import History  # late: history.py imports this module
        from torchkeras.callbacks.progbar import ProgbarLogger  # late: progbar.py imports this module
        return any(c._implements_batch_hooks() for c in self.callbacks
                   if not isinstance(c, (ProgbarLogger, History)))

    def _call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    # tf-keras hands every hook a dict: a fresh `{}` for each begin hook (and for
    # on_predict_end), shared by the callbacks of that one call, so a callback doing
    # `logs.get(...)` works and one that adds keys does not leak them into the next batch.
    # Batch-end logs stay None only when no callback besides History/ProgbarLogger reads them.
    def on_epoch_begin(self, epoch, logs=None): self._call("on_epoch_begin", epoch, _fresh(logs))
    def on_epoch_end(self, epoch, logs=None): self._call("on_epoch_end", epoch, _fresh(logs))
    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, {} if logs is None else logs)  # per step: inline
    def on_train_batch_end(self, batch, logs=None): self._call("on_train_batch_end", batch, logs)
    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, {} if logs is None else logs)  # per step: inline
    def on_test_batch_end(self, batch, logs=None): self._call("on_test_batch_end", batch, logs)
    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, {} if logs is None else logs)
    def on_predict_batch_end(self, batch, logs=None): self._call("on_predict_batch_end", batch, logs)
    def on_train_begin(self, logs=None): self._call("on_train_begin", _fresh(logs))
    def on_train_end(self, logs=None): self._call("on_train_end", _fresh(logs))
    def on_test_begin(self, logs=None): self._call("on_test_begin", _fresh(logs))
    def on_test_end(self, logs=None): self._call("on_test_end", _fresh(logs))
    def on_predict_begin(self, logs=None): self._call("on_predict_begin", _fresh(logs))
    def on_predict_end(self, logs=None): self._call("on_predict_end", _fresh(logs))

    def __iter__(self):
        return iter(self.callbacks)
