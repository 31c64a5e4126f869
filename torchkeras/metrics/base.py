"""The Metric base class and its state variables.

A metric keeps its state in small device tensors (:class:`MetricVariable`) and updates them
in place with torch ops, so ``update_state`` never reads a value back to the host; only
``result()`` (a device tensor) is read, when the progress bar or History wants it.
``update_state`` and ``result`` run without autograd, so a metric never holds on to the
training graph.
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np
import torch

from torchkeras import initializers
from torchkeras.backend import (floatx, get_device, standardize_dtype, to_snake_case,
                                torch_dtype, unique_object_name)


class MetricVariable(torch.Tensor):
    """A metric's state: a plain torch tensor plus Keras's ``assign*`` and ``name``.

    Ops on it return ordinary tensors (like ``torch.nn.Parameter``).

    >>> v = MetricVariable(torch.zeros(()), "total")
    >>> _ = v.assign_add(2.0); float(v)
    2.0
    """

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, data: torch.Tensor, name: str = "variable") -> "MetricVariable":
        variable = torch.Tensor._make_subclass(cls, data.detach(), False)
        variable._variable_name = name
        return variable

    @property
    def name(self) -> str:  # type: ignore[override]
        """Keras-style name, e.g. ``'total:0'``."""
        return f"{self._variable_name}:0"

    def assign(self, value: Any) -> "MetricVariable":
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                self.copy_(value)
            elif isinstance(value, (int, float, bool)):
                self.fill_(value)
            else:
                self.copy_(torch.as_tensor(np.asarray(value)))
        return self

    def assign_add(self, value: Any) -> "MetricVariable":
        with torch.no_grad():
            self.add_(value)
        return self

    def assign_sub(self, value: Any) -> "MetricVariable":
        with torch.no_grad():
            self.sub_(value)
        return self

    def numpy(self) -> np.ndarray:  # type: ignore[override]
        """The value as a NumPy array (reads it back from the device)."""
        return self.detach().cpu().numpy()

    @property
    def value(self) -> torch.Tensor:
        """The current value (Keras 3's property; calling it, Keras 2's ``value()``, works
        too)."""
        return torch.Tensor._make_subclass(_Value, self.detach().clone(), False)

    def __deepcopy__(self, memo: Dict[int, Any]) -> "MetricVariable":
        copy = MetricVariable(self.detach().clone(), self._variable_name)
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol: int):
        return (_rebuild_variable, (self.detach().cpu(), self._variable_name))


class _Value(torch.Tensor):
    """A metric variable's value: a plain tensor that returns itself when called."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __call__(self) -> torch.Tensor:
        return self


def _rebuild_variable(data: torch.Tensor, name: str) -> MetricVariable:
    return MetricVariable(data, name)


def _without_grad(fn: Callable) -> Callable:
    """Run ``fn`` under ``torch.no_grad()`` (metrics never need the autograd graph)."""
    if getattr(fn, "_torchkeras_no_grad", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with torch.no_grad():
            return fn(*args, **kwargs)

    wrapper._torchkeras_no_grad = True  # type: ignore[attr-defined]
    return wrapper


_ALLOWED_KWARGS = {"trainable", "autocast", "mesh", "input_shape", "batch_input_shape",
                   "input_dim", "dynamic", "batch_size", "weights", "activity_regularizer"}


class Metric:
    """Base class of stateful metrics (``keras.metrics.Metric``).

    Subclasses create state with :meth:`add_weight` in ``__init__`` and implement
    ``update_state(y_true, y_pred, sample_weight=None)`` and ``result()``:

    >>> class Total(Metric):
    ...     def __init__(self, name="total", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.total = self.add_weight("total", initializer="zeros")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.total.assign_add(torch.sum(torch.as_tensor(y_pred)))
    ...     def result(self):
    ...         return self.total + 0
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr in ("update_state", "result"):
            if attr in cls.__dict__:
                setattr(cls, attr, _without_grad(cls.__dict__[attr]))

    def __init__(self, name: Optional[str] = None, dtype: Any = None, **kwargs: Any):
        for key in kwargs:
            if key not in _ALLOWED_KWARGS:
                raise TypeError("Keyword argument not understood:", key)
        self._name = name if name else unique_object_name(to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        self._torch_dtype = torch_dtype(self._dtype)
        self._metric_variables: List[MetricVariable] = []
        self.stateful = True
        self.built = True
        self.trainable = kwargs.get("trainable", True)

    # ---------------------------------------------------------------- properties
    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def variables(self) -> List[MetricVariable]:
        return list(self._metric_variables)

    weights = variables

    @property
    def non_trainable_weights(self) -> List[MetricVariable]:
        return list(self._metric_variables)

    non_trainable_variables = non_trainable_weights

    @property
    def trainable_weights(self) -> List[MetricVariable]:
        return []

    trainable_variables = trainable_weights

    # -------------------------------------------------------------------- state
    def add_weight(self, name: str, shape: Sequence[int] = (), aggregation: Any = None,
                   synchronization: Any = None, initializer: Any = None,
                   dtype: Any = None) -> MetricVariable:
        """A state variable on the compute device (initializer None or 'zeros' -> zeros)."""
        torch_type = torch_dtype(dtype if dtype is not None else self._dtype)
        shape = tuple(int(d) for d in shape)
        device = self._state_device()
        if initializer is None or initializer == "zeros":
            data = torch.zeros(shape, dtype=torch_type, device=device)
        elif initializer == "ones":
            data = torch.ones(shape, dtype=torch_type, device=device)
        elif isinstance(initializer, (int, float)):
            data = torch.full(shape, float(initializer), dtype=torch_type, device=device)
        else:
            init = initializers.get(initializer)
            data = torch.as_tensor(init(shape, dtype=standardize_dtype(torch_type)))
            data = data.to(device=device, dtype=torch_type)
        variable = MetricVariable(data, name)
        self._metric_variables.append(variable)
        return variable

    def add_variable(self, shape: Sequence[int], initializer: Any, dtype: Any = None,
                     aggregation: str = "sum", name: Optional[str] = None) -> MetricVariable:
        """Keras 3's ``add_variable(shape, initializer, dtype=None, aggregation="sum",
        name=None)``: a state variable, as :meth:`add_weight`."""
        return self.add_weight(name or "variable", shape=shape, initializer=initializer,
                               dtype=dtype)

    def _state_device(self) -> torch.device:
        if self._metric_variables:
            return self._metric_variables[0].device
        return get_device()

    def _move_state_to(self, device: torch.device) -> None:
        """Keep the state on the device of the data (moved once, on the first update)."""
        variables = self._metric_variables
        if not variables or variables[0].device == device:
            return
        for index, variable in enumerate(variables):
            moved = variable.data.to(device)
            if torch._has_compatible_shallow_copy_type(variable.data, moved):
                variable.data = moved  # same Python object: attributes stay valid
                continue
            replacement = MetricVariable(moved, variable._variable_name)
            variables[index] = replacement
            for attr, value in list(vars(self).items()):
                if value is variable:
                    setattr(self, attr, replacement)

    def reset_state(self) -> None:
        """Zero every state variable (in place, on its device)."""
        if type(self).reset_states is not Metric.reset_states:
            warnings.warn(f"Metric {type(self).__name__} implements a `reset_states()` method; "
                          'rename it to `reset_state()` (without the final "s"). The name '
                          "`reset_states()` has been deprecated to improve API consistency.",
                          stacklevel=2)
            return self.reset_states()
        with torch.no_grad():
            for variable in self._metric_variables:
                variable.zero_()

    def reset_states(self) -> None:
        """Keras 2 alias of :meth:`reset_state`."""
        return self.reset_state()

    def merge_state(self, metrics: Sequence["Metric"]) -> None:
        """Add the state of other metrics of the same kind into this one."""
        with torch.no_grad():
            for metric in metrics:
                if len(self.variables) != len(metric.variables):
                    raise ValueError(f"Metric {metric} is not compatible with {self}")
                for variable, other in zip(self.variables, metric.variables):
                    variable.add_(other.to(variable.device))

    def get_weights(self) -> List[np.ndarray]:
        return [variable.numpy() for variable in self._metric_variables]

    def set_weights(self, weights: Sequence[Any]) -> None:
        for variable, value in zip(self._metric_variables, weights):
            variable.assign(torch.as_tensor(np.asarray(value)).to(variable.device))

    # ------------------------------------------------------------------ the API
    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate statistics for the metric."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def result(self) -> torch.Tensor:
        """The metric value (a device tensor) from the current state."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def __call__(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        """``update_state(*args, **kwargs)`` then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> Dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Metric":
        return cls(**config)

    def __deepcopy__(self, memo: Dict[int, Any]) -> "Metric":
        new = self.from_config(self.get_config())
        if self._metric_variables:
            new.set_weights(self.get_weights())
        memo[id(self)] = new
        return new

    def __str__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def clone_metric(metric: Any) -> Any:
    """A fresh copy (same config, zero state) of a Metric; anything else as is."""
    if isinstance(metric, Metric):
        return type(metric).from_config(metric.get_config())
    return metric

__all__ = ["Metric"]  # registered by name; MetricVariable, clone_metric are helpers
