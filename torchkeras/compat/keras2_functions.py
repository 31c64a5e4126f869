"""Keras 2's ``keras.backend`` functions (``import keras.backend as K``) on torch tensors.

Semantics follow tf-keras: reductions take ``axis=None, keepdims=False``; ``K.mean`` of a
bool tensor is a float mean; ``K.sqrt`` clips negatives to 0; ``K.clip`` raises
``max_value`` to ``min_value`` when given the other way round; ``K.dot`` contracts the last
axis of ``x`` with the second-to-last of ``y``. Inputs may be torch tensors, Keras weights
(``model.weights[i]``), NumPy arrays or Python numbers; results are torch tensors, so these
functions work inside custom losses and metrics (and keep gradients).
"""
from __future__ import annotations

import builtins
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from torchkeras import activations
from torchkeras.backend import config, phase
from torchkeras.graph.keras_tensor import is_keras_tensor as _symbolic
from torchkeras.losses import (backend_binary_crossentropy, backend_categorical_crossentropy,
                               backend_sparse_categorical_crossentropy)

Axis = Optional[Union[int, Sequence[int]]]

__all__ = [
    "Variable", "abs", "all", "any", "argmax", "argmin", "batch_flatten", "batch_get_value",
    "batch_set_value", "binary_crossentropy", "cast", "categorical_crossentropy", "clip",
    "concatenate", "constant", "count_params", "cumprod", "cumsum", "dot", "dtype", "elu",
    "equal", "eval", "exp", "expand_dims", "eye", "flatten", "gather", "get_value", "greater",
    "greater_equal", "hard_sigmoid", "int_shape", "is_keras_tensor", "is_tensor",
    "l2_normalize", "learning_phase", "less", "less_equal", "log", "max", "maximum", "mean",
    "min", "minimum", "ndim", "not_equal", "one_hot", "ones", "ones_like",
    "permute_dimensions", "pow", "prod", "random_normal", "random_uniform", "relu", "reshape",
    "round", "set_learning_phase", "set_value", "shape", "sigmoid", "sign", "softmax",
    "softplus", "softsign", "sparse_categorical_crossentropy", "sqrt", "square", "squeeze",
    "stack", "std", "stop_gradient", "sum", "switch", "tanh", "tile", "transpose",
    "update", "update_add", "update_sub", "var", "variable", "zeros", "zeros_like",
]


# ------------------------------------------------------------------ conversion
def _contiguous(array: np.ndarray) -> np.ndarray:
    """C-contiguous, keeping 0-d arrays 0-d (``np.ascontiguousarray`` makes them 1-d)."""
    return array if array.flags.c_contiguous else array.copy(order="C")


def to_tensor(x: Any, dtype: Any = None) -> torch.Tensor:
    """A torch tensor for ``x``; Python floats become floatx, NumPy keeps its dtype."""
    if isinstance(x, torch.Tensor):
        tensor = x
    elif hasattr(x, "value") and hasattr(x, "assign") and isinstance(
            getattr(x, "value", None), torch.Tensor):
        tensor = x.value  # a KerasVariable: Keras layout, keeps the autograd link
    elif isinstance(x, np.ndarray) or isinstance(x, np.generic):
        array = np.asarray(x)
        if array.dtype.kind in "OUS":
            raise ValueError(f"Cannot convert an array of dtype {array.dtype} to a tensor.")
        tensor = torch.from_numpy(_contiguous(array))
    else:
        array = np.asarray(x)
        if array.dtype.kind == "f":
            array = array.astype(config.floatx())
        elif array.dtype.kind == "i":
            array = array.astype(np.int32)
        tensor = torch.from_numpy(_contiguous(array))
    if dtype is not None:
        tensor = tensor.to(config.torch_dtype(dtype))
    return tensor


def _pair(x: Any, y: Any) -> Tuple[torch.Tensor, Any]:
    """``x`` as a tensor and ``y`` as a tensor of the same device, or a Python number."""
    x = to_tensor(x)
    if isinstance(y, (int, float, bool)):
        return x, y
    y = to_tensor(y)
    return x, y.to(x.device) if y.device != x.device else y


def _dims(axis: Axis, rank: int) -> Optional[Tuple[int, ...]]:
    if axis is None:
        return None
    if isinstance(axis, torch.Tensor):
        axis = axis.tolist()
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(int(a) % builtins.max(rank, 1) for a in axes)


def _reduce(fn_all, fn_dim, x: torch.Tensor, axis: Axis, keepdims: bool) -> torch.Tensor:
    dims = _dims(axis, x.dim())
    if dims is None:
        result = fn_all(x)
        if keepdims:
            result = result.reshape((1,) * x.dim())
        return result
    if not dims:
        return x
    return fn_dim(x, dims, keepdims)


def _float_if_bool(x: torch.Tensor) -> torch.Tensor:
    return x.to(config.torch_dtype()) if x.dtype == torch.bool else x


# ----------------------------------------------------------------- reductions
def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Mean over ``axis`` (all axes when None); a bool tensor averages as floats."""
    x = _float_if_bool(to_tensor(x))
    if not x.is_floating_point():  # tf's integer mean: integer sum // count, truncated
        total = sum(x, axis, keepdims)
        count = x.numel() // builtins.max(total.numel(), 1) if axis is not None else x.numel()
        return torch.div(total, count, rounding_mode="trunc")
    return _reduce(torch.mean, lambda t, d, k: torch.mean(t, dim=d, keepdim=k), x, axis, keepdims)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001
    x = to_tensor(x)
    dtype = x.dtype if x.dtype != torch.bool else torch.int64
    return _reduce(lambda t: torch.sum(t, dtype=dtype),
                   lambda t, d, k: torch.sum(t, dim=d, keepdim=k, dtype=dtype), x, axis, keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    x = to_tensor(x)
    dims = _dims(axis, x.dim())
    if dims is None:
        result = torch.prod(x)
        return result.reshape((1,) * x.dim()) if keepdims else result
    for d in sorted(dims, reverse=True):
        x = torch.prod(x, dim=d, keepdim=keepdims)
    return x


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001
    return _reduce(torch.amax, lambda t, d, k: torch.amax(t, dim=d, keepdim=k), to_tensor(x),
                   axis, keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001
    return _reduce(torch.amin, lambda t, d, k: torch.amin(t, dim=d, keepdim=k), to_tensor(x),
                   axis, keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Biased variance (as Keras)."""
    x = _float_if_bool(to_tensor(x))
    return _reduce(lambda t: torch.var(t, unbiased=False),
                   lambda t, d, k: torch.var(t, dim=d, keepdim=k, unbiased=False), x, axis,
                   keepdims)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    return torch.sqrt(var(x, axis, keepdims))


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001
    x = to_tensor(x).to(torch.bool)
    return _reduce(torch.any, lambda t, d, k: torch.amax(t, dim=d, keepdim=k), x, axis, keepdims)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:  # noqa: A001
    x = to_tensor(x).to(torch.bool)
    return _reduce(torch.all, lambda t, d, k: torch.amin(t, dim=d, keepdim=k), x, axis, keepdims)


def argmax(x: Any, axis: int = -1) -> torch.Tensor:
    return torch.argmax(to_tensor(x), dim=axis)


def argmin(x: Any, axis: int = -1) -> torch.Tensor:
    return torch.argmin(to_tensor(x), dim=axis)


def cumsum(x: Any, axis: int = 0) -> torch.Tensor:
    return torch.cumsum(to_tensor(x), dim=axis)


def cumprod(x: Any, axis: int = 0) -> torch.Tensor:
    return torch.cumprod(to_tensor(x), dim=axis)


# ----------------------------------------------------------------- elementwise
def square(x: Any) -> torch.Tensor:
    return torch.square(to_tensor(x))


def sqrt(x: Any) -> torch.Tensor:
    """``sqrt(max(x, 0))`` (Keras 2 clips negatives to zero)."""
    x = to_tensor(x)
    return torch.sqrt(torch.clamp(x, min=0))


def abs(x: Any) -> torch.Tensor:  # noqa: A001
    return torch.abs(to_tensor(x))


def exp(x: Any) -> torch.Tensor:
    return torch.exp(to_tensor(x))


def log(x: Any) -> torch.Tensor:
    return torch.log(to_tensor(x))


def pow(x: Any, a: Any) -> torch.Tensor:  # noqa: A001
    x, a = _pair(x, a)
    return torch.pow(x, a)


def sign(x: Any) -> torch.Tensor:
    return torch.sign(to_tensor(x))


def round(x: Any) -> torch.Tensor:  # noqa: A001
    """Round half to even (as ``tf.round``)."""
    return torch.round(to_tensor(x))


def clip(x: Any, min_value: Any, max_value: Any) -> torch.Tensor:
    """Clip to ``[min_value, max_value]``; ``max_value < min_value`` becomes ``min_value``."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        if max_value < min_value:
            max_value = min_value
    x = to_tensor(x)
    return torch.clamp(x, min=-np.inf if min_value is None else min_value,
                       max=np.inf if max_value is None else max_value)


def maximum(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.maximum(x, torch.as_tensor(y, dtype=x.dtype, device=x.device))


def minimum(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.minimum(x, torch.as_tensor(y, dtype=x.dtype, device=x.device))


def equal(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.eq(x, y)


def not_equal(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.ne(x, y)


def greater(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.gt(x, y)


def greater_equal(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.ge(x, y)


def less(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.lt(x, y)


def less_equal(x: Any, y: Any) -> torch.Tensor:
    x, y = _pair(x, y)
    return torch.le(x, y)


def switch(condition: Any, then_expression: Any, else_expression: Any) -> torch.Tensor:
    condition = to_tensor(condition).to(torch.bool)
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    return torch.where(condition, to_tensor(then_value), to_tensor(else_value))


# ---------------------------------------------------------------- activations
def sigmoid(x: Any) -> torch.Tensor:
    return torch.sigmoid(to_tensor(x))


def hard_sigmoid(x: Any) -> torch.Tensor:
    """Keras 2: ``clip(0.2 * x + 0.5, 0, 1)``."""
    return torch.clamp(0.2 * to_tensor(x) + 0.5, 0.0, 1.0)


def tanh(x: Any) -> torch.Tensor:
    return torch.tanh(to_tensor(x))


def relu(x: Any, alpha: float = 0.0, max_value: Optional[float] = None,
         threshold: float = 0.0) -> torch.Tensor:
    return activations.relu(to_tensor(x), alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x: Any, alpha: float = 1.0) -> torch.Tensor:
    x = to_tensor(x)
    return torch.where(x > 0, x, alpha * torch.expm1(x))


def softmax(x: Any, axis: int = -1) -> torch.Tensor:
    return torch.softmax(to_tensor(x), dim=axis)


def softplus(x: Any) -> torch.Tensor:
    return torch.nn.functional.softplus(to_tensor(x))


def softsign(x: Any) -> torch.Tensor:
    return torch.nn.functional.softsign(to_tensor(x))


def l2_normalize(x: Any, axis: Axis = None) -> torch.Tensor:
    """``x / sqrt(max(sum(x**2), 1e-12))`` as ``tf.math.l2_normalize``."""
    x = to_tensor(x)
    square_sum = sum(torch.square(x), axis, keepdims=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=1e-12))


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> torch.Tensor:
    return backend_binary_crossentropy(to_tensor(target), to_tensor(output), from_logits)


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                             axis: int = -1) -> torch.Tensor:
    return backend_categorical_crossentropy(to_tensor(target), to_tensor(output), from_logits,
                                            axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> torch.Tensor:
    return backend_sparse_categorical_crossentropy(to_tensor(target), to_tensor(output),
                                                   from_logits, axis)


# ---------------------------------------------------------------------- shapes
def int_shape(x: Any) -> Optional[Tuple[Optional[int], ...]]:
    """The static shape as a tuple (``None`` for unknown dims of symbolic tensors)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        return tuple(np.shape(x))
    return tuple(None if d is None else int(d) for d in shape)


def shape(x: Any) -> Any:
    """The shape as an int32 tensor (a symbolic tensor's shape tuple for Keras tensors)."""
    if _symbolic(x):
        return tuple(x.shape)
    return torch.tensor(tuple(to_tensor(x).shape), dtype=torch.int32)


def ndim(x: Any) -> int:
    return len(int_shape(x))


def dtype(x: Any) -> str:
    value = getattr(x, "dtype", None)
    return config.standardize_dtype(value if value is not None else np.asarray(x).dtype)


def cast(x: Any, dtype: Any) -> torch.Tensor:  # noqa: F811 (Keras's argument name)
    return to_tensor(x).to(config.torch_dtype(dtype))


def reshape(x: Any, shape: Sequence[int]) -> torch.Tensor:  # noqa: F811
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    return torch.reshape(to_tensor(x), tuple(int(d) for d in shape))


def transpose(x: Any) -> torch.Tensor:
    x = to_tensor(x)
    return x.permute(*reversed(range(x.dim())))


def permute_dimensions(x: Any, pattern: Sequence[int]) -> torch.Tensor:
    return to_tensor(x).permute(*pattern)


def expand_dims(x: Any, axis: int = -1) -> torch.Tensor:
    return torch.unsqueeze(to_tensor(x), axis)


def squeeze(x: Any, axis: int) -> torch.Tensor:
    return torch.squeeze(to_tensor(x), axis)


def flatten(x: Any) -> torch.Tensor:
    return torch.reshape(to_tensor(x), (-1,))


def batch_flatten(x: Any) -> torch.Tensor:
    x = to_tensor(x)
    return torch.reshape(x, (x.shape[0], -1))


def concatenate(tensors: Sequence[Any], axis: int = -1) -> torch.Tensor:
    return torch.cat([to_tensor(t) for t in tensors], dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> torch.Tensor:
    return torch.stack([to_tensor(t) for t in x], dim=axis)


def tile(x: Any, n: Sequence[int]) -> torch.Tensor:
    n = (n,) if isinstance(n, int) else tuple(n)
    return torch.tile(to_tensor(x), n)


def gather(reference: Any, indices: Any) -> torch.Tensor:
    return to_tensor(reference)[to_tensor(indices).long()]


def one_hot(indices: Any, num_classes: int) -> torch.Tensor:
    indices = to_tensor(indices).long()
    return torch.nn.functional.one_hot(indices, num_classes).to(config.torch_dtype())


def dot(x: Any, y: Any) -> torch.Tensor:
    """Matrix product; for N-D inputs the last axis of ``x`` meets the second-to-last of
    ``y`` (output shape ``x.shape[:-1] + y.shape[:-2] + y.shape[-1:]``), as Keras 2."""
    x, y = to_tensor(x), to_tensor(y)
    if x.dim() > 2 or y.dim() > 2:
        y_axis = y.dim() - 2 if y.dim() >= 2 else 0
        out = torch.tensordot(x, y, dims=([x.dim() - 1], [y_axis]))
        return out
    return torch.matmul(x, y)


# ------------------------------------------------------------------ creation
def _creation_dtype(dtype: Any) -> torch.dtype:
    return config.torch_dtype(dtype)


def zeros(shape: Sequence[int], dtype: Any = None, name: Optional[str] = None) -> "Variable":
    return variable(np.zeros(tuple(shape)), dtype=dtype, name=name)


def ones(shape: Sequence[int], dtype: Any = None, name: Optional[str] = None) -> "Variable":
    return variable(np.ones(tuple(shape)), dtype=dtype, name=name)


def eye(size: int, dtype: Any = None, name: Optional[str] = None) -> "Variable":
    return variable(np.eye(size), dtype=dtype, name=name)


def zeros_like(x: Any, dtype: Any = None, name: Optional[str] = None) -> torch.Tensor:
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=_creation_dtype(dtype) if dtype else x.dtype)


def ones_like(x: Any, dtype: Any = None, name: Optional[str] = None) -> torch.Tensor:
    x = to_tensor(x)
    return torch.ones_like(x, dtype=_creation_dtype(dtype) if dtype else x.dtype)


def constant(value: Any, dtype: Any = None, shape: Optional[Sequence[int]] = None,
             name: Optional[str] = None) -> torch.Tensor:
    tensor = to_tensor(value, dtype or config.floatx())
    if shape is not None:
        tensor = torch.broadcast_to(tensor, tuple(shape)).clone()
    return tensor


def random_normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0,
                  dtype: Any = None, seed: Optional[int] = None) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return torch.randn(tuple(shape), generator=generator,
                       dtype=_creation_dtype(dtype)) * stddev + mean


def random_uniform(shape: Sequence[int], minval: float = 0.0, maxval: float = 1.0,
                   dtype: Any = None, seed: Optional[int] = None) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return torch.rand(tuple(shape), generator=generator,
                      dtype=_creation_dtype(dtype)) * (maxval - minval) + minval


def stop_gradient(variables: Any) -> Any:
    if isinstance(variables, (list, tuple)):
        return [to_tensor(v).detach() for v in variables]
    return to_tensor(variables).detach()


def is_tensor(x: Any) -> bool:
    return isinstance(x, torch.Tensor) or _symbolic(x)


def is_keras_tensor(x: Any) -> bool:
    if not is_tensor(x) and not isinstance(x, (np.ndarray,)) and not hasattr(x, "shape"):
        raise ValueError("Unexpectedly found an instance of type `" + str(type(x)) + "`. "
                         "Expected a symbolic tensor instance.")
    return bool(_symbolic(x))


# ------------------------------------------------------------------ variables
class Variable(torch.nn.Parameter):
    """A ``tf.Variable``/``K.variable``: a torch Parameter with ``assign``, ``numpy()``
    and a Keras name. Arithmetic on it gives plain torch tensors (and gradients)."""

    def __new__(cls, initial_value: Any = None, trainable: bool = True,
                name: Optional[str] = None, dtype: Any = None, **kwargs: Any) -> "Variable":
        if callable(initial_value):
            initial_value = initial_value()
        data = to_tensor(initial_value, dtype).detach().clone()
        if data.is_floating_point() and dtype is None and not isinstance(
                initial_value, (torch.Tensor, np.ndarray)):
            data = data.to(config.torch_dtype())
        obj = torch.Tensor._make_subclass(cls, data, bool(trainable) and (
            data.is_floating_point() or data.is_complex()))
        obj._keras_name = f"{name or 'Variable'}:0"
        obj._keras_trainable = bool(trainable)
        return obj

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # state set in __new__
        pass

    @property
    def name(self) -> str:
        return self._keras_name

    @property
    def trainable(self) -> bool:
        return self._keras_trainable

    def numpy(self) -> np.ndarray:  # type: ignore[override]
        return self.detach().cpu().numpy()

    def value(self) -> torch.Tensor:
        return self

    def read_value(self) -> torch.Tensor:
        return self.detach().clone()

    def assign(self, value: Any, use_locking: Any = None, name: Any = None,
               read_value: bool = True) -> "Variable":
        with torch.no_grad():
            self.copy_(to_tensor(value).to(self.dtype).reshape(self.shape))
        return self

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> "Variable":
        with torch.no_grad():
            self.add_(to_tensor(delta).to(self.dtype))
        return self

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> "Variable":
        with torch.no_grad():
            self.sub_(to_tensor(delta).to(self.dtype))
        return self

    def __repr__(self) -> str:
        dtype_name = str(self.dtype).replace("torch.", "")
        return (f"<tf.Variable '{self.name}' shape={tuple(self.shape)} dtype={dtype_name}, "
                f"numpy={np.array2string(self.numpy(), separator=', ')}>")

    def __reduce_ex__(self, proto: Any):
        return (_rebuild_variable, (self.numpy(), self._keras_trainable,
                                    self._keras_name[:-2]))

    def __deepcopy__(self, memo: Any) -> "Variable":
        return Variable(self.detach().clone(), trainable=self._keras_trainable,
                        name=self._keras_name[:-2])


def _rebuild_variable(value: np.ndarray, trainable: bool, name: str) -> Variable:
    return Variable(value, trainable=trainable, name=name)


def variable(value: Any, dtype: Any = None, name: Optional[str] = None,
             constraint: Any = None) -> Variable:
    """``K.variable``: a :class:`Variable` of dtype ``dtype`` (default floatx)."""
    return Variable(value, dtype=dtype or config.floatx(), name=name)


def get_value(x: Any) -> Any:
    """The value as NumPy (optimizer hyper-parameters: a NumPy scalar)."""
    if hasattr(x, "numpy"):
        value = x.numpy()
        return value
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return x


def batch_get_value(tensors: Sequence[Any]) -> List[Any]:
    return [get_value(x) for x in tensors]


def set_value(x: Any, value: Any) -> None:
    """Set a variable (or an optimizer hyper-parameter such as ``opt.lr``) in place."""
    if hasattr(x, "assign"):
        x.assign(value)
        return
    if isinstance(x, torch.Tensor):
        with torch.no_grad():
            x.copy_(to_tensor(value).to(x.dtype).reshape(x.shape))
        return
    raise ValueError(f"`set_value` needs a variable (something with `assign`) or a tensor; "
                     f"received {type(x).__name__}: a plain number cannot be updated in place. "
                     "For an optimizer, use `K.set_value(model.optimizer.learning_rate, v)`.")


def batch_set_value(tuples: Sequence[Tuple[Any, Any]]) -> None:
    for x, value in tuples:
        set_value(x, value)


def update(x: Any, new_x: Any) -> Any:
    set_value(x, new_x)
    return x


def update_add(x: Any, increment: Any) -> Any:
    return x.assign_add(increment)


def update_sub(x: Any, decrement: Any) -> Any:
    return x.assign_sub(decrement)


def eval(x: Any) -> np.ndarray:  # noqa: A001
    return np.asarray(get_value(x))


def count_params(x: Any) -> int:
    return int(np.prod(int_shape(x)))


# --------------------------------------------------------------------- phase
def learning_phase() -> int:
    """0 (inference) or 1 (training), as Keras 2."""
    return int(phase.learning_phase())


def set_learning_phase(value: int) -> None:
    if value not in {0, 1}:
        raise ValueError("Expected learning phase to be 0 or 1.")
    phase.set_learning_phase(bool(value))
