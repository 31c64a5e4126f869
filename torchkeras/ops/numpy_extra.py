"""More ``keras.ops`` NumPy-style functions: NaN-aware reductions, bitwise ops, window
functions, complex parts and the rarer array helpers, mapped as Keras 3's torch backend maps
them (keras/src/backend/torch/numpy.py), with Keras 3's dtype rules.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import INT_TYPES, result_type, standardize_dtype, to_torch_dtype
from torchkeras.ops.core import cast, convert_to_tensor
from torchkeras.ops.numpy import (_dims, _dtype_of, _floatx, argmax, argmin, cumprod, cumsum,
                                  logspace, nan_to_num, prod, stack)

Tensor = torch.Tensor
Axis = Union[None, int, Sequence[int]]
_t = convert_to_tensor


# ---------------------------------------------------------------- NaN-aware reductions
def _all_nan(x: Tensor, dims: Optional[Tuple[int, ...]], keepdims: bool) -> Tensor:
    nan = torch.isnan(x)
    if dims is None:
        out = nan.all()
        return out.reshape((1,) * x.ndim) if keepdims else out
    return nan.all(dim=dims, keepdim=keepdims)


def _amax(x: Tensor, dims: Optional[Tuple[int, ...]], keepdims: bool, lowest: bool) -> Tensor:
    fn = torch.amin if lowest else torch.amax
    if dims is None:
        out = fn(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return fn(x, dim=dims, keepdim=keepdims)


def _nan_extreme(name: str, lowest: bool) -> Callable[..., Tensor]:
    def op(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = _t(x)
        dims = _dims(axis)
        if not x.is_floating_point():
            return _amax(x, dims, keepdims, lowest)
        if axis == () or axis == []:
            return x
        fill = float("inf") if lowest else float("-inf")
        out = _amax(torch.where(torch.isnan(x), fill, x), dims, keepdims, lowest)
        return torch.where(_all_nan(x, dims, keepdims), torch.nan, out).to(x.dtype)
    op.__name__ = name
    op.__doc__ = f"The {name[3:]}imum over ``axis``, ignoring NaNs (NaN where all are NaN)."
    return op


nanmax = _nan_extreme("nanmax", lowest=False)
nanmin = _nan_extreme("nanmin", lowest=True)


def _nan_arg(name: str, lowest: bool) -> Callable[..., Tensor]:
    def op(x: Any, axis: Optional[int] = None, keepdims: bool = False) -> Tensor:
        x = _t(x)
        pick = argmin if lowest else argmax
        if not x.is_floating_point():
            return pick(x, axis=axis, keepdims=keepdims)
        clean = torch.where(torch.isnan(x), float("inf") if lowest else float("-inf"), x)
        nan = _all_nan(x, _dims(axis), keepdims)
        return torch.where(nan, -1, pick(clean, axis=axis, keepdims=keepdims)).to(torch.int32)
    op.__name__ = name
    op.__doc__ = f"Index of the {name[6:]}imum along ``axis`` ignoring NaNs (-1 if all NaN)."
    return op


nanargmax = _nan_arg("nanargmax", lowest=False)
nanargmin = _nan_arg("nanargmin", lowest=True)


def nansum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` treating NaN as 0 (bool and small ints give int32)."""
    x = stack(x) if isinstance(x, (list, tuple)) else _t(x)
    dtype = standardize_dtype(x.dtype)
    dtype = "int32" if dtype in ("bool", "uint8", "int8", "int16") else dtype
    if axis == () or axis == []:
        return cast(torch.nan_to_num(x, nan=0), dtype)
    dims = _dims(axis)
    out = torch.nansum(x) if dims is None else torch.nansum(x, dim=dims, keepdim=keepdims)
    if dims is None and keepdims:
        out = out.reshape((1,) * x.ndim)
    return cast(out, dtype)


def nanprod(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis`` treating NaN as 1."""
    x = _t(x)
    if axis == () or axis == []:
        return torch.nan_to_num(x, nan=1)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype, device=x.device), x)
    return prod(x, axis=axis, keepdims=keepdims)


def nanmean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis`` ignoring NaNs (integer inputs give floatx)."""
    x = _t(x)
    if axis == () or axis == []:
        return x
    x = cast(x, result_type(x.dtype, float))
    dims = _dims(axis)
    out = torch.nanmean(x, dim=dims, keepdim=keepdims)
    return out.reshape((1,) * x.ndim) if dims is None and keepdims else out


def nanvar(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population variance over ``axis`` ignoring NaNs."""
    x = _t(x)
    x = cast(x, result_type(x.dtype, float))
    if axis == () or axis == []:
        return torch.where(torch.isnan(x), x, torch.zeros((), dtype=x.dtype, device=x.device))
    dims = _dims(axis) or tuple(range(x.ndim))
    valid = ~torch.isnan(x)
    centered = torch.where(valid, x - nanmean(x, dims, keepdims=True), torch.zeros_like(x))
    count = valid.sum(dim=dims, keepdim=keepdims)
    return (centered.square().sum(dim=dims, keepdim=keepdims) / count).to(x.dtype)


def nanstd(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation over ``axis`` ignoring NaNs."""
    return torch.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def nancumsum(x: Any, axis: Optional[int] = None, dtype: Any = None) -> Tensor:
    """Cumulative sum treating NaN as 0."""
    return cumsum(nan_to_num(x), axis=axis, dtype=dtype)


def nancumprod(x: Any, axis: Optional[int] = None, dtype: Any = None) -> Tensor:
    """Cumulative product treating NaN as 1."""
    return cumprod(nan_to_num(x, nan=1.0), axis=axis, dtype=dtype)


def _quantile(fn: Callable[..., Tensor], x: Any, q: Any, axis: Axis, method: str,
              keepdims: bool) -> Tensor:
    x = _t(x)
    result_dtype = result_type(x.dtype, float)
    x = cast(x, result_type(x.dtype, "float32"))
    q = _t(q, x.dtype)
    dims = _dims(axis)
    if dims is None:
        y = x.reshape(-1)
    else:
        dims = tuple(d % x.ndim for d in dims)
        rest = [d for d in range(x.ndim) if d not in dims]
        y = x.permute(rest + list(dims)).reshape([x.shape[d] for d in rest] + [-1])
    y = fn(y, q, dim=-1, interpolation=method)
    if keepdims:
        for d in (range(x.ndim) if dims is None else sorted(dims)):
            y = y.unsqueeze(-1 if dims is None else d + (1 if q.ndim > 0 else 0))
    return cast(y, result_dtype)


def nanquantile(x: Any, q: Any, axis: Axis = None, method: str = "linear",
                keepdims: bool = False) -> Tensor:
    """The ``q``-th quantile(s) along ``axis`` ignoring NaNs."""
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


def nanmedian(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The median along ``axis`` ignoring NaNs."""
    if axis == () or axis == []:
        return _t(x)
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def percentile(x: Any, q: Any, axis: Axis = None, method: str = "linear",
               keepdims: bool = False) -> Tensor:
    """The ``q``-th percentile(s) (0..100) along ``axis``."""
    q = _t(q, config.floatx()) / 100.0
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def nanpercentile(x: Any, q: Any, axis: Axis = None, method: str = "linear",
                  keepdims: bool = False) -> Tensor:
    """The ``q``-th percentile(s) along ``axis`` ignoring NaNs."""
    q = _t(q, config.floatx()) / 100.0
    return nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)



# ---------------------------------------------------------------- bitwise
def _int_operand(y: Any) -> Any:
    return y if isinstance(y, int) else _t(y)


def bitwise_and(x: Any, y: Any) -> Tensor:
    """Element-wise bitwise AND of integer (or bool) tensors."""
    return torch.bitwise_and(_t(x), _int_operand(y))


def bitwise_or(x: Any, y: Any) -> Tensor:
    """Element-wise bitwise OR."""
    return torch.bitwise_or(_t(x), _int_operand(y))


def bitwise_xor(x: Any, y: Any) -> Tensor:
    """Element-wise bitwise XOR."""
    return torch.bitwise_xor(_t(x), _int_operand(y))


def bitwise_invert(x: Any) -> Tensor:
    """Element-wise bitwise NOT."""
    return torch.bitwise_not(_t(x))


bitwise_not = bitwise_invert


def bitwise_left_shift(x: Any, y: Any) -> Tensor:
    """Element-wise ``x << y``."""
    return torch.bitwise_left_shift(_t(x), _int_operand(y))


def bitwise_right_shift(x: Any, y: Any) -> Tensor:
    """Element-wise ``x >> y``."""
    return torch.bitwise_right_shift(_t(x), _int_operand(y))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


# ---------------------------------------------------------------- window functions
def _window(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def op(x: int, **kwargs: Any) -> Tensor:
        n = int(_t(x))
        return fn(n, dtype=_floatx(), device=get_device(), **kwargs)
    op.__name__ = name
    op.__doc__ = f"The {name.capitalize()} window of ``x`` points (floatx)."
    return op


bartlett = _window(torch.signal.windows.bartlett, "bartlett")
blackman = _window(torch.signal.windows.blackman, "blackman")
hamming = _window(torch.signal.windows.hamming, "hamming")
hanning = _window(torch.signal.windows.hann, "hanning")
_kaiser = _window(torch.signal.windows.kaiser, "kaiser")


def kaiser(x: int, beta: float) -> Tensor:
    """The Kaiser window of ``x`` points with shape parameter ``beta`` (floatx)."""
    return _kaiser(x, beta=float(beta))


# ---------------------------------------------------------------- element-wise extras
def _float_pair(x1: Any, x2: Any) -> Tuple[Tensor, Tensor, str]:
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return _t(x1, dtype), _t(x2, dtype), dtype


def logaddexp2(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``log2(2**x1 + 2**x2)``."""
    x1, x2, _ = _float_pair(x1, x2)
    return torch.logaddexp2(x1, x2)


def _fminmax(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def op(x1: Any, x2: Any) -> Tensor:
        dtype = result_type(_dtype_of(x1), _dtype_of(x2))
        return fn(_t(x1, dtype), _t(x2, dtype))
    op.__name__ = name
    op.__doc__ = f"Element-wise {name[1:]}imum, ignoring NaNs."
    return op


fmax = _fminmax(torch.fmax, "fmax")
fmin = _fminmax(torch.fmin, "fmin")


def fabs(x: Any) -> Tensor:
    """Element-wise absolute value as a float (integer inputs give floatx)."""
    x = _t(x)
    return torch.abs(cast(x, result_type(x.dtype, float)))


def heaviside(x1: Any, x2: Any) -> Tensor:
    """Heaviside step: 0 below 0, ``x2`` at 0, 1 above."""
    x1, x2 = _t(x1), _t(x2)
    dtype = result_type(x1.dtype, x2.dtype)
    if dtype in ("bool", "int8", "int16", "int32", "uint8", "uint16", "uint32"):
        dtype = config.floatx()
    elif dtype == "int64":
        dtype = "float64"
    return torch.heaviside(cast(x1, dtype), cast(x2, dtype))


def ldexp(x1: Any, x2: Any) -> Tensor:
    """Element-wise ``x1 * 2**x2`` (``x2`` an integer tensor)."""
    x1, x2 = _t(x1), _t(x2)
    if standardize_dtype(x2.dtype) not in INT_TYPES:
        raise TypeError(f"ldexp exponent must be an integer type. Received: x2 dtype={x2.dtype}")
    return cast(torch.ldexp(x1, x2), result_type(x1.dtype, x2.dtype, float))


def nextafter(x1: Any, x2: Any) -> Tensor:
    """The next representable float after ``x1`` towards ``x2``."""
    x1, x2 = _t(x1), _t(x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    return cast(torch.nextafter(x1.to(torch.float64), x2.to(torch.float64)), dtype)


def gcd(x1: Any, x2: Any) -> Tensor:
    """Element-wise greatest common divisor of integers."""
    return torch.gcd(_t(x1), _t(x2))


def lcm(x1: Any, x2: Any) -> Tensor:
    """Element-wise least common multiple of integers."""
    return torch.lcm(_t(x1), _t(x2))


def signbit(x: Any) -> Tensor:
    """Element-wise: whether the sign bit is set (true for -0.0)."""
    return torch.signbit(_t(x))


def isneginf(x: Any) -> Tensor:
    """Element-wise: whether ``x`` is negative infinity."""
    return torch.isneginf(_t(x))


def isposinf(x: Any) -> Tensor:
    """Element-wise: whether ``x`` is positive infinity."""
    return torch.isposinf(_t(x))


def isreal(x: Any) -> Tensor:
    """Element-wise: whether the imaginary part is 0."""
    return torch.isreal(_t(x))


def i0(x: Any) -> Tensor:
    """The modified Bessel function of the first kind, order 0."""
    x = _t(x)
    dtype = standardize_dtype(x.dtype)
    if dtype in ("int64", "float64"):
        dtype = "float64"
    elif dtype not in ("bfloat16", "float16"):
        dtype = config.floatx()
    return torch.i0(cast(x, dtype))


# ---------------------------------------------------------------- complex parts
def _complex_input(x: Any) -> Tensor:
    return torch.from_numpy(x) if isinstance(x, np.ndarray) else _t(x)


def real(x: Any) -> Tensor:
    """The real part of ``x``."""
    x = _complex_input(x)
    return torch.real(x) if x.is_complex() else x


def imag(x: Any) -> Tensor:
    """The imaginary part of ``x`` (zeros for real inputs)."""
    x = _complex_input(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def conj(x: Any) -> Tensor:
    """The complex conjugate of ``x``."""
    return torch.conj(_complex_input(x)).resolve_conj()


conjugate = conj


def angle(x: Any) -> Tensor:
    """The argument (phase angle) of each element."""
    x = _complex_input(x)
    if not x.is_complex() and not x.is_floating_point():
        x = x.to(_floatx())
    return torch.angle(x)


# ---------------------------------------------------------------- arrays
def _sections(indices_or_sections: Union[int, Sequence[int]]) -> Union[int, List[int]]:
    if isinstance(indices_or_sections, (int, np.integer)):
        return int(indices_or_sections)
    return [int(i) for i in _t(indices_or_sections).tolist()]


def hsplit(x: Any, indices_or_sections: Union[int, Sequence[int]]) -> List[Tensor]:
    """``x`` split horizontally (axis 1; axis 0 for 1-D)."""
    return list(torch.hsplit(_t(x), _sections(indices_or_sections)))


def vsplit(x: Any, indices_or_sections: Union[int, Sequence[int]]) -> List[Tensor]:
    """``x`` split vertically (axis 0)."""
    return list(torch.vsplit(_t(x), _sections(indices_or_sections)))


def dsplit(x: Any, indices_or_sections: Union[int, Sequence[int]]) -> List[Tensor]:
    """``x`` split along axis 2."""
    return list(torch.dsplit(_t(x), _sections(indices_or_sections)))


def dstack(xs: Sequence[Any]) -> Tensor:
    """``xs`` stacked along axis 2 (after making them at least 3-D)."""
    xs = [_t(x) for x in xs]
    dtype = to_torch_dtype(result_type(*[x.dtype for x in xs]))
    return torch.dstack([x.to(dtype) for x in xs])


def diagflat(x: Any, k: int = 0) -> Tensor:
    """A 2-D tensor with the flattened ``x`` on its ``k``-th diagonal."""
    return torch.diagflat(_t(x), offset=k)


def kron(x1: Any, x2: Any) -> Tensor:
    """The Kronecker product of ``x1`` and ``x2``."""
    x1, x2 = _t(x1), _t(x2)
    dtype = to_torch_dtype(result_type(x1.dtype, x2.dtype))
    return torch.kron(x1.to(dtype), x2.to(dtype))


def rot90(array: Any, k: int = 1, axes: Tuple[int, int] = (0, 1)) -> Tensor:
    """``array`` rotated by 90 degrees ``k`` times in the plane of ``axes``."""
    array = _t(array)
    if array.ndim < 2:
        raise ValueError("Input array must have at least 2 dimensions. "
                         f"Received: array.ndim={array.ndim}")
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"Invalid axes: {axes}. Axes must be a tuple of two different "
                         "dimensions.")
    return torch.rot90(array, k=k, dims=tuple(a % array.ndim for a in axes))


def vander(x: Any, N: Optional[int] = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of the 1-D ``x``."""
    x = _t(x)
    return cast(torch.vander(x, N=N, increasing=increasing), result_type(x.dtype))


def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Tensor:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule."""
    y = _t(y)
    if not y.is_floating_point():
        y = y.to(_floatx())
    if x is not None:
        return torch.trapz(y, x=_t(x, y.dtype), dim=axis)
    return torch.trapz(y, dx=float(dx), dim=axis)


def corrcoef(x: Any) -> Tensor:
    """Pearson correlation coefficients of the rows of ``x``."""
    x = _t(x)
    if x.dtype == torch.bool or (not x.is_floating_point() and x.dtype != torch.int64):
        x = x.to(_floatx())
    elif x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.corrcoef(x)


def correlate(x1: Any, x2: Any, mode: str = "valid") -> Tensor:
    """Cross-correlation of two 1-D sequences (``mode``: 'valid', 'same' or 'full')."""
    x1, x2 = _t(x1), _t(x2)
    dtype = result_type(x1.dtype, x2.dtype)
    dtype = "float64" if dtype == "int64" else (
        dtype if dtype in ("bfloat16", "float16", "float64") else "float32")
    x1, x2 = cast(x1, dtype), cast(x2, dtype)
    n1, n2 = x1.shape[-1], x2.shape[-1]
    out = torch.nn.functional.conv1d(x1.reshape(1, 1, -1), x2.reshape(1, 1, -1),
                                     padding=n2 - 1).reshape(-1)  # (n1 + n2 - 1,)
    if mode == "valid":
        length = builtins.max(n1, n2) - builtins.min(n1, n2) + 1
    elif mode == "same":
        length = n1
    else:
        return out
    start = (out.shape[-1] - length) // 2
    return out[start:start + length]


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Tensor:
    """``num`` values spaced evenly on a log scale from ``start`` to ``stop``."""
    if dtype is None:
        dtype = result_type(_dtype_of(start), _dtype_of(stop), float)
    start_t, stop_t = _t(start, "float64"), _t(stop, "float64")
    out = logspace(torch.log10(torch.abs(start_t)), torch.log10(torch.abs(stop_t)), num=num,
                   endpoint=endpoint, base=10, dtype="float64", axis=axis)
    sign = torch.sign(start_t)
    if sign.ndim:
        sign = sign.unsqueeze(axis % out.ndim)
    out = out * sign
    if num > 0:  # the ends exactly, as NumPy
        index = [builtins.slice(None)] * out.ndim
        index[axis % out.ndim] = 0
        out[tuple(index)] = start_t
        if endpoint and num > 1:
            index[axis % out.ndim] = -1
            out[tuple(index)] = stop_t
    return out.to(to_torch_dtype(dtype))


def histogram(x: Any, bins: int = 10, range: Optional[Tuple[float, float]] = None  # noqa: A002
              ) -> Tuple[Tensor, Tensor]:
    """Counts of ``x`` in ``bins`` equal bins over ``range`` and the bin edges."""
    x = _t(x)
    if x.ndim != 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={x.shape}")
    if range is not None and range[0] >= range[1]:
        raise ValueError(f"`range` must be a tuple of (min, max) with min < max. "
                         f"Received: range={range}")
    lo, hi = (float(x.min()), float(x.max())) if range is None else map(float, range)
    edges = torch.linspace(lo, hi, bins + 1, dtype=x.dtype, device=x.device)
    counts = torch.histc(x.to(torch.float32), bins=bins, min=lo, max=hi)
    return counts.to(x.dtype), edges


def argpartition(x: Any, kth: int, axis: int = -1) -> Tensor:
    """Indices that partition ``x`` along ``axis`` so element ``kth`` is in sorted place
    (int32; the order within each side is Keras 3's torch order: ascending)."""
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), -1
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def unravel_index(indices: Any, shape: Sequence[int]) -> Tuple[Tensor, ...]:
    """The coordinates in an array of ``shape`` of the flat ``indices``."""
    indices = _t(indices)
    dtype = to_torch_dtype(result_type(indices.dtype))
    return tuple(i.to(dtype) for i in torch.unravel_index(indices, tuple(shape)))


def unique(x: Any, sorted: bool = True, return_index: bool = False,  # noqa: A002
           return_inverse: bool = False, return_counts: bool = False, axis: Optional[int] = None,
           size: Optional[int] = None, fill_value: Any = None) -> Any:
    """The sorted unique values of ``x`` (and first indices, inverse, counts as asked);
    ``size`` pads (with ``fill_value``) or truncates to a fixed length."""
    x = _t(x)
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True,
                                           return_counts=True, dim=axis)
    dim = 0 if axis is None else axis % x.ndim
    flat_inverse = inverse.reshape(-1)
    first = torch.full((values.shape[dim],), flat_inverse.numel(), dtype=torch.int64,
                       device=x.device).scatter_reduce(
        0, flat_inverse, torch.arange(flat_inverse.numel(), device=x.device), reduce="amin")
    if size is not None:
        have = values.shape[dim]
        if have >= size:
            values = values.narrow(dim, 0, size)
            counts, first = counts[:size], first[:size]
        else:
            pad = [0, 0] * values.ndim
            pad[(values.ndim - 1 - dim) * 2 + 1] = size - have
            values = torch.nn.functional.pad(values, pad, value=fill_value or 0)
            counts = torch.nn.functional.pad(counts, (0, size - have))
            first = torch.nn.functional.pad(first, (0, size - have))
    out = [values]
    if return_index:
        out.append(first)
    if return_inverse:
        out.append(inverse)
    if return_counts:
        out.append(counts)
    return out[0] if len(out) == 1 else tuple(out)


def view(x: Any, dtype: Any = None) -> Tensor:
    """``x``'s bytes reinterpreted as ``dtype``."""
    return _t(x).view(dtype=to_torch_dtype(dtype))


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = None,
              signature: Optional[str] = None) -> Callable[..., Any]:
    """``pyfunc`` mapped over the leading axis of its tensor arguments (``torch.vmap``
    applied per extra leading axis; ``signature`` core dims stay unmapped)."""
    excluded = set(excluded or ())
    core_ndims = None
    if signature is not None:
        inputs = signature.split("->")[0]
        core_ndims = [0 if not part.strip("() ") else len(part.split(","))
                      for part in inputs.replace(" ", "").split("),(")]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        tensors = [a if i in excluded else _t(a) for i, a in enumerate(args)]
        mapped = [i for i in range(len(args)) if i not in excluded]
        cores = core_ndims or [0] * len(args)
        batch = builtins.max(tensors[i].ndim - cores[k] for k, i in enumerate(mapped))
        if batch == 0:
            return pyfunc(*tensors, **kwargs)
        shape = torch.broadcast_shapes(*[tuple(tensors[i].shape[:tensors[i].ndim - cores[k]])
                                         for k, i in enumerate(mapped)])
        for k, i in enumerate(mapped):
            t = tensors[i]
            tensors[i] = t.expand(shape + tuple(t.shape[t.ndim - cores[k]:]))
        fn = pyfunc
        dims = tuple(0 if i in mapped else None for i in range(len(args)))
        for _ in shape:
            fn = torch.vmap(fn, in_dims=dims)
        return fn(*tensors, **kwargs)
    return wrapped


__all__ = sorted(n for n, v in list(globals().items()) if not n.startswith("_") and callable(v)
                 and getattr(v, "__module__", "") == __name__ and n[0].islower()) + [
    "bitwise_not", "conjugate", "left_shift", "right_shift"]
