"""``keras.ops`` NumPy-style functions on torch, with Keras 3's dtype rules.

Inputs may be torch tensors, NumPy arrays or Python numbers (Python ints are int32, floats
floatx). Integer inputs to float functions (``exp``, ``sqrt``, ``mean``, ...) give floatx.
"""
from __future__ import annotations

import builtins
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import result_type, standardize_dtype, to_torch_dtype
from torchkeras.ops.core import cast, convert_to_tensor

Tensor = torch.Tensor
Axis = Union[None, int, Sequence[int]]
_t = convert_to_tensor
_SMALL_INTS = (torch.bool, torch.uint8, torch.int8, torch.int16)
# Fast paths (a plain tensor needing no conversion) test dtypes by set membership: cheaper
# than Tensor.is_floating_point() per call.
_FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))
_UNNARROWED = frozenset(d for d in (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32,
                                    torch.float16, torch.bfloat16, torch.float32))
_BOOL = torch.bool


def _floatx() -> torch.dtype:
    return to_torch_dtype(config.floatx())


def _as_float(x: Tensor) -> Tensor:
    """``x`` unchanged when floating point, else cast to floatx (Keras 3's int -> float)."""
    return x if x.is_floating_point() or x.is_complex() else x.to(_floatx())


def _dims(axis: Axis) -> Optional[Tuple[int, ...]]:
    if axis is None:
        return None
    return (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)


def _dtype_of(x: Any) -> Any:
    return getattr(x, "dtype", type(x))


def _unary_float(fn):
    def op(x: Any) -> Tensor:
        if type(x) is Tensor and x.dtype in _FLOATS:  # fast path: a float tensor
            return fn(x)
        return fn(_as_float(_t(x)))
    op.__name__ = fn.__name__
    op.__doc__ = f"Element-wise ``{fn.__name__}`` (integer inputs give floatx)."
    return op


exp = _unary_float(torch.exp)
exp2 = _unary_float(torch.exp2)
expm1 = _unary_float(torch.expm1)
log = _unary_float(torch.log)
log1p = _unary_float(torch.log1p)
log2 = _unary_float(torch.log2)
log10 = _unary_float(torch.log10)
sqrt = _unary_float(torch.sqrt)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
arcsin = _unary_float(torch.arcsin)
arccos = _unary_float(torch.arccos)
arctan = _unary_float(torch.arctan)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsinh = _unary_float(torch.arcsinh)
arccosh = _unary_float(torch.arccosh)
arctanh = _unary_float(torch.arctanh)
reciprocal = _unary_float(torch.reciprocal)
deg2rad = _unary_float(torch.deg2rad)
rad2deg = _unary_float(torch.rad2deg)
sinc = _unary_float(torch.sinc)


def cbrt(x: Any) -> Tensor:
    """Element-wise cube root."""
    x = _as_float(_t(x))
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)


def _keep_int(fn, name: str):
    def op(x: Any) -> Tensor:
        x = _t(x)
        if x.is_floating_point():
            return fn(x)
        if x.dtype == torch.bool:
            return fn(x.to(torch.int32)) if name in ("negative",) else x
        return x
    op.__name__ = name
    op.__doc__ = f"Element-wise ``{name}`` (integer inputs keep their dtype)."
    return op


floor = _unary_float(torch.floor)
ceil = _unary_float(torch.ceil)
trunc = _keep_int(torch.trunc, "trunc")


def absolute(x: Any) -> Tensor:
    """Element-wise absolute value."""
    x = _t(x)
    return x if x.dtype == torch.bool else torch.abs(x)


abs = absolute  # noqa: A001 (Keras's name)


def negative(x: Any) -> Tensor:
    """Element-wise ``-x``."""
    return torch.negative(_t(x))


def square(x: Any) -> Tensor:
    """Element-wise ``x * x`` (bool gives int32)."""
    x = _t(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


def sign(x: Any) -> Tensor:
    """Element-wise sign: -1, 0 or 1."""
    return torch.sign(_t(x))


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round half to even to ``decimals`` places (integers keep their dtype)."""
    x = _t(x)
    if not x.is_floating_point():
        return torch.round(x.to(_floatx()), decimals=decimals).to(x.dtype)
    return torch.round(x, decimals=decimals)


# ---------------------------------------------------------------- binary arithmetic
_torch_add, _torch_multiply, _torch_subtract = torch.add, torch.multiply, torch.subtract


def add(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 + x2``."""
    if type(x1) is Tensor and type(x2) is Tensor:  # fast path: nothing to convert
        return _torch_add(x1, x2)
    return _torch_add(_t(x1), _t(x2))


def subtract(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 - x2``."""
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is not _BOOL \
            and x2.dtype is not _BOOL:  # fast path: nothing to convert
        return _torch_subtract(x1, x2)
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype == torch.bool:
        x1 = x1.to(x2.dtype)
    if x2.dtype == torch.bool:
        x2 = x2.to(x1.dtype)
    return torch.subtract(x1, x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 * x2``."""
    if type(x1) is Tensor and type(x2) is Tensor:  # fast path: nothing to convert
        return _torch_multiply(x1, x2)
    return _torch_multiply(_t(x1), _t(x2))


def divide(x1: Any, x2: Any) -> Tensor:
    """Element-wise true division (integer inputs give a float result)."""
    x1 = x1 if isinstance(x1, (int, float)) else _t(x1)
    x2 = x2 if isinstance(x2, (int, float)) else _t(x2)
    return torch.divide(x1, x2)


true_divide = divide


def divide_no_nan(x1: Any, x2: Any) -> Tensor:
    """``x1 / x2``, 0 where ``x2`` is 0."""
    x1, x2 = _t(x1), _t(x2)
    return torch.where(x2 == 0, torch.zeros((), dtype=torch.result_type(x1, x2)
                                            if (x1.is_floating_point() or
                                                x2.is_floating_point()) else _floatx(),
                                            device=x1.device), torch.divide(x1, x2))


def floor_divide(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 // x2``."""
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    x1 = x1 if isinstance(x1, (int, float)) else _t(x1)
    x2 = x2 if isinstance(x2, (int, float)) else _t(x2)
    return cast(torch.floor_divide(x1, x2), dtype)


def mod(x1: Any, x2: Any) -> Tensor:
    """Element-wise remainder with the sign of the divisor (NumPy's ``mod``)."""
    x1, x2 = _t(x1), _t(x2)
    if result_type(x1.dtype, x2.dtype) == "bool":
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return torch.remainder(x1, x2)


def fmod(x1: Any, x2: Any) -> Tensor:
    """Element-wise remainder with the sign of the dividend (C's ``fmod``)."""
    return torch.fmod(_t(x1), _t(x2))


def power(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 ** x2``."""
    return torch.pow(_t(x1), _t(x2))


def _promoted(x1: Any, x2: Any) -> Tuple[Tensor, Tensor]:
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is x2.dtype \
            and x1.dtype in _UNNARROWED:  # fast path: nothing to promote
        return x1, x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return _t(x1, dtype), _t(x2, dtype)


_torch_maximum, _torch_minimum = torch.maximum, torch.minimum


def maximum(x1: Any, x2: Any) -> Tensor:
    """Element-wise maximum."""
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is x2.dtype \
            and x1.dtype in _UNNARROWED:  # fast path: nothing to promote
        return _torch_maximum(x1, x2)
    return _torch_maximum(*_promoted(x1, x2))


def minimum(x1: Any, x2: Any) -> Tensor:
    """Element-wise minimum."""
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is x2.dtype \
            and x1.dtype in _UNNARROWED:  # fast path: nothing to promote
        return _torch_minimum(x1, x2)
    return _torch_minimum(*_promoted(x1, x2))


def arctan2(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``atan(x1 / x2)`` in the right quadrant."""
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return torch.arctan2(_t(x1, dtype), _t(x2, dtype))


def hypot(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``sqrt(x1**2 + x2**2)``."""
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return torch.hypot(_t(x1, dtype), _t(x2, dtype))


def logaddexp(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``log(exp(x1) + exp(x2))``."""
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return torch.logaddexp(_t(x1, dtype), _t(x2, dtype))


# ---------------------------------------------------------------- comparisons and logic
def _compare(fn, name: str):
    def op(x1: Any, x2: Any) -> Tensor:
        return fn(_t(x1), _t(x2))
    op.__name__ = name
    op.__doc__ = f"Element-wise ``{name}`` (a bool tensor)."
    return op


equal = _compare(torch.eq, "equal")
not_equal = _compare(torch.ne, "not_equal")
greater = _compare(torch.gt, "greater")
greater_equal = _compare(torch.ge, "greater_equal")
less = _compare(torch.lt, "less")
less_equal = _compare(torch.le, "less_equal")
logical_and = _compare(torch.logical_and, "logical_and")
logical_or = _compare(torch.logical_or, "logical_or")
logical_xor = _compare(torch.logical_xor, "logical_xor")


def logical_not(x: Any) -> Tensor:
    """Element-wise ``not x``."""
    return torch.logical_not(_t(x))


def isnan(x: Any) -> Tensor:
    """Element-wise NaN test."""
    return torch.isnan(_t(x))


def isinf(x: Any) -> Tensor:
    """Element-wise infinity test."""
    return torch.isinf(_t(x))


def isfinite(x: Any) -> Tensor:
    """Element-wise finiteness test."""
    return torch.isfinite(_t(x))


def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    """Element-wise ``|x1 - x2| <= atol + rtol * |x2|``."""
    x1, x2 = _promoted(x1, x2)
    return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> Tensor:
    """Whether every element of ``x1`` and ``x2`` is close."""
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


def clip(x: Any, x_min: Any, x_max: Any) -> Tensor:
    """``x`` limited to ``[x_min, x_max]`` (bool gives int32)."""
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    if x.dtype == torch.float16 and x.device.type == "cpu":
        return torch.clip(x.float(), min=x_min, max=x_max).to(torch.float16)
    return torch.clip(x, min=_t(x_min), max=_t(x_max))


def where(condition: Any, x1: Any = None, x2: Any = None) -> Tensor:
    """``x1`` where ``condition`` holds, else ``x2``; with one argument, the indices."""
    condition = _t(condition, "bool")
    if x1 is None and x2 is None:
        return torch.stack(torch.where(condition), dim=0)
    if x1 is None or x2 is None:
        raise ValueError("`x1` and `x2` either both should be `None` or both should have "
                         "non-None value.")
    return torch.where(condition, _t(x1), _t(x2))


# ---------------------------------------------------------------- reductions
def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (bool and small ints give int32)."""
    x = _t(x) if not isinstance(x, (list, tuple)) else stack(x)
    if axis == () or axis == []:
        return x
    out_dtype = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
    dims = _dims(axis)
    out = torch.sum(x) if dims is None else torch.sum(x, dim=dims, keepdim=keepdims)
    if dims is None and keepdims:
        out = out.reshape((1,) * x.ndim)
    return out.to(out_dtype)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis`` (integer inputs give floatx)."""
    if type(x) is Tensor and type(axis) is int and x.dtype is torch.float32:  # fast path
        return torch.mean(x, axis, keepdims)
    x = _t(x) if not isinstance(x, (list, tuple)) else stack(x)
    if axis == () or axis == []:
        return x
    if x.dtype in (torch.float32, torch.float64):  # fast path: no dtype change
        dims = _dims(axis)
        if dims is not None:
            return torch.mean(x, dims, keepdims)
    ori = standardize_dtype(x.dtype)
    compute = result_type(ori, "float32")
    out_dtype = compute if ("int" in ori or ori == "bool") else ori
    x = x.to(to_torch_dtype(compute))
    dims = _dims(axis)
    out = torch.mean(x) if dims is None else torch.mean(x, dim=dims, keepdim=keepdims)
    if dims is None and keepdims:
        out = out.reshape((1,) * x.ndim)
    return out.to(to_torch_dtype(out_dtype))


def prod(x: Any, axis: Axis = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    """Product over ``axis`` (bool and small ints give int32)."""
    x = _t(x)
    if dtype is None:
        out_dtype = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
    else:
        out_dtype = to_torch_dtype(dtype)
    compute = torch.float32 if out_dtype == torch.float16 else out_dtype
    if axis is None:
        out = torch.prod(x, dtype=compute)
        return (out.reshape((1,) * x.ndim) if keepdims else out).to(out_dtype)
    for a in sorted((d % x.ndim for d in _dims(axis)), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=compute)
    return x.to(out_dtype)


def _extreme(fn_all, fn_dim, name: str):
    def op(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        x = _t(x)
        if x.numel() == 0:
            if initial is None:
                raise ValueError(f"Cannot compute the {name} of an empty tensor.")
            return torch.full((1,) * x.ndim if keepdims else (), initial, dtype=x.dtype)
        dims = _dims(axis)
        if dims is None:
            out = fn_all(x)
            if keepdims:
                out = out.reshape((1,) * x.ndim)
        else:
            out = fn_dim(x, dim=dims, keepdim=keepdims)
        if initial is not None:
            bound = torch.full_like(out, initial)
            out = torch.maximum(out, bound) if name == "max" else torch.minimum(out, bound)
        return out
    op.__name__ = name
    op.__doc__ = f"The {name}imum over ``axis``."
    return op


max = _extreme(torch.max, torch.amax, "max")  # noqa: A001
min = _extreme(torch.min, torch.amin, "min")  # noqa: A001


def amax(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The maximum over ``axis``."""
    return max(x, axis=axis, keepdims=keepdims)


def amin(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The minimum over ``axis``."""
    return min(x, axis=axis, keepdims=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population variance over ``axis`` (integer inputs give floatx)."""
    x = _t(x)
    compute = to_torch_dtype(result_type(x.dtype, "float32"))
    out_dtype = to_torch_dtype(result_type(x.dtype, float))
    if axis == () or axis == []:
        return torch.zeros_like(x, dtype=out_dtype)
    return torch.var(x.to(compute), dim=_dims(axis), keepdim=keepdims,
                     correction=0).to(out_dtype)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation over ``axis`` (integer inputs give float32)."""
    x = _t(x)
    if not x.is_floating_point():
        x = x.to(torch.float32)
    return torch.std(x, dim=_dims(axis), keepdim=keepdims, correction=0)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether any element along ``axis`` is true."""
    x = _t(x)
    dims = _dims(axis)
    if dims is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=dims, keepdim=keepdims)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element along ``axis`` is true."""
    x = _t(x)
    dims = _dims(axis)
    if dims is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=dims, keepdim=keepdims)


def argmax(x: Any, axis: Optional[int] = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum along ``axis`` (flattened when ``None``), int32."""
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmin(x: Any, axis: Optional[int] = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum along ``axis`` (flattened when ``None``), int32."""
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)


def _cumulative(fn, name: str):
    def op(x: Any, axis: Optional[int] = None, dtype: Any = None) -> Tensor:
        x = _t(x)
        if axis is None:
            x, axis = x.flatten(), 0
        out = to_torch_dtype(result_type(dtype or x.dtype))
        if out == torch.bool:
            out = torch.int32
        if out == torch.float16 and x.device.type == "cpu":
            return fn(x, dim=axis, dtype=torch.float32).to(torch.float16)
        return fn(x, dim=axis, dtype=out)
    op.__name__ = name
    op.__doc__ = f"Cumulative {name[3:]} along ``axis`` (flattened when ``None``)."
    return op


cumsum = _cumulative(torch.cumsum, "cumsum")
cumprod = _cumulative(torch.cumprod, "cumprod")


def count_nonzero(x: Any, axis: Axis = None) -> Tensor:
    """Number of non-zero elements along ``axis``, int32."""
    x = _t(x)
    if axis == () or axis == []:
        return torch.ne(x, 0).to(torch.int32)
    return torch.count_nonzero(x, dim=_dims(axis)).to(torch.int32)


def nonzero(x: Any) -> Tensor:
    """The indices of the non-zero elements, an int32 tensor (rank, count): one row per axis
    (Keras 3's torch backend; ``rows, cols = ops.nonzero(x)`` unpacks it)."""
    return torch.nonzero(_t(x)).T.to(torch.int32)


def median(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The median along ``axis`` (the mean of the two middle values for even counts)."""
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def quantile(x: Any, q: Any, axis: Axis = None, method: str = "linear",
             keepdims: bool = False) -> Tensor:
    """The ``q``-th quantile(s) along ``axis``."""
    x = _as_float(_t(x))
    q = _t(q, x.dtype)
    if axis is None:
        return torch.quantile(x.flatten(), q, interpolation=method,
                              keepdim=False).reshape(
            tuple(q.shape) + ((1,) * x.ndim if keepdims else ()))
    dims = _dims(axis)
    if len(dims) == 1:
        return torch.quantile(x, q, dim=dims[0], keepdim=keepdims, interpolation=method)
    dims = tuple(d % x.ndim for d in dims)
    rest = [d for d in range(x.ndim) if d not in dims]
    moved = x.permute(rest + list(dims)).reshape([x.shape[d] for d in rest] + [-1])
    out = torch.quantile(moved, q, dim=-1, interpolation=method)
    if keepdims:
        for d in sorted(dims):
            out = out.unsqueeze(d + (q.ndim))
    return out


def average(x: Any, axis: Optional[int] = None, weights: Any = None) -> Tensor:
    """The (weighted) mean along ``axis``."""
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    dtype = to_torch_dtype(result_type(x.dtype, weights.dtype, float))
    x, weights = x.to(dtype), weights.to(dtype)
    if axis is None:
        return torch.sum(x * weights) / torch.sum(weights)
    if weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    return torch.sum(x * weights, dim=axis) / torch.sum(weights * torch.ones_like(x), dim=axis)


def ptp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``max - min`` along ``axis``."""
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


# ---------------------------------------------------------------- linear algebra products
def matmul(x1: Any, x2: Any) -> Tensor:
    """Matrix product (int8 @ int8 gives int32; mixed dtypes promote as Keras)."""
    x1, x2 = _t(x1), _t(x2)
    d1, d2 = standardize_dtype(x1.dtype), standardize_dtype(x2.dtype)
    if d1 == "int8" and d2 == "int8":
        out = "int32"
    else:
        out = result_type(d1, d2)
    compute = to_torch_dtype(out)
    if compute in (torch.int8, torch.int16, torch.int32, torch.uint8, torch.bool) \
            or (compute == torch.float16 and x1.device.type == "cpu"):
        wide = torch.float32 if compute == torch.float16 else torch.int64
        return torch.matmul(x1.to(wide), x2.to(wide)).to(compute)
    return torch.matmul(x1.to(compute), x2.to(compute))


def dot(x1: Any, x2: Any) -> Tensor:
    """NumPy ``dot``: scalar product, matrix product or sum over the last/second-to-last axes."""
    x1, x2 = _t(x1), _t(x2)
    dtype = result_type(x1.dtype, x2.dtype)
    if dtype == "int8":
        dtype = "int32"
    x1, x2 = x1.to(to_torch_dtype(dtype)), x2.to(to_torch_dtype(dtype))
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.multiply(x1, x2)
    if x2.ndim <= 2:
        return matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> Tensor:
    """Sum of products over ``axes``."""
    x1, x2 = _t(x1), _t(x2)
    dtype = to_torch_dtype(result_type(x1.dtype, x2.dtype))
    if isinstance(axes, (list, tuple)):
        first, second = axes
        axes = ([first] if isinstance(first, int) else list(first),
                [second] if isinstance(second, int) else list(second))
    return torch.tensordot(x1.to(dtype), x2.to(dtype), dims=axes)


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> Tensor:
    """Einstein summation (all-int8 operands give int32)."""
    operands = [_t(o) for o in operands]
    if builtins.all(o.dtype == torch.int8 for o in operands):
        return torch.einsum(subscripts, *[o.to(torch.int32) for o in operands])
    dtype = to_torch_dtype(result_type(*[o.dtype for o in operands]))
    return torch.einsum(subscripts, *[o.to(dtype) for o in operands])


def outer(x1: Any, x2: Any) -> Tensor:
    """Outer product of the flattened inputs."""
    x1, x2 = _t(x1), _t(x2)
    return torch.outer(x1.flatten(), x2.flatten())


def inner(x1: Any, x2: Any) -> Tensor:
    """Inner product over the last axes."""
    x1, x2 = _promoted(x1, x2)
    return torch.inner(x1, x2)


def vdot(x1: Any, x2: Any) -> Tensor:
    """Dot product of the flattened inputs."""
    x1, x2 = _promoted(x1, x2)
    return torch.vdot(x1.flatten(), x2.flatten())


def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Optional[int] = None) -> Tensor:
    """Cross product of 3-vectors along the last axis."""
    x1, x2 = _promoted(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = torch.movedim(x1, axisa, -1), torch.movedim(x2, axisb, -1)
    return torch.movedim(torch.linalg.cross(*torch.broadcast_tensors(x1, x2)), -1, axisc)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Sum along a diagonal."""
    x = _t(x)
    out = torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1)
    return out.to(torch.int32) if x.dtype in _SMALL_INTS else out


# ---------------------------------------------------------------- shapes and layout
def reshape(x: Any, newshape: Any) -> Tensor:
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    if isinstance(newshape, int):
        newshape = (newshape,)
    return torch.reshape(_t(x), tuple(newshape))


def transpose(x: Any, axes: Optional[Sequence[int]] = None) -> Tensor:
    """``x`` with its axes permuted (reversed when ``axes`` is None)."""
    x = _t(x)
    if axes is None:
        return x.permute(tuple(range(x.ndim - 1, -1, -1)))
    return x.permute(tuple(axes))


def expand_dims(x: Any, axis: Union[int, Sequence[int]]) -> Tensor:
    """``x`` with a size-1 axis inserted at each ``axis``."""
    x = _t(x)
    dims = _dims(axis)
    rank = x.ndim + len(dims)
    for a in sorted(d % rank for d in dims):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x: Any, axis: Axis = None) -> Tensor:
    """``x`` without its size-1 axes (only ``axis`` when given)."""
    x = _t(x)
    if axis is None:
        return torch.squeeze(x)
    dims = tuple(d % x.ndim for d in _dims(axis))
    for d in dims:
        if x.shape[d] != 1:
            raise ValueError(f"Cannot squeeze axis {d}, because the dimension is not 1.")
    return torch.squeeze(x, dim=dims)


def _common(xs: Sequence[Any]) -> List[Tensor]:
    xs = [_t(x) for x in xs]
    dtype = to_torch_dtype(result_type(*[x.dtype for x in xs]))
    return [x.to(dtype) for x in xs]


def concatenate(xs: Sequence[Any], axis: Optional[int] = 0) -> Tensor:
    """The inputs joined along ``axis`` (flattened first when ``None``)."""
    xs = _common(xs)
    if axis is None:
        return torch.cat([x.flatten() for x in xs])
    return torch.cat(xs, dim=axis)


def append(x1: Any, x2: Any, axis: Optional[int] = None) -> Tensor:
    """``x2`` appended to ``x1`` along ``axis`` (flattened when ``None``)."""
    return concatenate([x1, x2], axis=axis)


def stack(x: Sequence[Any], axis: int = 0) -> Tensor:
    """The inputs stacked along a new ``axis``."""
    return torch.stack(_common(x), dim=axis)


def hstack(xs: Sequence[Any]) -> Tensor:
    """Stack horizontally (along axis 1, axis 0 for 1-D inputs)."""
    return torch.hstack(_common(xs))


def vstack(xs: Sequence[Any]) -> Tensor:
    """Stack vertically (along axis 0)."""
    return torch.vstack(_common(xs))


def split(x: Any, indices_or_sections: Union[int, Sequence[int]], axis: int = 0) -> List[Tensor]:
    """``x`` split into equal sections or at the given indices along ``axis``."""
    x = _t(x)
    if isinstance(indices_or_sections, int):
        size = x.shape[axis]
        if size % indices_or_sections != 0:
            raise ValueError(f"Received indices_or_sections={indices_or_sections} "
                             f"(interpreted as a number of sections) and axis={axis}, but "
                             f"input dimension x.shape[{axis}]={size} is not divisible by "
                             f"{indices_or_sections}")
    else:
        indices_or_sections = [int(i) for i in indices_or_sections]
    return list(torch.tensor_split(x, indices_or_sections, dim=axis))


def array_split(x: Any, indices_or_sections: Union[int, Sequence[int]],
                axis: int = 0) -> List[Tensor]:
    """``split`` allowing unequal sections."""
    return list(torch.tensor_split(_t(x), indices_or_sections, dim=axis))


def tile(x: Any, repeats: Union[int, Sequence[int]]) -> Tensor:
    """``x`` repeated ``repeats`` times along each axis."""
    if isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(_t(x), tuple(int(r) for r in repeats))


def repeat(x: Any, repeats: Any, axis: Optional[int] = None) -> Tensor:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None)."""
    x = _t(x)
    if not isinstance(repeats, int):
        repeats = _t(repeats).long()
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.repeat_interleave(x, repeats, dim=axis)


def flip(x: Any, axis: Axis = None) -> Tensor:
    """``x`` reversed along ``axis`` (all axes when ``None``)."""
    x = _t(x)
    dims = tuple(range(x.ndim)) if axis is None else _dims(axis)
    return torch.flip(x, dims=dims)


def fliplr(x: Any) -> Tensor:
    """``x`` reversed along axis 1."""
    return flip(x, 1)


def flipud(x: Any) -> Tensor:
    """``x`` reversed along axis 0."""
    return flip(x, 0)


def roll(x: Any, shift: Any, axis: Axis = None) -> Tensor:
    """``x`` rolled by ``shift`` along ``axis`` (flattened when ``None``)."""
    x = _t(x)
    if axis is None:
        return torch.roll(x.flatten(), shift).reshape(x.shape)
    return torch.roll(x, shift, dims=_dims(axis))


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """``x`` with two axes exchanged."""
    return torch.swapaxes(_t(x), axis1, axis2)


def moveaxis(x: Any, source: Union[int, Sequence[int]],
             destination: Union[int, Sequence[int]]) -> Tensor:
    """``x`` with axes moved from ``source`` to ``destination``."""
    return torch.movedim(_t(x), source, destination)


def ravel(x: Any) -> Tensor:
    """``x`` flattened to 1-D."""
    return torch.ravel(_t(x))


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """``x`` broadcast to ``shape``."""
    return torch.broadcast_to(_t(x), tuple(shape))


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
    """``x`` padded by ``pad_width`` (NumPy layout: ((before, after), ...) per axis)."""
    x = _t(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    if constant_values is not None and mode != "constant":
        raise ValueError("Argument `constant_values` can only be provided when `mode == "
                         f"'constant'`. Received: mode={mode}")
    flat = [int(v) for pair in widths[::-1] for v in pair]
    if mode == "constant":
        return torch.nn.functional.pad(x, flat, value=constant_values or 0)
    torch_mode = {"reflect": "reflect", "symmetric": "symmetric", "edge": "replicate",
                  "wrap": "circular"}.get(mode)
    if torch_mode is None or torch_mode == "symmetric":
        return _t(np.pad(x.detach().cpu().numpy(), widths, mode=mode))
    # torch pads the trailing dims of a batched tensor: add the leading two
    out = x.to(_floatx()) if not x.is_floating_point() else x
    out = torch.nn.functional.pad(out[None, None], flat, mode=torch_mode)[0, 0]
    return out.to(x.dtype)


def take(x: Any, indices: Any, axis: Optional[int] = None) -> Tensor:
    """Elements of ``x`` at ``indices`` along ``axis`` (flattened when ``None``)."""
    x = _t(x)
    indices = _t(indices).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axis % x.ndim
    size = x.shape[axis]
    indices = torch.where(indices < 0, indices + size, indices)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])


def take_along_axis(x: Any, indices: Any, axis: Optional[int] = None) -> Tensor:
    """Elements of ``x`` picked along ``axis`` by an index array of matching rank."""
    x = _t(x)
    indices = _t(indices).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
    size = x.shape[axis]
    indices = torch.where(indices < 0, indices + size, indices)
    shape = list(torch.broadcast_shapes(
        tuple(1 if i == axis % x.ndim else s for i, s in enumerate(x.shape)),
        tuple(1 if i == axis % x.ndim else s for i, s in enumerate(indices.shape))))
    x_shape, i_shape = list(shape), list(shape)
    x_shape[axis] = x.shape[axis]
    i_shape[axis] = indices.shape[axis]
    return torch.take_along_dim(x.expand(x_shape), indices.expand(i_shape), dim=axis)


def sort(x: Any, axis: int = -1) -> Tensor:
    """``x`` sorted along ``axis``."""
    return torch.sort(_t(x), dim=axis).values


def argsort(x: Any, axis: Optional[int] = -1) -> Tensor:
    """Indices that sort ``x`` along ``axis`` (stable), int32."""
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        x, axis = x.flatten(), -1
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def meshgrid(*x: Any, indexing: str = "xy") -> List[Tensor]:
    """Coordinate grids from 1-D coordinate vectors."""
    return list(torch.meshgrid(*[_t(v) for v in x], indexing=indexing))


def triu(x: Any, k: int = 0) -> Tensor:
    """``x`` with the elements below the ``k``-th diagonal zeroed."""
    return torch.triu(_t(x), diagonal=k)


def tril(x: Any, k: int = 0) -> Tensor:
    """``x`` with the elements above the ``k``-th diagonal zeroed."""
    return torch.tril(_t(x), diagonal=k)


def diag(x: Any, k: int = 0) -> Tensor:
    """The ``k``-th diagonal of a matrix, or a matrix with the vector on that diagonal."""
    x = _t(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"`x` must be 1-D or 2-D. Received: x.shape={tuple(x.shape)}")
    return torch.diag(x, diagonal=k)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """A diagonal of ``x`` taken over ``axis1`` and ``axis2``."""
    return torch.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


def diff(a: Any, n: int = 1, axis: int = -1) -> Tensor:
    """The ``n``-th discrete difference along ``axis``."""
    return torch.diff(_t(a), n=n, dim=axis)


def nan_to_num(x: Any, nan: float = 0.0, posinf: Optional[float] = None,
               neginf: Optional[float] = None) -> Tensor:
    """``x`` with NaN and infinities replaced."""
    return torch.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf)


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
    """Indices where ``values`` would be inserted to keep ``sorted_sequence`` sorted, int32."""
    seq, values = _t(sorted_sequence), _t(values)
    out = torch.searchsorted(seq, values.to(seq.dtype), side=side)
    return out.to(torch.int32)


def digitize(x: Any, bins: Any) -> Tensor:
    """Index of the bin each element of ``x`` falls in, int32."""
    x, bins = _t(x), _t(bins)
    return torch.bucketize(x, bins.to(x.dtype), right=True).to(torch.int32)


def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``x1`` occurs in ``x2``."""
    return torch.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> Tensor:
    """Counts of each non-negative integer value in ``x`` (int32, or the weights' dtype)."""
    x = _t(x)
    if weights is None:
        return torch.bincount(x, minlength=minlength).to(torch.int32)
    weights = _t(weights)
    dtype = weights.dtype
    return torch.bincount(x, weights=weights.to(torch.float64),
                          minlength=minlength).to(dtype)


def get_item(x: Any, key: Any) -> Tensor:
    """``x[key]``."""
    return _t(x)[key]


def size(x: Any) -> int:
    """The number of elements of ``x``."""
    return int(_t(x).numel())


def ndim(x: Any) -> int:
    """The rank of ``x``."""
    return _t(x).ndim


def copy(x: Any) -> Tensor:
    """A copy of ``x``."""
    return _t(x).clone()


def array(x: Any, dtype: Any = None) -> Tensor:
    """A tensor of ``x``."""
    return _t(x, dtype)


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Tensor:
    """Per element, the choice of the first true condition, else ``default``."""
    choices = _common(list(choicelist))
    out = torch.full_like(choices[0], default) if not isinstance(default, Tensor) \
        else default.to(choices[0].dtype).expand_as(choices[0])
    for cond, choice in reversed(list(zip(condlist, choices))):
        out = torch.where(_t(cond, "bool"), choice, out)
    return out


# ---------------------------------------------------------------- creation
def _shape(shape: Any) -> Tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def zeros(shape: Any, dtype: Any = None) -> Tensor:
    """A tensor of zeros (floatx unless ``dtype``)."""
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()),
                       device=get_device())


def ones(shape: Any, dtype: Any = None) -> Tensor:
    """A tensor of ones (floatx unless ``dtype``)."""
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()),
                      device=get_device())


def empty(shape: Any, dtype: Any = None) -> Tensor:
    """An uninitialised tensor (floatx unless ``dtype``)."""
    return torch.empty(_shape(shape), dtype=to_torch_dtype(dtype or config.floatx()),
                       device=get_device())


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value``."""
    dtype = to_torch_dtype(dtype or config.floatx())
    return torch.broadcast_to(_t(fill_value, dtype), _shape(shape)).clone()


def _like(x: Any, dtype: Any) -> Tuple[Tensor, torch.dtype]:
    x = _t(x)
    return x, x.dtype if dtype is None else to_torch_dtype(dtype)


def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    """Zeros with the shape (and dtype unless given) of ``x``."""
    x, dtype = _like(x, dtype)
    return torch.zeros_like(x, dtype=dtype)


def ones_like(x: Any, dtype: Any = None) -> Tensor:
    """Ones with the shape (and dtype unless given) of ``x``."""
    x, dtype = _like(x, dtype)
    return torch.ones_like(x, dtype=dtype)


def empty_like(x: Any, dtype: Any = None) -> Tensor:
    """An uninitialised tensor with the shape of ``x``."""
    x, dtype = _like(x, dtype)
    return torch.empty_like(x, dtype=dtype)


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """A tensor like ``x`` filled with ``fill_value``."""
    x, dtype = _like(x, dtype)
    return torch.broadcast_to(_t(fill_value, dtype), x.shape).clone()


def eye(N: int, M: Optional[int] = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    M = N if M is None else M  # noqa: N806
    dtype = to_torch_dtype(dtype or config.floatx())
    if k == 0:
        return torch.eye(N, M, dtype=dtype, device=get_device())
    return torch.diag(torch.ones(builtins.max(0, builtins.min(N, M - k) if k > 0
                                              else builtins.min(N + k, M)),
                                 dtype=dtype, device=get_device()), k)[:N, :M]


def identity(n: int, dtype: Any = None) -> Tensor:
    """The ``n`` x ``n`` identity matrix."""
    return eye(n, dtype=dtype)


def tri(N: int, M: Optional[int] = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    """Ones at and below the ``k``-th diagonal."""
    M = N if M is None else M  # noqa: N806
    return torch.tril(torch.ones((N, M), dtype=to_torch_dtype(dtype or config.floatx()),
                                 device=get_device()), k)


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Tensor:
    """Evenly spaced values in ``[start, stop)`` (int32 for ints, floatx for floats)."""
    if dtype is None:
        parts = [_dtype_of(v) for v in (start, stop, step) if v is not None]
        dtype = result_type(*parts)
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=get_device())


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    if dtype is None:
        dtype = result_type(_dtype_of(start), _dtype_of(stop), float)
    dtype = to_torch_dtype(dtype)
    start_t, stop_t = _t(start, "float64"), _t(stop, "float64")
    div = (num - 1) if endpoint else num
    step = (stop_t - start_t) / div if div > 0 else torch.full_like(start_t, float("nan"))
    steps = torch.arange(num, dtype=torch.float64, device=start_t.device)
    steps = steps.reshape((num,) + (1,) * start_t.ndim)
    out = start_t[None] + steps * step[None]
    if endpoint and num > 1:
        out[-1] = stop_t
    out = torch.movedim(out, 0, axis).to(dtype)
    return (out, step) if retstep else out


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10,
             dtype: Any = None, axis: int = 0) -> Tensor:
    """``base ** linspace(start, stop, num)``."""
    exps = linspace(start, stop, num, endpoint=endpoint, dtype="float64", axis=axis)
    if dtype is None:
        dtype = result_type(_dtype_of(start), _dtype_of(stop), float)
    return torch.pow(torch.tensor(float(base), dtype=torch.float64), exps).to(
        to_torch_dtype(dtype))




__all__ = sorted(n for n, v in list(globals().items()) if not n.startswith("_") and callable(v)
                 and getattr(v, "__module__", "") == __name__ and n[0].islower())
