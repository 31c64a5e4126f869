"""``tf.signal``: the short-time Fourier transform tutorials take spectrograms with
(``stft``, and the ``frame``/``hann_window``/``hamming_window``/``rfft`` it is made of), with
TensorFlow's arithmetic: float32 raised-cosine windows whose periodic form has an odd length's
symmetric denominator, frames without end padding unless ``pad_end``, and an ``fft_length``
of the smallest power of two at least ``frame_length``."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np
import torch

__all__ = ["frame", "hann_window", "hamming_window", "rfft", "stft"]


def _float_tensor(value: Any, name: str) -> torch.Tensor:
    tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    if not tensor.is_floating_point():
        raise TypeError(f"`tf.signal.{name}` expects a float tensor, received dtype "
                        f"{tensor.dtype}.")
    return tensor


def _raised_cosine(name: str, window_length: int, periodic: bool, dtype: Any,
                   a: float, b: float) -> torch.Tensor:
    """TF's ``_raised_cosine_window``: ``a - b * cos(2 pi n / N)`` computed in ``dtype``."""
    window_length = int(window_length)
    if window_length < 0:
        raise ValueError(f"`tf.signal.{name}`: window_length must be non-negative, received "
                         f"{window_length}.")
    dtype = torch.float32 if dtype is None else dtype
    if window_length == 1:
        return torch.ones(1, dtype=dtype)
    even = 1 - window_length % 2
    denominator = torch.tensor(window_length + int(bool(periodic)) * even - 1, dtype=dtype)
    count = torch.arange(window_length, dtype=dtype)  # (window_length,)
    argument = torch.tensor(2 * np.pi, dtype=dtype) * count / denominator
    return (a - b * torch.cos(argument)).to(dtype)


def hann_window(window_length: int, periodic: bool = True, dtype: Any = torch.float32,
                name: Optional[str] = None) -> torch.Tensor:
    """``0.5 - 0.5 cos(2 pi n / N)`` (``N`` = length, or length - 1 when symmetric or odd)."""
    return _raised_cosine("hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length: int, periodic: bool = True, dtype: Any = torch.float32,
                   name: Optional[str] = None) -> torch.Tensor:
    """``0.54 - 0.46 cos(2 pi n / N)`` as :func:`hann_window`."""
    return _raised_cosine("hamming_window", window_length, periodic, dtype, 0.54, 0.46)


def frame(signal: Any, frame_length: int, frame_step: int, pad_end: bool = False,
          pad_value: float = 0, axis: int = -1, name: Optional[str] = None) -> torch.Tensor:
    """Frames of ``frame_length`` every ``frame_step`` along ``axis``: ``(..., frames,
    frame_length, ...)``; without ``pad_end`` only the frames that fit."""
    x = signal if isinstance(signal, torch.Tensor) else torch.as_tensor(np.asarray(signal))
    frame_length, frame_step = int(frame_length), int(frame_step)
    if frame_length <= 0 or frame_step <= 0:
        raise ValueError("`tf.signal.frame`: frame_length and frame_step must be positive, "
                         f"received frame_length={frame_length}, frame_step={frame_step}.")
    axis = axis % x.dim() if x.dim() else 0
    x = torch.movedim(x, axis, -1)  # (..., samples)
    samples = x.shape[-1]
    if pad_end:
        frames = -(-samples // frame_step)
        needed = max(0, (frames - 1) * frame_step + frame_length - samples)
        x = torch.nn.functional.pad(x, (0, needed), value=pad_value) if needed else x
    else:
        frames = max(0, 1 + (samples - frame_length) // frame_step) if samples >= frame_length \
            else 0
    if frames == 0:
        out = x.new_zeros(tuple(x.shape[:-1]) + (0, frame_length))
    else:
        out = x.unfold(-1, frame_length, frame_step)[..., :frames, :]  # (..., frames, length)
    out = torch.movedim(out, (-2, -1), (axis, axis + 1))
    return out.contiguous()


def rfft(input_tensor: Any, fft_length: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """The real FFT of the innermost axis, cropped or zero-padded to ``fft_length``:
    complex64 for float32 input (complex128 for float64), ``fft_length // 2 + 1`` bins."""
    x = _float_tensor(input_tensor, "rfft")
    n = None
    if fft_length is not None:
        n = int(np.asarray(fft_length).reshape(-1)[0])
    return torch.fft.rfft(x, n=n, dim=-1)


def stft(signals: Any, frame_length: int, frame_step: int, fft_length: Optional[int] = None,
         window_fn: Optional[Callable[..., torch.Tensor]] = hann_window, pad_end: bool = False,
         name: Optional[str] = None) -> torch.Tensor:
    """``rfft(frame(signals) * window_fn(frame_length))``: complex64 ``(..., frames,
    fft_length // 2 + 1)``; ``fft_length`` defaults to the next power of two."""
    x = _float_tensor(signals, "stft")
    frame_length, frame_step = int(frame_length), int(frame_step)
    if fft_length is None:
        fft_length = 1 << math.ceil(math.log2(frame_length)) if frame_length > 1 else 1
    frames = frame(x, frame_length, frame_step, pad_end=pad_end)  # (..., frames, frame_length)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=x.dtype)
    return rfft(frames, [int(fft_length)])  # (..., frames, fft_length // 2 + 1)
