"""``tf.data.Options``: accepted and kept (torchkeras's pipeline needs no tuning knobs)."""
from __future__ import annotations

import enum
from typing import Any, Dict


class AutoShardPolicy(enum.IntEnum):
    """``tf.data.experimental.AutoShardPolicy``."""
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class _Group:
    """A group of options (``options.experimental_distribute``, ``options.threading``, ...):
    any attribute can be set and read back; unset ones read as None."""

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        values: Dict[str, Any] = object.__getattribute__(self, "_values")
        if name not in values:
            values[name] = _Group() if name in _GROUPS else None
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        self._values[name] = value

    def merge(self, other: "_Group") -> "_Group":
        merged = type(self)()
        for source in (self, other):
            for name, value in source._values.items():
                if isinstance(value, _Group) and isinstance(merged._values.get(name), _Group):
                    value = merged._values[name].merge(value)
                if value is not None:
                    merged._values[name] = value
        return merged


_GROUPS = {"experimental_distribute", "experimental_optimization", "threading",
           "autotune", "experimental_threading"}


class Options(_Group):
    """``tf.data.Options()``: set any option (``deterministic``,
    ``experimental_distribute.auto_shard_policy``, ...); ``with_options`` keeps them."""
