"""Keras 3's audio front ends: ``STFTSpectrogram`` (a strided Fourier convolution with
trainable kernels) and ``MelSpectrogram`` (STFT, mel filter bank, decibels)."""
from __future__ import annotations

import math
import warnings
from typing import Any, Dict, Optional

import torch
import torch.nn.functional as F

from torchkeras import initializers
from torchkeras.backend.config import epsilon, image_data_format
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.ops import math_extra

__all__ = ["MelSpectrogram", "STFTSpectrogram"]

_WINDOWS = {"hann": torch.hann_window, "hamming": torch.hamming_window,
            "blackman": torch.blackman_window, "bartlett": torch.bartlett_window,
            "boxcar": lambda n, periodic=True, dtype=None: torch.ones(n, dtype=dtype)}


def _window(window: Any, length: int, periodic: bool) -> Optional[torch.Tensor]:
    """``scipy.signal.get_window(window, length, fftbins=periodic)`` for common windows."""
    if window is None:
        return None
    if isinstance(window, str):
        if window not in _WINDOWS:
            raise ValueError(f"Unknown window type: {window}. torchkeras supports "
                             f"{sorted(_WINDOWS)} (scipy.signal.get_window names).")
        return _WINDOWS[window](length, periodic=periodic, dtype=torch.float64)
    win = torch.as_tensor(window, dtype=torch.float64)
    if win.dim() != 1 or win.shape[-1] != length:
        raise ValueError("The shape of `window` must be equal to [frame_length].Received: "
                         f"window shape={tuple(win.shape)}")
    return win


def stft_kernel(side: str, window: Any, scaling: Optional[str], periodic: bool,
                frame_length: int, bins: int) -> torch.Tensor:
    """Keras 3's ``initializers.STFT``: (frame_length, 1, bins) cosine or sine kernel."""
    # float32 throughout, in Keras's order: the near-zero sines (DC, Nyquist) keep their sign.
    fft_length = (bins - 1) * 2
    freq = torch.arange(bins, dtype=torch.float32).reshape(1, 1, bins) / fft_length
    time = torch.arange(frame_length, dtype=torch.float32).reshape(frame_length, 1, 1)
    args = (-2 * time) * freq * torch.arccos(torch.tensor(-1.0))
    kernel = torch.cos(args) if side == "real" else torch.sin(args)
    win = _window(window, frame_length, periodic)
    if win is not None:
        win = win.float().reshape(frame_length, 1, 1)
        scale: Any = 1.0
        if scaling == "density":
            scale = torch.sqrt(torch.sum(win ** 2))
        elif scaling == "spectrum":
            scale = torch.sum(win.abs())
        kernel = kernel * win / scale
    return kernel


class STFTSpectrogram(Layer):
    """Spectrogram of (batch, time, channels) signals by convolution with Fourier kernels."""

    def __init__(self, mode: str = "log", frame_length: int = 256,
                 frame_step: Optional[int] = None, fft_length: Optional[int] = None,
                 window: Any = "hann", periodic: bool = False, scaling: Optional[str] = "density",
                 padding: str = "valid", expand_dims: bool = False,
                 data_format: Optional[str] = None, **kwargs: Any):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError("`frame_step` should be a positive integer not greater than "
                             f"`frame_length`. Received frame_step={frame_step}, "
                             f"frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError("`fft_length` should be not less than `frame_length`. Received "
                             f"fft_length={fft_length}, frame_length={frame_length}")
        if fft_length is not None and fft_length & -fft_length != fft_length:
            warnings.warn("`fft_length` is recommended to be a power of two. Received "
                          f"fft_length={fft_length}")
        modes = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]
        if mode not in modes:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(modes)}. "
                             f"Received: mode={mode}")
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise ValueError("Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                             f"Received scaling={scaling}")
        if padding not in ["valid", "same"]:
            raise ValueError("Padding is invalid, it should be 'valid', 'same'. Received: "
                             f"padding={padding}")
        _window(window, 1, periodic)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = data_format or image_data_format()
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: Any) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        for side in ("real", "imag"):
            if (side == "real" and self.mode == "imag") or (side == "imag" and self.mode == "real"):
                continue
            kernel = stft_kernel(side, self.window, self.scaling, self.periodic, *shape[::2])
            weight = self.add_weight(f"{side}_kernel", shape,
                                     initializer=initializers.Constant(0.0))
            with torch.no_grad():
                weight.copy_(kernel)
            setattr(self, f"{side}_kernel", weight)
        super().build(input_shape)

    def _conv(self, signals: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
        """(batch, channels, time) -> (batch, channels, bins, frames)."""
        batch, channels, steps = signals.shape
        x = signals.reshape(batch * channels, 1, steps)
        weight = kernel.to(x.dtype).permute(2, 1, 0)  # (bins, 1, frame_length)
        if self.padding == "same":
            frames = -(-steps // self._frame_step)
            total = max((frames - 1) * self._frame_step + self.frame_length - steps, 0)
            x = F.pad(x, (total // 2, total - total // 2))
        out = F.conv1d(x, weight, stride=self._frame_step)  # (batch*channels, bins, frames)
        return out.reshape(batch, channels, out.shape[1], out.shape[2])

    def _adjust(self, outputs: torch.Tensor) -> torch.Tensor:
        batch, channels, bins, frames = outputs.shape
        if self.data_format == "channels_last":
            if self.expand_dims:
                return outputs.permute(0, 3, 2, 1)  # (batch, frames, bins, channels)
            return outputs.reshape(batch, channels * bins, frames).transpose(1, 2)
        if self.expand_dims:
            return outputs.transpose(2, 3)  # (batch, channels, frames, bins)
        return outputs.reshape(batch, channels * bins, frames)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dtype not in (torch.float16, torch.float32, torch.float64):
            raise TypeError("Invalid input type. Expected `float16`, `float32` or `float64`. "
                            f"Received: input type={inputs.dtype}")
        signals = inputs.transpose(1, 2) if self.data_format == "channels_last" else inputs
        real = self._conv(signals, self.real_kernel) if self.mode != "imag" else None
        imag = self._conv(signals, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._adjust(real)
        if self.mode == "imag":
            return self._adjust(imag)
        if self.mode == "angle":
            return self._adjust(torch.atan2(imag, real))
        if self.mode == "stft":
            return self._adjust(torch.cat([real, imag], dim=2))
        power = real ** 2 + imag ** 2
        if self.mode == "psd":
            return self._adjust(power + F.pad(power[:, :, 1:-1, :], (0, 0, 1, 1)))
        linear = self._adjust(torch.sqrt(torch.clamp(power, min=epsilon())))
        if self.mode == "magnitude":
            return linear
        return torch.log(torch.clamp(linear, min=epsilon()))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        batch = input_shape[0]
        if self.data_format == "channels_last":
            steps, channels = input_shape[1], input_shape[2]
        else:
            channels, steps = input_shape[1], input_shape[2]
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        if steps is None:
            frames = None
        elif self.padding == "same":
            frames = -(-steps // self._frame_step)
        else:
            frames = (steps - self.frame_length) // self._frame_step + 1
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, bins, channels)
            return (batch, channels, frames, bins)
        if self.data_format == "channels_last":
            return (batch, frames, bins * channels)
        return (batch, bins * channels, frames)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"mode": self.mode, "frame_length": self.frame_length,
                       "frame_step": self.frame_step, "fft_length": self.fft_length,
                       "window": self.window, "periodic": self.periodic,
                       "scaling": self.scaling, "padding": self.padding,
                       "data_format": self.data_format, "expand_dims": self.expand_dims})
        return config


_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(hertz: torch.Tensor) -> torch.Tensor:
    return _MEL_HIGH_FREQUENCY_Q * torch.log(1.0 + hertz / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins: int, num_spectrogram_bins: int,
                                sampling_rate: float, lower_edge_hertz: float,
                                upper_edge_hertz: float) -> torch.Tensor:
    """(num_spectrogram_bins, num_mel_bins) triangular filters (``tf.signal``'s)."""
    nyquist = float(sampling_rate) / 2.0
    linear = torch.linspace(0.0, nyquist, num_spectrogram_bins)[1:]
    bins_mel = _hertz_to_mel(linear)[:, None]  # (bins - 1, 1)
    edges = torch.linspace(float(_hertz_to_mel(torch.tensor(float(lower_edge_hertz)))),
                           float(_hertz_to_mel(torch.tensor(float(upper_edge_hertz)))),
                           num_mel_bins + 2)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = torch.clamp(torch.minimum(lower_slopes, upper_slopes), min=0.0)
    return F.pad(weights, (0, 0, 1, 0))  # the DC bin gets no weight


class MelSpectrogram(Layer):
    """(batch, samples) audio -> (batch, num_mel_bins, frames) mel spectrogram (dB)."""

    def __init__(self, fft_length: int = 2048, sequence_stride: int = 512,
                 sequence_length: Optional[int] = None, window: Any = "hann",
                 sampling_rate: int = 16000, num_mel_bins: int = 128, min_freq: float = 20.0,
                 max_freq: Optional[float] = None, power_to_db: bool = True,
                 top_db: float = 80.0, mag_exp: float = 2.0, min_power: float = 1e-10,
                 ref_power: float = 1.0, **kwargs: Any):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError("`fft_length` must be greater than or equal to   "
                             f"`sequence_length`. Received: `sequence_length`="
                             f"{self.sequence_length}, `fft_length`={self.fft_length}.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = torch.as_tensor(inputs)
        x = x if x.dtype in (torch.float32, torch.float64) else x.float()
        real, imag = math_extra.stft(x, self.sequence_length, self.sequence_stride,
                                     self.fft_length, window=self.window, center=True)
        spec = torch.sqrt(real ** 2 + imag ** 2) ** self.mag_exp  # (..., frames, bins)
        matrix = linear_to_mel_weight_matrix(self.num_mel_bins, spec.shape[-1],
                                             self.sampling_rate, self.min_freq,
                                             self.max_freq).to(spec.device, spec.dtype)
        out = torch.tensordot(spec, matrix, dims=1)  # (..., frames, mel)
        if self.power_to_db:
            log_spec = 10.0 * torch.log10(torch.clamp(out, min=self.min_power))
            log_spec = log_spec - 10.0 * math.log10(max(abs(self.ref_power), self.min_power))
            out = torch.maximum(log_spec, log_spec.max() - self.top_db)
        return out.transpose(-1, -2).float()  # (..., mel, frames)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        steps = input_shape[-1]
        frames = None if steps is None else 1 + steps // self.sequence_stride
        return tuple(input_shape[:-1]) + (self.num_mel_bins, frames)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                       "sequence_length": self.sequence_length, "window": self.window,
                       "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                       "min_freq": self.min_freq, "max_freq": self.max_freq,
                       "power_to_db": self.power_to_db, "top_db": self.top_db,
                       "mag_exp": self.mag_exp, "min_power": self.min_power,
                       "ref_power": self.ref_power})
        return config
