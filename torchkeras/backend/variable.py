"""``keras.Variable`` (Keras 3) on torch: a tensor with Keras's variable API.

A :class:`Variable` IS a torch tensor, so it works in ``keras.ops``, torch functions and
arithmetic as is (results are plain tensors, as with ``torch.nn.Parameter``). A trainable
variable is also a ``torch.nn.Parameter`` (modules register it and optimizers update it); a
non-trainable one is a plain tensor subclass (a module buffer). ``Layer.add_weight`` returns
one. Differences from Keras 3: ``dtype`` is the torch dtype (``keras.backend.standardize_dtype``
gives the Keras name) and ``shape`` a ``torch.Size`` (a tuple).

Example:
    >>> v = Variable(np.ones((2,)), name="v")
    >>> _ = v.assign_add([1.0, 2.0]); v.numpy().tolist(), v.name, v.trainable
    ([2.0, 3.0], 'v', True)
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import standardize_dtype, to_torch_dtype
from torchkeras.backend.naming import unique_object_name

# Resolves a string initializer ("zeros", "glorot_uniform") to a callable; set by
# torchkeras.initializers (a higher layer) when it is imported.
_INITIALIZER_GETTER: Dict[str, Callable[[Any], Callable[..., Any]]] = {}


def set_initializer_getter(getter: Callable[[Any], Callable[..., Any]]) -> None:
    """Register ``keras.initializers.get`` for ``Variable("zeros", shape=...)``."""
    _INITIALIZER_GETTER["get"] = getter


def _initial_value(initializer: Any, shape: Optional[Sequence[int]], dtype: Any) -> torch.Tensor:
    if isinstance(initializer, str):
        if "get" not in _INITIALIZER_GETTER:
            raise ValueError(f"Variable: cannot resolve the initializer {initializer!r} before "
                             "keras.initializers is imported; pass a value or a callable.")
        initializer = _INITIALIZER_GETTER["get"](initializer)
    if callable(initializer):
        if shape is None:
            raise ValueError("When creating a Variable from an initializer, the `shape` "
                             f"argument should be specified. Received: initializer={initializer} "
                             f"and shape={shape}")
        value = initializer(tuple(shape), dtype=standardize_dtype(dtype))
    else:
        value = initializer
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
    else:
        array = np.asarray(value)
        if dtype is None and array.dtype == np.float64:
            array = array.astype(config.floatx())
        tensor = torch.as_tensor(array)
    if dtype is not None:
        tensor = tensor.to(to_torch_dtype(dtype))
    elif tensor.dtype == torch.float64:
        tensor = tensor.to(to_torch_dtype(config.floatx()))
    if shape is not None and tuple(tensor.shape) != tuple(shape):
        raise ValueError(f"Initial value has shape {tuple(tensor.shape)}, but the variable's "
                         f"`shape` is {tuple(shape)}.")
    return tensor.to(get_device()).clone()


class Variable(torch.Tensor):
    """A Keras 3 variable: ``value``, ``assign``/``assign_add``/``assign_sub``, ``trainable``,
    ``name``, ``path``, ``numpy()``; it is a tensor (see the module docstring).

    Args:
        initializer: The initial value (array, tensor, number) or an initializer (callable or
            name) called with ``shape`` and ``dtype``.
        shape: The shape (needed with an initializer).
        dtype: The dtype (default: floatx for float values, else the value's).
        trainable: Whether gradients flow to it and optimizers update it.
        name: Its name (default ``'variable'``, made unique).
    """

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, initializer: Any = None, shape: Optional[Sequence[int]] = None,
                dtype: Any = None, trainable: bool = True, autocast: bool = True,
                aggregation: str = "none", synchronization: str = "auto",
                name: Optional[str] = None, **kwargs: Any) -> "Variable":
        if initializer is None:
            raise ValueError("Variable: `initializer` (the initial value or an initializer) is "
                             "required.")
        if kwargs:
            raise TypeError(f"Variable: unknown keyword argument(s) {sorted(kwargs)}")
        data = _initial_value(initializer, shape, dtype)
        name = name or unique_object_name("variable")
        return wrap(data, name=name, trainable=trainable)

    # ------------------------------------------------------------------ Keras API
    @property
    def name(self) -> str:  # type: ignore[override]
        """The variable's name, e.g. ``'kernel'``."""
        return self.__dict__.get("_keras_name", "variable")

    @property
    def path(self) -> str:
        """The name with its owner's scope, e.g. ``'dense/kernel'``."""
        return self.__dict__.get("_keras_path") or self.name

    @property
    def trainable(self) -> bool:
        """Whether the variable is trainable (gradients flow to it)."""
        return self.__dict__.get("_keras_trainable", False)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.__dict__["_keras_trainable"] = bool(value)
        if self.is_floating_point() or self.is_complex():
            self.requires_grad_(bool(value))

    @property
    def value(self) -> torch.Tensor:
        """The current value as a plain tensor in Keras layout (differentiable)."""
        to_keras = self.__dict__.get("_to_keras")
        plain = self.view_as(self)
        return to_keras(plain) if to_keras is not None else plain

    def numpy(self) -> np.ndarray:  # type: ignore[override]
        """The value as a NumPy array (Keras layout)."""
        value = self.value.detach()
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.cpu().numpy()

    def _storage_value(self, value: Any) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            tensor = value.detach()
        else:
            tensor = torch.as_tensor(np.asarray(value))
        tensor = tensor.to(device=self.device, dtype=self.dtype)
        from_keras = self.__dict__.get("_from_keras")
        if from_keras is not None:
            tensor = from_keras(tensor)
        if tensor.shape != self.shape:
            tensor = torch.broadcast_to(tensor, self.shape) if tensor.ndim == 0 else tensor
        if tensor.shape != self.shape:
            raise ValueError(f"The shape of the target variable and the shape of the target "
                             f"value in `variable.assign(value)` must match. variable.shape="
                             f"{tuple(self.value.shape)}, Received: value.shape="
                             f"{tuple(value.shape) if hasattr(value, 'shape') else ()}. Target "
                             f"variable: {self.path}")
        return tensor

    def assign(self, value: Any) -> "Variable":
        """Set the value in place; returns the variable."""
        with torch.no_grad():
            self.copy_(self._storage_value(value))
        return self

    def assign_add(self, value: Any) -> "Variable":
        """Add ``value`` in place; returns the variable."""
        with torch.no_grad():
            self.add_(self._storage_value(value))
        return self

    def assign_sub(self, value: Any) -> "Variable":
        """Subtract ``value`` in place; returns the variable."""
        with torch.no_grad():
            self.sub_(self._storage_value(value))
        return self

    # ------------------------------------------------------------------ Python protocol
    def __repr__(self) -> str:
        return (f"<Variable path={self.path}, shape={tuple(self.value.shape)}, "
                f"dtype={standardize_dtype(self.dtype)}, value={self.numpy()}>")

    def __deepcopy__(self, memo: Dict[int, Any]) -> "Variable":
        copy = wrap(self.detach().clone(), name=self.name, trainable=self.trainable)
        copy.__dict__.update({k: v for k, v in self.__dict__.items()
                              if k.startswith(("_keras_", "_to_keras", "_from_keras"))})
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol: int):
        return (_rebuild, (self.detach().cpu(), self.name, self.trainable,
                           self.__dict__.get("_keras_path")))


class _TrainableVariable(Variable, torch.nn.Parameter):
    """A trainable :class:`Variable`: also a ``torch.nn.Parameter``."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, *args: Any, **kwargs: Any) -> "Variable":  # construct through Variable
        return Variable.__new__(Variable, *args, **kwargs)


def wrap(data: torch.Tensor, name: str, trainable: bool, path: Optional[str] = None,
         to_keras: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
         from_keras: Optional[Callable[[torch.Tensor], torch.Tensor]] = None) -> Variable:
    """``data`` (no copy) as a :class:`Variable` (a ``Parameter`` when ``trainable``);
    ``to_keras``/``from_keras`` map a non-Keras storage layout."""
    grad = bool(trainable) and (data.is_floating_point() or data.is_complex())
    cls = _TrainableVariable if trainable else Variable
    variable = torch.Tensor._make_subclass(cls, data.detach(), grad)
    variable.__dict__.update(_keras_name=name, _keras_trainable=bool(trainable),
                             _keras_path=path)
    if to_keras is not None:
        variable.__dict__.update(_to_keras=to_keras, _from_keras=from_keras)
    return variable


def _rebuild(data: torch.Tensor, name: str, trainable: bool, path: Optional[str]) -> Variable:
    return wrap(data, name=name, trainable=trainable, path=path)
