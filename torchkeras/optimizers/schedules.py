"""Learning rate schedules (``keras.optimizers.schedules``).

A schedule maps the optimizer's step count (a host int) to a learning rate (a Python float).
The arithmetic runs in float32 numpy scalars, as tf-keras runs it in float32 tensors, so the
values match Keras's to the last bit in most cases; nothing touches the device.

Example:
    >>> lr = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
    >>> opt = SGD(learning_rate=lr)
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Sequence

import numpy as np

from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

_f = np.float32


def _step(step: Any) -> int:
    """The step as a host number (ints from the optimizer; tensors are read once)."""
    if hasattr(step, "item"):
        return step.item()
    return step


class LearningRateSchedule:
    """Base class: subclasses define ``__call__(step)`` and ``get_config()``.

    Example:
        >>> class MySchedule(LearningRateSchedule):
        ...     def __init__(self, initial):
        ...         self.initial = initial
        ...     def __call__(self, step):
        ...         return self.initial / (step + 1)
        ...     def get_config(self):
        ...         return {"initial": self.initial}
    """

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' "
                                  "must override `__call__(self, step)`.")

    def get_config(self) -> Dict[str, Any]:
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' "
                                  "must override `get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "LearningRateSchedule":
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored if staircase)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        p = _f(_step(step)) / _f(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return float(_f(self.initial_learning_rate) * np.power(_f(self.decay_rate), p))

    def get_config(self) -> Dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` on ``(b[i-1], b[i]]``, ..."""

    def __init__(self, boundaries: Sequence[Any], values: Sequence[float],
                 name: Optional[str] = None) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: int) -> float:
        x = _step(step)
        for boundary, value in zip(self.boundaries, self.values):
            if x <= boundary:
                return float(_f(value))
        return float(_f(self.values[-1]))

    def get_config(self) -> Dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step/decay_steps) ** power + end``; optionally cycling."""

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: Optional[str] = None) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: int) -> float:
        initial, end = _f(self.initial_learning_rate), _f(self.end_learning_rate)
        s, decay_steps = _f(_step(step)), _f(self.decay_steps)
        if self.cycle:
            multiplier = _f(1.0) if s == 0 else np.ceil(s / decay_steps)
            decay_steps = decay_steps * multiplier
        else:
            s = min(s, decay_steps)
        p = s / decay_steps
        return float((initial - end) * np.power(_f(1.0) - p, _f(self.power)) + end)

    def get_config(self) -> Dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored if staircase)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: int) -> float:
        p = _f(_step(step)) / _f(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return float(_f(self.initial_learning_rate) / (_f(1.0) + _f(self.decay_rate) * p))

    def get_config(self) -> Dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * lr`` over ``decay_steps``, after an optional linear warmup."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: Optional[str] = None, warmup_target: Optional[float] = None,
                 warmup_steps: int = 0) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, s: np.float32, decay_steps: np.float32, from_lr: np.float32) -> float:
        fraction = s / decay_steps
        cosine = _f(0.5) * (_f(1.0) + np.cos(_f(math.pi) * fraction))
        alpha = _f(self.alpha)
        return float(from_lr * ((_f(1.0) - alpha) * cosine + alpha))

    def __call__(self, step: int) -> float:
        initial = _f(self.initial_learning_rate)
        decay_steps, s = _f(self.decay_steps), _f(_step(step))
        if self.warmup_target is None:
            return self._decay(min(s, decay_steps), decay_steps, initial)
        target, warmup = _f(self.warmup_target), _f(self.warmup_steps)
        s = min(s, decay_steps + warmup)
        if s < warmup:
            return float((target - initial) * (s / warmup) + initial)
        return self._decay(s - warmup, decay_steps, target)

    def get_config(self) -> Dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decay restarted every period, periods growing by ``t_mul``."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: Optional[str] = None) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: int) -> float:
        t_mul, m_mul, alpha = _f(self._t_mul), _f(self._m_mul), _f(self.alpha)
        fraction = _f(_step(step)) / _f(self.first_decay_steps)
        if t_mul == 1.0:
            i_restart = np.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = np.floor(np.log(_f(1.0) - fraction * (_f(1.0) - t_mul)) / np.log(t_mul))
            sum_r = (_f(1.0) - t_mul ** i_restart) / (_f(1.0) - t_mul)
            fraction = (fraction - sum_r) / t_mul ** i_restart
        m_fac = m_mul ** i_restart
        cosine = _f(0.5) * m_fac * (_f(1.0) + np.cos(_f(math.pi) * fraction))
        return float(_f(self.initial_learning_rate) * ((_f(1.0) - alpha) * cosine + alpha))

    def get_config(self) -> Dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_MODULE_OBJECTS = {cls.__name__: cls for cls in (
    LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: LearningRateSchedule) -> Dict[str, Any]:
    """``{'class_name': ..., 'config': ...}`` for a schedule."""
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None
                ) -> LearningRateSchedule:
    """A schedule from ``serialize()``'s output."""
    return deserialize_keras_object(config, module_objects=_MODULE_OBJECTS,
                                    custom_objects=custom_objects, printable_module_name="decay")


def get(identifier: Any) -> Any:
    """A schedule from a schedule, a config dict or a class name."""
    if isinstance(identifier, LearningRateSchedule) or identifier is None:
        return identifier
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier if isinstance(identifier, dict)
                           else {"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret learning rate schedule identifier: {identifier}")
