"""The ``tensorflow`` module the shim provides: small and honest.

It offers what Keras tutorials touch besides Keras itself (``tf.keras``, dtypes,
``tf.constant``, ``tf.reduce_*``, common ``tf.math``/``tf.nn`` ops on torch tensors with TF's
argument names, ``tf.random.set_seed``, ``tf.config.list_physical_devices``,
``tf.GradientTape``, ``tf.data.Dataset``). Anything else raises :class:`NotProvidedError`
(an ``AttributeError``) saying "`tf.X` is not provided by torchkeras": nothing pretends.
Tensors are torch tensors on the CPU (``.numpy()`` works on them).
"""
from __future__ import annotations

import builtins
import collections
import functools
import types
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch

from torchkeras import distribute
from torchkeras import data as tf_data
from torchkeras import tfops
from torchkeras.backend import config, symbolic
from torchkeras.backend.messages import NotProvidedError
from torchkeras.compat import keras2_functions as K
from torchkeras.compat.keras2_functions import Variable
from torchkeras.layers import op_layer, string_ops
from torchkeras.data import sparse, sparse_ops, tfrecord
from torchkeras.data.structure import to_leaf

__all__ = ["NotProvidedError", "TFNamespace", "build_tensorflow", "PROVIDED"]

VERSION = "2.15.0"  # the TensorFlow/tf.keras generation followed (= torchkeras.__version__)


class TFNamespace(types.ModuleType):
    """A module whose missing attributes raise :class:`NotProvidedError`."""

    def __init__(self, name: str, display: str, members: Dict[str, Any],
                 doc: Optional[str] = None, hints: Optional[Dict[str, str]] = None) -> None:
        super().__init__(name, doc)
        self.__dict__["_display"] = display
        self.__dict__["_hints"] = dict(hints or {})  # missing name -> what to use instead
        self.__dict__.update(members)
        self.__dict__["__path__"] = []  # importable submodules (``import tensorflow.math``)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if attr in self._hints:
            raise NotProvidedError(f"`{self._display}.{attr}` is not provided by torchkeras: "
                                   f"{self._hints[attr]}")
        raise NotProvidedError(
            f"`{self._display}.{attr}` is not provided by torchkeras. torchkeras runs Keras code "
            "on PyTorch and emulates only a small `tensorflow` namespace (see "
            "`torchkeras.compat.tf_namespace.PROVIDED`); write this part with torch, or run it "
            "on real TensorFlow.")

    def __dir__(self) -> List[str]:
        return sorted(k for k in self.__dict__ if not k.startswith("_"))

    def __repr__(self) -> str:
        return f"<module '{self.__name__}' (torchkeras emulation)>"


# ------------------------------------------------------------------ conversion
def _t(value: Any, dtype: Any = None) -> torch.Tensor:
    return K.to_tensor(value, _dtype_name(dtype) if dtype is not None else None)


def _dtype_name(dtype: Any) -> str:
    return config.standardize_dtype(dtype)


def as_dtype(dtype: Any) -> torch.dtype:
    """A torch dtype for ``tf.float32``, ``'float32'``, ``np.float32``, ..."""
    return config.torch_dtype(dtype)


def constant(value: Any, dtype: Any = None, shape: Optional[Sequence[int]] = None,
             name: Optional[str] = None) -> Any:
    if _is_text(value) or dtype is tf_data.string:  # strings: a NumPy str value or array
        return to_leaf(value)
    tensor = _t(value, dtype)
    tensor = tensor.detach().clone() if isinstance(value, torch.Tensor) else tensor
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if tensor.numel() == int(np.prod(shape)):
            return tensor.reshape(shape)
        return torch.broadcast_to(tensor, shape).clone()
    return tensor


def _is_text(value: Any) -> bool:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray)
                                               and value.dtype.kind in "USO")


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: Optional[str] = None) -> torch.Tensor:
    if dtype is None and dtype_hint is not None and not isinstance(value, (torch.Tensor,
                                                                           np.ndarray)):
        dtype = dtype_hint
    if _is_text(value) or dtype is tf_data.string:  # strings stay NumPy, as in tf.constant
        return to_leaf(value)
    return _t(value, dtype)


def is_tensor(x: Any) -> bool:
    return isinstance(x, torch.Tensor) or symbolic.has_symbolic((x,))  # KerasTensors too


def cast(x: Any, dtype: Any, name: Optional[str] = None) -> torch.Tensor:
    return _t(x).to(as_dtype(dtype))


def _creation(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(shape: Any, dtype: Any = "float32", name: Optional[str] = None) -> torch.Tensor:
        shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
        if dtype is tf_data.string:  # TF's empty strings (tf.zeros only: tf.ones refuses)
            if fn is not torch.zeros:  # TF's message for tf.ones(..., tf.string)
                raise TypeError("Cannot convert 1 to EagerTensor of dtype string")
            return to_leaf(np.full(shape, b"", dtype=object))
        return fn(shape, dtype=as_dtype(dtype))
    return wrapper


zeros = _creation(torch.zeros)
ones = _creation(torch.ones)


def zeros_like(input: Any, dtype: Any = None, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    x = _t(input)
    return torch.zeros_like(x, dtype=as_dtype(dtype) if dtype is not None else x.dtype)


def ones_like(input: Any, dtype: Any = None, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    x = _t(input)
    return torch.ones_like(x, dtype=as_dtype(dtype) if dtype is not None else x.dtype)


def fill(dims: Sequence[int], value: Any, name: Optional[str] = None) -> torch.Tensor:
    v = _t(value)
    return torch.full(tuple(int(d) for d in dims), v.item(), dtype=v.dtype)


def eye(num_rows: int, num_columns: Optional[int] = None, dtype: Any = "float32",
        name: Optional[str] = None) -> torch.Tensor:
    return torch.eye(num_rows, num_columns if num_columns is not None else num_rows,
                     dtype=as_dtype(dtype))


def range_(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,
           name: Optional[str] = None) -> torch.Tensor:
    if limit is None:
        start, limit = 0, start
    values = np.arange(start, limit, delta)
    return _t(values if dtype is None else values.astype(_dtype_name(dtype)))


def linspace(start: Any, stop: Any, num: int, name: Optional[str] = None,
             axis: int = 0) -> torch.Tensor:
    return torch.linspace(float(start), float(stop), int(num))


def shape(input: Any, out_type: Any = "int32", name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    return torch.tensor(tuple(_t(input).shape), dtype=as_dtype(out_type))


def rank(input: Any, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    return torch.tensor(_t(input).dim(), dtype=torch.int32)


def size(input: Any, out_type: Any = "int32", name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    return torch.tensor(_t(input).numel(), dtype=as_dtype(out_type))


def reshape(tensor: Any, shape: Any, name: Optional[str] = None) -> torch.Tensor:  # noqa: F811
    """``tf.reshape``; strings too, and a RaggedTensor's flat values (as TF reshapes them:
    ``tf.reshape(tokens, [-1])`` lists every token)."""
    if isinstance(tensor, tf_data.ragged.RaggedTensor):
        tensor = tensor.flat_values
    if not _is_text(tensor) and not isinstance(tensor, (str, bytes, np.generic)):
        return K.reshape(tensor, shape)
    array = np.asarray(tensor)
    dims = [int(d) for d in (shape.tolist() if isinstance(shape, torch.Tensor) else shape)]
    known = int(np.prod([d for d in dims if d != -1]))
    if (-1 in dims and (known == 0 or array.size % known)) or \
            (-1 not in dims and known != array.size):
        wanted = f"requires a multiple of {known}" if -1 in dims else f"has {known}"
        raise tf_data.errors.InvalidArgumentError(
            f"Input to reshape is a tensor with {array.size} values, but the requested shape "
            f"{wanted} [Op:Reshape]")
    return to_leaf(array.reshape(dims))


def transpose(a: Any, perm: Optional[Sequence[int]] = None, conjugate: bool = False,
              name: Optional[str] = None) -> torch.Tensor:
    x = _t(a)
    return x.permute(*(perm if perm is not None else reversed(builtins.range(x.dim()))))


def concat(values: Sequence[Any], axis: int, name: Optional[str] = None) -> torch.Tensor:
    if any(_is_text(v) for v in values):  # string tensors are NumPy arrays of bytes
        for value in values:
            if not _is_text(value) and np.size(value):  # (an empty string tensor is text)
                raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype string")
        return to_leaf(np.concatenate([_string_array(v) for v in values], axis=axis))
    return torch.cat([_t(v) for v in values], dim=axis)


def _string_array(value: Any) -> np.ndarray:
    """``value`` as a NumPy object array of ``bytes`` (what TF's string tensors hold)."""
    array = np.asarray(value, dtype=object)
    flat = [v.encode() if isinstance(v, str) else v for v in array.reshape(-1)]
    return np.array(flat + [None], dtype=object)[:-1].reshape(array.shape)


def stack(values: Sequence[Any], axis: int = 0, name: Optional[str] = None) -> torch.Tensor:
    return torch.stack([_t(v) for v in values], dim=axis)


def unstack(value: Any, num: Optional[int] = None, axis: int = 0,
            name: Optional[str] = None) -> List[torch.Tensor]:
    return list(torch.unbind(_t(value), dim=axis))


def squeeze(input: Any, axis: Any = None, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    x = _t(input)
    if axis is None:
        return torch.squeeze(x)
    for a in sorted([axis] if isinstance(axis, int) else list(axis), reverse=True):
        x = torch.squeeze(x, a)
    return x


def expand_dims(input: Any, axis: int, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    if string_ops.is_string_value(input):  # strings stay NumPy (no torch string tensors)
        return np.expand_dims(np.asarray(input), axis)
    return torch.unsqueeze(_t(input), axis)


def tile(input: Any, multiples: Sequence[int], name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    if _is_text(input):  # a string tensor: a NumPy array of bytes
        return to_leaf(np.tile(_string_array(input), tuple(int(m) for m in multiples)))
    return torch.tile(_t(input), tuple(int(m) for m in multiples))


def gather(params: Any, indices: Any, axis: Optional[int] = None, batch_dims: int = 0,
           name: Optional[str] = None) -> torch.Tensor:
    x, idx = _t(params), _t(indices).long()
    return torch.index_select(x, axis or 0, idx.reshape(-1)).reshape(
        x.shape[:axis or 0] + idx.shape + x.shape[(axis or 0) + 1:])


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: Optional[int] = None, dtype: Any = "float32",
            name: Optional[str] = None) -> torch.Tensor:
    idx = _t(indices).long()
    valid = (idx >= 0) & (idx < depth)  # TF gives all-off rows for out-of-range ids
    out = torch.nn.functional.one_hot(torch.where(valid, idx, 0), depth) * valid.unsqueeze(-1)
    out = out.to(as_dtype(dtype))
    if on_value is not None or off_value is not None:
        on = 1 if on_value is None else on_value
        off = 0 if off_value is None else off_value
        out = out * (on - off) + off
    if axis is not None and axis != -1:
        out = torch.movedim(out, -1, axis)
    return out


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> torch.Tensor:
    cond = _t(condition).to(torch.bool)
    if x is None and y is None:
        return torch.nonzero(cond)
    return torch.where(cond, _t(x), _t(y))


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any,
                  name: Optional[str] = None) -> torch.Tensor:
    return torch.clamp(_t(t), min=clip_value_min, max=clip_value_max)


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           name: Optional[str] = None, **kwargs: Any) -> torch.Tensor:
    a, b = _t(a), _t(b)
    if transpose_a:
        a = a.transpose(-1, -2)
    if transpose_b:
        b = b.transpose(-1, -2)
    return torch.matmul(a, b)


def tensordot(a: Any, b: Any, axes: Any, name: Optional[str] = None) -> torch.Tensor:
    return torch.tensordot(_t(a), _t(b), dims=axes)


def _binary(fn: Callable) -> Callable:
    def op(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        x = _t(x)
        y = y if isinstance(y, (int, float, bool)) else _t(y)
        return fn(x, y)
    op.__name__ = fn.__name__
    return op


def _unary(fn: Callable) -> Callable:
    def op(x: Any, name: Optional[str] = None) -> torch.Tensor:
        return fn(_t(x))
    op.__name__ = getattr(fn, "__name__", "op")
    return op


def _reduction(fn: Callable) -> Callable:
    def op(input_tensor: Any, axis: Any = None, keepdims: bool = False,
           name: Optional[str] = None) -> torch.Tensor:
        return fn(input_tensor, axis=axis, keepdims=keepdims)
    op.__name__ = fn.__name__
    return op


add = _binary(torch.add)
subtract = _binary(torch.sub)
multiply = _binary(torch.mul)
divide = _binary(torch.true_divide)
truediv = divide
floordiv = _binary(torch.floor_divide)
mod = _binary(torch.remainder)
pow = _binary(torch.pow)  # noqa: A001
maximum = _binary(lambda x, y: torch.maximum(x, torch.as_tensor(y, dtype=x.dtype)))
minimum = _binary(lambda x, y: torch.minimum(x, torch.as_tensor(y, dtype=x.dtype)))
def _string_aware(numbers: Callable, strings: Callable) -> Callable:
    """A comparison that also takes string tensors (NumPy arrays of bytes): a bool tensor."""
    def op(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        if _is_text(x) or _is_text(y):  # e.g. tf.not_equal(tf.strings.substr(line, 0, 1), "0")
            result = strings(_string_array(x), _string_array(y))
            return torch.from_numpy(np.asarray(result, dtype=bool))
        return numbers(x, y)
    op.__name__ = numbers.__name__
    return op


equal = _string_aware(_binary(torch.eq), np.equal)
not_equal = _string_aware(_binary(torch.ne), np.not_equal)
greater = _binary(torch.gt)
greater_equal = _binary(torch.ge)
less = _binary(torch.lt)
less_equal = _binary(torch.le)
logical_and = _binary(torch.logical_and)
logical_or = _binary(torch.logical_or)
square = _unary(torch.square)
sqrt = _unary(torch.sqrt)
rsqrt = _unary(torch.rsqrt)
exp = _unary(torch.exp)
log = _unary(torch.log)
log1p = _unary(torch.log1p)
expm1 = _unary(torch.expm1)
abs = _unary(torch.abs)  # noqa: A001
negative = _unary(torch.neg)
sign = _unary(torch.sign)
round = _unary(torch.round)  # noqa: A001  (half to even, as tf.round)
floor = _unary(torch.floor)
ceil = _unary(torch.ceil)
sigmoid = _unary(torch.sigmoid)
tanh = _unary(torch.tanh)
sin = _unary(torch.sin)
cos = _unary(torch.cos)
logical_not = _unary(torch.logical_not)
is_nan = _unary(torch.isnan)
is_finite = _unary(torch.isfinite)
softplus = _unary(torch.nn.functional.softplus)
reduce_sum = _reduction(K.sum)
reduce_mean = _reduction(K.mean)
reduce_max = _reduction(K.max)
reduce_min = _reduction(K.min)
reduce_prod = _reduction(K.prod)
reduce_any = _reduction(K.any)
reduce_all = _reduction(K.all)
reduce_std = _reduction(K.std)
reduce_variance = _reduction(K.var)


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                     name: Optional[str] = None) -> torch.Tensor:
    x = _t(input_tensor)
    dims = builtins.tuple(builtins.range(x.dim())) if axis is None else axis
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def add_n(inputs: Sequence[Any], name: Optional[str] = None) -> torch.Tensor:
    return functools.reduce(torch.add, [_t(v) for v in inputs])


def argmax(input: Any, axis: Optional[int] = None, output_type: Any = "int64",  # noqa: A002
           name: Optional[str] = None) -> torch.Tensor:
    x = _t(input)
    x = x.to(torch.uint8) if x.dtype == torch.bool else x  # TF takes booleans (one_hot == ...)
    return torch.argmax(x, dim=0 if axis is None else axis).to(as_dtype(output_type))


def argmin(input: Any, axis: Optional[int] = None, output_type: Any = "int64",  # noqa: A002
           name: Optional[str] = None) -> torch.Tensor:
    x = _t(input)
    x = x.to(torch.uint8) if x.dtype == torch.bool else x
    return torch.argmin(x, dim=0 if axis is None else axis).to(as_dtype(output_type))


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False,
           name: Optional[str] = None) -> torch.Tensor:
    if exclusive or reverse:
        raise NotProvidedError("`tf.math.cumsum(exclusive=..., reverse=...)` is not provided by "
                               "torchkeras.")
    return torch.cumsum(_t(x), dim=axis)


def stop_gradient(input: Any, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    return _t(input).detach()


def identity(input: Any, name: Optional[str] = None) -> torch.Tensor:  # noqa: A002
    return _t(input).clone()


def tf_print(*inputs: Any, output_stream: Any = None, summarize: Any = None, sep: str = " ",
             end: str = "\n", name: Optional[str] = None) -> None:
    """``tf.print``: values printed with NumPy formatting."""
    def text(v: Any) -> str:
        if isinstance(v, torch.Tensor):
            return str(v.detach().cpu().numpy())
        return str(v)
    print(*[text(v) for v in inputs], sep=sep, end=end)


def function(func: Optional[Callable] = None, **kwargs: Any) -> Any:
    """``@tf.function``: returns the function unchanged (torchkeras runs eagerly; use
    ``torch.compile`` for graph compilation)."""
    if func is None:
        return lambda f: f
    return func


def py_function(func: Optional[Callable] = None, inp: Optional[Sequence[Any]] = None,
                Tout: Any = None, name: Optional[str] = None) -> Any:  # noqa: N803 (TF's name)
    """``tf.py_function``: calls ``func`` eagerly; a decorator when ``func`` is None or no
    ``inp`` is given. A ``bytes``/``str`` result becomes a string value (``.numpy()``)."""
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            result = fn(*args)
            return to_leaf(result) if isinstance(result, (bytes, str)) else result
        return call
    if func is None:
        return wrap
    if inp is None:
        return wrap(func)
    return wrap(func)(*inp)


def executing_eagerly() -> bool:
    return True


# ----------------------------------------------------------------------- nn
def _softmax(logits: Any, axis: int = -1, name: Optional[str] = None) -> torch.Tensor:
    return torch.softmax(_t(logits), dim=axis)


def _log_softmax(logits: Any, axis: int = -1, name: Optional[str] = None) -> torch.Tensor:
    return torch.log_softmax(_t(logits), dim=axis)


def _leaky_relu(features: Any, alpha: float = 0.2, name: Optional[str] = None) -> torch.Tensor:
    return torch.nn.functional.leaky_relu(_t(features), alpha)


def _sigmoid_ce(labels: Any = None, logits: Any = None, name: Optional[str] = None) -> torch.Tensor:
    z, x = _t(labels), _t(logits)
    return torch.clamp(x, min=0) - x * z + torch.log1p(torch.exp(-torch.abs(x)))


def _softmax_ce(labels: Any, logits: Any, axis: int = -1,
                name: Optional[str] = None) -> torch.Tensor:
    return -(_t(labels) * torch.log_softmax(_t(logits), dim=axis)).sum(dim=axis)


def _sparse_softmax_ce(labels: Any = None, logits: Any = None,
                       name: Optional[str] = None) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(_t(logits), _t(labels).long(), reduction="none")


def _l2_loss(t: Any, name: Optional[str] = None) -> torch.Tensor:
    return torch.sum(torch.square(_t(t))) / 2


def _dropout(x: Any, rate: float, noise_shape: Any = None, seed: Optional[int] = None,
             name: Optional[str] = None) -> torch.Tensor:
    return torch.nn.functional.dropout(_t(x), p=rate, training=True)


def _nn_members() -> Dict[str, Any]:
    return {
        "relu": _unary(torch.relu), "relu6": _unary(lambda x: torch.clamp(x, 0, 6)),
        "elu": _unary(torch.nn.functional.elu), "selu": _unary(torch.nn.functional.selu),
        "gelu": _unary(torch.nn.functional.gelu), "silu": _unary(torch.nn.functional.silu),
        "swish": _unary(torch.nn.functional.silu), "sigmoid": sigmoid, "tanh": tanh,
        "softplus": softplus, "softsign": _unary(torch.nn.functional.softsign),
        "softmax": _softmax, "log_softmax": _log_softmax, "leaky_relu": _leaky_relu,
        "sigmoid_cross_entropy_with_logits": _sigmoid_ce,
        "softmax_cross_entropy_with_logits": _softmax_ce,
        "sparse_softmax_cross_entropy_with_logits": _sparse_softmax_ce,
        "l2_loss": _l2_loss, "dropout": _dropout,
        "l2_normalize": lambda x, axis=None, epsilon=1e-12, name=None: K.l2_normalize(x, axis),
    }


# ------------------------------------------------------------------- random
def _set_seed(seed: int) -> None:
    """``tf.random.set_seed``: seeds torch's generators (what TF's op seeds drive)."""
    torch.manual_seed(int(seed))


def _random_normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0,
                   dtype: Any = "float32", seed: Optional[int] = None,
                   name: Optional[str] = None) -> torch.Tensor:
    return K.random_normal(shape, mean, stddev, _dtype_name(dtype), seed)


def _random_uniform(shape: Sequence[int], minval: float = 0, maxval: Optional[float] = None,
                    dtype: Any = "float32", seed: Optional[int] = None,
                    name: Optional[str] = None) -> torch.Tensor:
    dtype = _dtype_name(dtype)
    if not dtype.startswith("float"):
        if maxval is None:
            raise ValueError("Must specify maxval for integer dtype")
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        return torch.randint(int(minval), int(maxval), tuple(shape), generator=generator,
                             dtype=config.torch_dtype(dtype))
    return K.random_uniform(shape, minval, 1.0 if maxval is None else maxval, dtype, seed)


def _random_shuffle(value: Any, seed: Optional[int] = None,
                    name: Optional[str] = None) -> Any:
    """``tf.random.shuffle`` along the first axis (strings stay a NumPy string array)."""
    if _is_text(value):
        strings = np.asarray(value)
        return strings[torch.randperm(strings.shape[0]).numpy()]
    x = _t(value)
    return x[torch.randperm(x.shape[0])]


def _random_gamma(shape: Sequence[int], alpha: Any, beta: Any = None, dtype: Any = "float32",
                  seed: Optional[int] = None, name: Optional[str] = None) -> torch.Tensor:
    """``tf.random.gamma``: samples of shape ``shape + broadcast(alpha, beta).shape``
    (TF's rate parameterization: ``beta`` divides)."""
    torch_dtype = config.torch_dtype(_dtype_name(dtype))
    alpha_t = _t(alpha).to(torch_dtype)
    beta_t = torch.ones((), dtype=torch_dtype) if beta is None else _t(beta).to(torch_dtype)
    alpha_t, beta_t = torch.broadcast_tensors(alpha_t, beta_t)
    with torch.random.fork_rng(devices=[], enabled=seed is not None):
        if seed is not None:
            torch.manual_seed(int(seed))
        gamma = torch.distributions.Gamma(alpha_t, torch.ones_like(alpha_t))
        samples = gamma.sample(tuple(int(d) for d in shape))  # shape + alpha's shape
    return samples / beta_t


# ------------------------------------------------------------------- config
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])


def _list_physical_devices(device_type: Optional[str] = None) -> List[PhysicalDevice]:
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if torch.cuda.is_available():
        devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU")
                    for i in builtins.range(torch.cuda.device_count())]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


def _list_logical_devices(device_type: Optional[str] = None) -> List[PhysicalDevice]:
    return [PhysicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in _list_physical_devices(device_type)]


def _noop(*args: Any, **kwargs: Any) -> None:
    """Accepted for compatibility; torch allocates GPU memory on demand already."""
    return None


# --------------------------------------------------------------------- build
_DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "bool")


def _math_members() -> Dict[str, Any]:
    names = ("add", "subtract", "multiply", "divide", "truediv", "floordiv", "mod", "pow",
             "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less",
             "less_equal", "logical_and", "logical_or", "logical_not", "square", "sqrt", "rsqrt",
             "exp", "log", "log1p", "expm1", "abs", "negative", "sign", "round", "floor", "ceil",
             "sigmoid", "tanh", "sin", "cos", "softplus", "is_nan", "is_finite", "reduce_sum",
             "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any", "reduce_all",
             "reduce_std", "reduce_variance", "reduce_logsumexp", "argmax", "argmin", "cumsum",
             "add_n")
    members = {name: globals()[name] for name in names}
    members["l2_normalize"] = _nn_members()["l2_normalize"]
    return members


def _sub(parent: str, name: str, members: Dict[str, Any]) -> TFNamespace:
    return TFNamespace(f"tensorflow.{name}", f"tf.{name}", members)


def _data_members(tf_data: Any) -> Dict[str, Any]:
    """``tf.data`` and ``tf.data.experimental`` (torchkeras.data)."""
    constants = {"AUTOTUNE": tf_data.AUTOTUNE,
                 "INFINITE_CARDINALITY": tf_data.INFINITE_CARDINALITY,
                 "UNKNOWN_CARDINALITY": tf_data.UNKNOWN_CARDINALITY}
    experimental = TFNamespace("tensorflow.data.experimental", "tf.data.experimental",
                               dict(_module_members(tf_data.experimental),
                                    **_module_members(tfops.example_dataset),
                                    **_module_members(tfops.lookup_dataset)),
                               hints=tf_data.experimental.NOT_PROVIDED)
    return dict(constants, Dataset=tf_data.Dataset, TextLineDataset=tf_data.TextLineDataset,
                TFRecordDataset=tf_data.TFRecordDataset, Options=tf_data.Options,
                FixedLengthRecordDataset=tf_data.FixedLengthRecordDataset,
                ThreadingOptions=tf_data.ThreadingOptions, Iterator=tf_data.DatasetIterator,
                experimental=experimental)


def _as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """``tf.compat.as_bytes``."""
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def _as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """``tf.compat.as_text`` / ``as_str``."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def _module_members(module: Any) -> Dict[str, Any]:
    return {name: getattr(module, name) for name in module.__all__}


def _io_members() -> Dict[str, Any]:
    """``tf.io`` with its ``gfile`` submodule."""
    members = _module_members(tfops.io)
    members["gfile"] = TFNamespace("tensorflow.io.gfile", "tf.io.gfile", tfops.io.GFILE_MEMBERS)
    return members


def build_tensorflow(keras_module: Any) -> TFNamespace:
    """The ``tensorflow`` module; ``keras_module`` is what ``tf.keras`` should be."""
    from torchkeras.compat.gradient_tape import GradientTape, UnconnectedGradients  # late: gradient_tape imports this module
    dtypes = {name: config.torch_dtype(name) for name in _DTYPES}
    dtypes.update(double=torch.float64, half=torch.float16, uint16=torch.uint16,
                  uint32=torch.uint32, uint64=torch.uint64)  # TF's aliases and unsigned types
    math = _math_members()
    members: Dict[str, Any] = dict(math)
    members.update(dtypes)
    members.update({
        "__version__": VERSION, "VERSION": VERSION, "keras": keras_module,
        "optimizers": keras_module.optimizers, "losses": keras_module.losses,
        "metrics": keras_module.metrics, "initializers": keras_module.initializers,
        "activations": keras_module.activations,
        "Tensor": torch.Tensor, "Variable": Variable, "DType": torch.dtype,
        "GradientTape": GradientTape, "UnconnectedGradients": UnconnectedGradients,
        "newaxis": None, "as_dtype": as_dtype, "constant": constant,
        "convert_to_tensor": convert_to_tensor, "is_tensor": is_tensor, "cast": cast,
        "zeros": zeros, "ones": ones, "zeros_like": zeros_like, "ones_like": ones_like,
        "fill": fill, "eye": eye, "range": range_, "linspace": linspace, "shape": shape,
        "rank": rank, "size": size, "reshape": reshape, "transpose": transpose,
        "concat": concat, "stack": stack, "unstack": unstack, "squeeze": squeeze,
        "expand_dims": expand_dims, "tile": tile, "gather": gather, "one_hot": one_hot,
        "where": where, "clip_by_value": clip_by_value, "matmul": matmul,
        "tensordot": tensordot, "stop_gradient": stop_gradient, "identity": identity,
        "print": tf_print, "function": function, "executing_eagerly": executing_eagerly,
        "py_function": py_function, "SparseTensor": sparse.SparseTensor,
    })
    members["train"] = _sub("tf", "train", _module_members(tfops.example))
    members["sparse"] = _sub("tf", "sparse", _module_members(sparse_ops))
    members["errors"] = _sub("tf", "errors", {
        "DataLossError": tfrecord.DataLossError, "OpError": tf_data.OpError,
        "OutOfRangeError": tf_data.OutOfRangeError,
        "InvalidArgumentError": tf_data.InvalidArgumentError,
        "NotFoundError": tf_data.errors.NotFoundError,
        "FailedPreconditionError": tf_data.errors.FailedPreconditionError,
        "UnknownError": tf_data.errors.UnknownError})
    members["experimental"] = _sub("tf", "experimental", {"Optional": tf_data.Optional})
    nn = _nn_members()
    _dispatch_functions(members, {"math": math, "nn": nn})
    members["math"] = _sub("tf", "math", math)
    members["version"] = _sub("tf", "version", {"VERSION": VERSION})
    members["nn"] = _sub("tf", "nn", nn)
    members["dtypes"] = _sub("tf", "dtypes", dict(dtypes, as_dtype=as_dtype, DType=torch.dtype,
                                                 string=tf_data.string))
    members["random"] = _sub("tf", "random", {
        "set_seed": _set_seed, "normal": _random_normal, "uniform": _random_uniform,
        "shuffle": _random_shuffle, "gamma": _random_gamma})
    experimental = TFNamespace("tensorflow.config.experimental", "tf.config.experimental", {
        "set_memory_growth": _noop, "list_physical_devices": _list_physical_devices,
        "set_visible_devices": _noop})
    members["config"] = _sub("tf", "config", {
        "list_physical_devices": _list_physical_devices,
        "list_logical_devices": _list_logical_devices, "set_visible_devices": _noop,
        "experimental": experimental})
    members["data"] = _sub("tf", "data", _data_members(tf_data))
    members["image"] = _sub("tf", "image", _module_members(tfops.image))
    members["strings"] = _sub("tf", "strings", _module_members(tfops.strings))
    members["io"] = _sub("tf", "io", _io_members())
    members["audio"] = _sub("tf", "audio", _module_members(tfops.audio))
    members["lookup"] = _sub("tf", "lookup", dict(
        _module_members(tfops.lookup), experimental=TFNamespace(
            "tensorflow.lookup.experimental", "tf.lookup.experimental",
            tfops.lookup.EXPERIMENTAL_MEMBERS)))
    members["signal"] = _sub("tf", "signal", _module_members(tfops.signal))
    members["compat"] = _sub("tf", "compat", {"as_bytes": _as_bytes, "as_text": _as_text,
                                              "as_str": _as_text})
    members.update({"TensorSpec": tf_data.TensorSpec, "string": tf_data.string,
                    "SparseTensorSpec": tf_data.SparseTensorSpec,
                    "RaggedTensor": tf_data.ragged.RaggedTensor})
    members["ragged"] = _sub("tf", "ragged", {"constant": tf_data.ragged.constant})
    members["distribute"] = _sub("tf", "distribute", {
        name: getattr(distribute, name) for name in (
            "MirroredStrategy", "MultiWorkerMirroredStrategy", "Strategy", "ReduceOp",
            "InputContext", "get_strategy", "has_strategy", "in_cross_replica_context",
            "get_replica_context")})
    return TFNamespace("tensorflow", "tf", members, doc=__doc__)


# tf functions whose TensorFlow name is not where the shim keeps them
_CANONICAL = {"matmul": "linalg.matmul"}
# members that never take a tensor: nothing to record on symbolic tensors
_NOT_RECORDED = {"as_dtype", "constant", "convert_to_tensor", "is_tensor", "zeros", "ones",
                 "fill", "eye", "range", "linspace", "print", "function", "executing_eagerly"}


def _dispatch_functions(top: Dict[str, Any], submodules: Dict[str, Dict[str, Any]]) -> None:
    """Wrap (in place) the functions of ``tf`` and its ``submodules`` so that a call on
    symbolic Keras tensors records an op layer named as TensorFlow names the function
    (``tf.math.reduce_sum`` also for ``tf.reduce_sum``), and register them for loading."""
    names: Dict[int, str] = {}
    for module, members in submodules.items():
        for key, value in members.items():
            if isinstance(value, types.FunctionType):
                names.setdefault(id(value), f"{module}.{key}")
    for key, value in top.items():
        if isinstance(value, types.FunctionType) and key not in _NOT_RECORDED:
            names.setdefault(id(value), _CANONICAL.get(key, key))
    wrapped: Dict[int, Any] = {}
    for members in [top, *submodules.values()]:
        for key, value in list(members.items()):
            name = names.get(id(value))
            if name is None or key in _NOT_RECORDED:
                continue
            if id(value) not in wrapped:
                wrapped[id(value)] = symbolic.dispatching(value, name)
                op_layer.register_function(name, value)
            members[key] = wrapped[id(value)]


def _provided() -> Dict[str, List[str]]:
    """What each namespace provides (for the docs and the report)."""
    class _Keras:
        optimizers = losses = metrics = initializers = activations = None
    tf = build_tensorflow(_Keras)
    table = {"tf": sorted(k for k in dir(tf) if not isinstance(getattr(tf, k), TFNamespace))}
    for key in dir(tf):
        value = getattr(tf, key)
        if isinstance(value, TFNamespace):
            table[f"tf.{key}"] = sorted(dir(value))
    return table


def __getattr__(name: str) -> Any:  # PROVIDED is computed on first use
    if name == "PROVIDED":
        return _provided()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
