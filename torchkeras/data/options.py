"""``tf.data.Options`` and its groups (``tf.data.experimental.OptimizationOptions``,
``ThreadingOptions``, ``DistributeOptions``, ``AutotuneOptions``) with TF's enums.

As TF: each group has a fixed set of typed options (setting an unknown name raises
``AttributeError``, a value of the wrong type ``TypeError``); unset options read as their
default (None, or ``AutoShardPolicy.AUTO``); ``merge`` keeps the later setting; the options a
dataset returns from ``Dataset.options()`` are read-only. torchkeras's pipeline accepts and
keeps them: none of them changes how it runs.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Dict, Tuple

__all__ = ["AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "DistributeOptions",
           "ExternalStatePolicy", "OptimizationOptions", "Options", "ServiceOptions",
           "ThreadingOptions", "frozen"]


class AutoShardPolicy(enum.IntEnum):
    """``tf.data.experimental.AutoShardPolicy``."""
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class AutotuneAlgorithm(enum.Enum):
    """``tf.data.experimental.AutotuneAlgorithm`` (torchkeras has no autotuner: kept only)."""
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class ExternalStatePolicy(enum.Enum):
    """``tf.data.experimental.ExternalStatePolicy`` (kept only)."""
    WARN = 0
    IGNORE = 1
    FAIL = 2


def _none() -> Any:
    return None


class OptionsBase:
    """A group of typed options; ``_FIELDS`` maps each name to (type, default factory)."""

    _FIELDS: Dict[str, Tuple[Any, Callable[[], Any]]] = {}

    def __init__(self) -> None:
        object.__setattr__(self, "_options", {})
        object.__setattr__(self, "_mutable", True)

    def __getattr__(self, name: str) -> Any:
        fields = type(self)._FIELDS
        if name.startswith("_") or name not in fields:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        options: Dict[str, Any] = object.__getattribute__(self, "_options")
        if name not in options:
            options[name] = fields[name][1]()
        return options[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if not self._mutable:
            raise ValueError("Mutating `tf.data.Options()` returned by `tf.data.Dataset.options()` "
                             "has no effect. Use `tf.data.Dataset.with_options(options)` to set "
                             "or update dataset options.")
        fields = type(self)._FIELDS
        if name not in fields:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        kind = fields[name][0]
        if not isinstance(value, kind):
            raise TypeError(f'Property "{name}" must be of type {kind}, got: {value} '
                            f"(type: {type(value)})")
        self._options[name] = value

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name)
                   for name in set(self._options) | set(other._options))

    __hash__ = None  # type: ignore[assignment]  (mutable, compared by value as TF)

    def __dir__(self) -> list:
        return sorted(set(super().__dir__()) | set(type(self)._FIELDS))

    def set_mutable(self, mutable: bool) -> None:
        """Allow (True) or refuse (False) setting options, on this group and its groups."""
        object.__setattr__(self, "_mutable", bool(mutable))
        for name, (kind, _) in type(self)._FIELDS.items():
            if isinstance(kind, type) and issubclass(kind, OptionsBase):
                getattr(self, name).set_mutable(mutable)

    def merge(self, options: "OptionsBase") -> "OptionsBase":
        """A new group: this one's settings, overridden by those ``options`` sets."""
        return _merge(self, options)

    def __repr__(self) -> str:
        set_options = ", ".join(f"{k}={v!r}" for k, v in sorted(self._options.items())
                                if v is not None and not isinstance(v, OptionsBase))
        return f"{type(self).__name__}({set_options})"


def _merge(first: OptionsBase, second: OptionsBase) -> OptionsBase:
    """TF's ``merge_options``: options ``second`` sets to a non-default value win."""
    kind = type(first)
    if not isinstance(second, kind):
        raise TypeError(f"Could not merge incompatible options of type {type(second)} and "
                        f"{kind}.")
    default, result = kind(), kind()
    for source in (first, second):
        for name in list(source._options):
            this, that = getattr(result, name), getattr(source, name)
            if that == getattr(default, name):
                continue
            if isinstance(that, OptionsBase):  # a fresh group: the caller's stays its own
                that = _merge(this, that)
            elif name == "framework_type" and this:
                that = this + that
            setattr(result, name, that)
    return result


def _options(**fields: Any) -> Dict[str, Tuple[Any, Callable[[], Any]]]:
    return {name: spec if isinstance(spec, tuple) else (spec, _none)
            for name, spec in fields.items()}


class AutotuneOptions(OptionsBase):
    """``tf.data.experimental.AutotuneOptions``."""
    _FIELDS = _options(enabled=bool, cpu_budget=int, ram_budget=int,
                       autotune_algorithm=AutotuneAlgorithm, initial_parallelism=int,
                       min_parallelism=int)


class DistributeOptions(OptionsBase):
    """``tf.data.experimental.DistributeOptions``."""
    _FIELDS = _options(auto_shard_policy=(AutoShardPolicy, lambda: AutoShardPolicy.AUTO),
                       num_devices=int)


class OptimizationOptions(OptionsBase):
    """``tf.data.experimental.OptimizationOptions``."""
    _FIELDS = _options(**{name: bool for name in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "seq_interleave_prefetch", "map_and_batch_fusion",
        "map_and_filter_fusion", "map_fusion", "map_parallelization", "noop_elimination",
        "parallel_batch", "shuffle_and_repeat_fusion")})


class ServiceOptions(OptionsBase):
    """``tf.data.experimental.ServiceOptions`` (torchkeras has no tf.data service: kept)."""
    _FIELDS = _options(pinned=bool)


class ThreadingOptions(OptionsBase):
    """``tf.data.ThreadingOptions`` / ``tf.data.experimental.ThreadingOptions``."""
    _FIELDS = _options(max_intra_op_parallelism=int, private_threadpool_size=int)


# Options' deprecated names and the option each one reads and sets (as TF).
_ALIASES = {"experimental_threading": "threading", "experimental_deterministic": "deterministic"}


class Options(OptionsBase):
    """``tf.data.Options()``: ``deterministic``, ``threading``, ``autotune``,
    ``experimental_distribute``, ``experimental_optimization``, ... (``with_options`` keeps
    them)."""
    _FIELDS = _options(
        autotune=(AutotuneOptions, AutotuneOptions), deterministic=bool,
        experimental_distribute=(DistributeOptions, DistributeOptions),
        experimental_external_state_policy=ExternalStatePolicy,
        experimental_optimization=(OptimizationOptions, OptimizationOptions),
        experimental_slack=bool, experimental_symbolic_checkpoint=bool,
        experimental_service=(ServiceOptions, ServiceOptions), experimental_warm_start=bool,
        dataset_name=str, framework_type=list, threading=(ThreadingOptions, ThreadingOptions))

    def __getattr__(self, name: str) -> Any:
        return super().__getattr__(_ALIASES.get(name, name))

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(_ALIASES.get(name, name), value)

    def __dir__(self) -> list:
        return sorted(set(super().__dir__()) | set(_ALIASES))

    def merge(self, options: "Options") -> "Options":  # type: ignore[override]
        """A new ``Options``: these settings, overridden by those ``options`` sets."""
        return _merge(self, options)  # type: ignore[return-value]


def frozen(options: Options) -> Options:
    """``options`` made read-only (what ``Dataset.options()`` returns, as TF)."""
    options.set_mutable(False)
    return options
