"""More ``keras.ops`` math functions: FFTs and STFT on (real, imag) pairs, ``cdist``,
``erfc``, ``segment_min``/``segment_prod`` and complex views, as Keras 3's torch backend
computes them (keras/src/backend/torch/math.py).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
import torch.nn.functional as F

from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import standardize_dtype
from torchkeras.ops.core import convert_to_tensor
from torchkeras.ops.math import _f, _segment

Tensor = torch.Tensor
Pair = Tuple[Tensor, Tensor]
_t = convert_to_tensor


def _complex(x: Any) -> Tensor:
    """The complex tensor of a ``(real, imag)`` pair of float tensors."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError("Input `x` should be a tuple of two tensors - real and imaginary."
                         f"Received: x={x}")
    real, imag = _t(x[0]), _t(x[1])
    if real.shape != imag.shape:
        raise ValueError("Input `x` should be a tuple of two tensors - real and imaginary."
                         "Both the real and imaginary parts should have the same shape. "
                         f"Received: x[0].shape = {tuple(real.shape)}, "
                         f"x[1].shape = {tuple(imag.shape)}")
    if not real.is_floating_point() or not imag.is_floating_point():
        raise ValueError(f"At least one tensor in input `x` is not of type float.Received: x={x}.")
    return torch.complex(real, imag)


def _pair(z: Tensor) -> Pair:
    return z.real, z.imag


def fft(x: Any) -> Pair:
    """FFT over the last axis of ``(real, imag)``; returns ``(real, imag)``."""
    return _pair(torch.fft.fft(_complex(x)))


def fft2(x: Any) -> Pair:
    """2-D FFT over the last two axes of ``(real, imag)``."""
    return _pair(torch.fft.fft2(_complex(x)))


def ifft2(x: Any) -> Pair:
    """Inverse 2-D FFT over the last two axes of ``(real, imag)``."""
    return _pair(torch.fft.ifft2(_complex(x)))


def rfft(x: Any, fft_length: Optional[int] = None) -> Pair:
    """FFT of a real signal over its last axis: ``(real, imag)`` of the unique bins."""
    return _pair(torch.fft.rfft(_t(x), n=fft_length, dim=-1, norm="backward"))


def irfft(x: Any, fft_length: Optional[int] = None) -> Tensor:
    """Inverse of :func:`rfft`: the real signal."""
    return torch.fft.irfft(_complex(x), n=fft_length, dim=-1, norm="backward")


def _window(window: Any, length: int, dtype: torch.dtype) -> Optional[Tensor]:
    if window is None:
        return None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError("If a string is passed to `window`, it must be one of `\"hann\"`, "
                             f"`\"hamming\"`. Received: window={window}")
        fn = torch.hann_window if window == "hann" else torch.hamming_window
        return fn(length, periodic=True, dtype=dtype, device=get_device())
    win = _t(window, dtype)
    if win.ndim != 1 or win.shape[-1] != length:
        raise ValueError("The shape of `window` must be equal to [sequence_length]."
                         f"Received: window shape={tuple(win.shape)}")
    return win


def stft(x: Any, sequence_length: int, sequence_stride: int, fft_length: int,
         window: Any = "hann", center: bool = True) -> Pair:
    """Short-time Fourier transform over the last axis: ``(real, imag)`` of shape
    ``(..., frames, fft_length // 2 + 1)``."""
    x = _t(x)
    if standardize_dtype(x.dtype) not in ("float32", "float64"):
        raise TypeError(f"Invalid input type. Expected `float32` or `float64`. Received: input "
                        f"type={standardize_dtype(x.dtype)}")
    if fft_length < sequence_length:
        raise ValueError("`fft_length` must equal or larger than `sequence_length`. Received: "
                         f"sequence_length={sequence_length}, fft_length={fft_length}")
    win = _window(window, sequence_length, x.dtype)
    if win is None:
        win = torch.ones((sequence_length,), dtype=x.dtype, device=x.device)
    *batch, samples = x.shape
    z = torch.stft(x.reshape(-1, samples), n_fft=fft_length, hop_length=sequence_stride,
                   win_length=sequence_length, window=win, center=center, return_complex=True)
    z = z.reshape(tuple(batch) + tuple(z.shape[-2:]))  # (..., bins, frames)
    return _pair(torch.swapaxes(z, -2, -1))


def _overlap_add(frames: Tensor, stride: int) -> Tensor:
    """Frames ``(..., n, length)`` summed at ``stride`` offsets into ``(..., samples)``."""
    *batch, n, length = frames.shape
    if stride > length:
        raise ValueError("`sequence_stride` must equal or less than x.shape[-1]. Received: "
                         f"sequence_stride={stride}, x.shape[-1]={length}")
    size = stride * (n - 1) + length
    cols = frames.reshape(-1, n, length).transpose(1, 2)  # (b, length, n)
    out = F.fold(cols, output_size=(1, size), kernel_size=(1, length), stride=(1, stride))
    return out.reshape(tuple(batch) + (size,))


def istft(x: Any, sequence_length: int, sequence_stride: int, fft_length: int,
          length: Optional[int] = None, window: Any = "hann", center: bool = True) -> Tensor:
    """Inverse short-time Fourier transform of ``(real, imag)`` frames."""
    z = _complex(x)
    dtype = z.real.dtype
    win = _window(window, sequence_length, dtype)
    frames = torch.fft.irfft(z, n=fft_length, dim=-1)  # (..., n, fft_length)
    if win is not None:
        left = (fft_length - sequence_length) // 2
        win = F.pad(win, (left, fft_length - sequence_length - left))
        overlaps = -(-fft_length // sequence_stride)
        denom = F.pad(torch.square(win), (0, overlaps * sequence_stride - fft_length))
        denom = denom.reshape(overlaps, sequence_stride).sum(0, keepdim=True)
        denom = denom.tile(overlaps, 1).reshape(-1)
        frames = frames * (win / denom[:fft_length])
    out = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = -(fft_length // 2)
    else:
        end = fft_length + sequence_stride * (frames.shape[-2] - 1)
    return out[..., start:end]


def cdist(x: Any, y: Any) -> Tensor:
    """Euclidean distances between the rows of ``x`` ``(..., n, d)`` and ``y``
    ``(..., m, d)``: ``(..., n, m)``."""
    x, y = _t(x), _t(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match")
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)  # (..., n, m, d)
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


def erfc(x: Any) -> Tensor:
    """The complementary error function ``1 - erf(x)``."""
    return torch.erfc(_f(x))


def segment_min(data: Any, segment_ids: Any, num_segments: Optional[int] = None,
                sorted: bool = False) -> Tensor:  # noqa: A002 (Keras's name)
    """Minimum of the rows of ``data`` sharing a segment id."""
    return _segment("amin", data, segment_ids, num_segments)


def segment_prod(data: Any, segment_ids: Any, num_segments: Optional[int] = None,
                 sorted: bool = False) -> Tensor:  # noqa: A002
    """Product of the rows of ``data`` sharing a segment id (1 for empty segments)."""
    data, ids = _t(data), _t(segment_ids).long()
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    valid = (ids >= 0) & (ids < num_segments)
    data, ids = data[valid], ids[valid]
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    out = torch.ones((num_segments,) + tuple(data.shape[1:]), dtype=data.dtype,
                     device=data.device)
    return out.scatter_reduce(0, index, data, reduce="prod", include_self=True)


def view_as_complex(x: Any) -> Tensor:
    """A complex tensor from ``x`` whose last axis (size 2) holds (real, imag)."""
    x = _t(x)
    if x.shape[-1] != 2:
        raise ValueError(f"Last dimension of input must be size 2 (real and imaginary). "
                         f"Received shape: {tuple(x.shape)}")
    return torch.view_as_complex(x.contiguous())


def view_as_real(x: Any) -> Tensor:
    """The real tensor ``(..., 2)`` of (real, imag) parts of the complex ``x``."""
    x = _t(x)
    if not x.is_complex():
        raise ValueError("Input must be a complex tensor.")
    return torch.view_as_real(x)


__all__ = ["cdist", "erfc", "fft", "fft2", "ifft2", "irfft", "istft", "rfft", "segment_min",
           "segment_prod", "stft", "view_as_complex", "view_as_real"]
