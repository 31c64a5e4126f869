"""Pooling layers: Max/Average 1D/2D/3D, GlobalMax/GlobalAverage 1D/2D/3D, Keras 2 aliases.

``padding='same'`` follows TensorFlow: the TF 'SAME' pads (extra pixel at the end), max
pooling ignores the padding (-inf), average pooling divides by the number of real inputs
in each window, also where the pads are asymmetric.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch
import torch.nn.functional as F

from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec

__all__ = ["AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D",
           "AvgPool3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalMaxPooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D",
           "MaxPooling1D", "MaxPooling2D", "MaxPooling3D"]

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class _Pooling(Layer):
    """Windowed max/average pooling over ``rank`` spatial axes."""

    rank = 2
    mode = "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = conv_utils.normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = conv_utils.normalize_tuple(strides, self.rank, "strides",
                                                  allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = conv_utils.to_channels_first(inputs, self.data_format)  # (batch, ch, *spatial)
        pads = conv_utils.spatial_padding(x.shape[2:], self.pool_size, self.strides,
                                          (1,) * self.rank, self.padding)
        spec, symmetric = conv_utils.torch_padding(pads)
        if self.mode == "max":
            x = conv_utils.pad_spatial(x, spec, value=float("-inf"))
            y = _MAX[self.rank](x, self.pool_size, self.strides, symmetric)
        elif spec is None:
            y = _AVG[self.rank](x, self.pool_size, self.strides, symmetric,
                                count_include_pad=False)
        else:  # asymmetric 'same': window sum / number of real inputs in the window
            window_mean = _AVG[self.rank](conv_utils.pad_spatial(x, spec), self.pool_size,
                                          self.strides)
            ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
            real_fraction = _AVG[self.rank](conv_utils.pad_spatial(ones, spec), self.pool_size,
                                            self.strides)
            y = window_mean / real_fraction
        return conv_utils.from_channels_first(y, self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        spatial = conv_utils.spatial_dims(input_shape, self.rank, self.data_format)
        out = [conv_utils.conv_output_length(n, k, self.padding, s)
               for n, k, s in zip(spatial, self.pool_size, self.strides)]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        return conv_utils.with_spatial(input_shape, out, channels, self.data_format)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding,
                       "strides": self.strides, "data_format": self.data_format})
        return config


class MaxPooling1D(_Pooling):
    """Max over windows of (batch, steps, channels)."""

    rank, mode = 1, "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last", **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Mean over windows of (batch, steps, channels)."""

    rank, mode = 1, "avg"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last", **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """Max over windows of (batch, rows, cols, channels).

    >>> MaxPooling2D()(np.ones((1, 5, 5, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    rank, mode = 2, "max"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Mean over windows of (batch, rows, cols, channels)."""

    rank, mode = 2, "avg"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pooling):
    """Max over windows of (batch, d1, d2, d3, channels)."""

    rank, mode = 3, "max"

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None,
                 padding: str = "valid", data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pooling):
    """Mean over windows of (batch, d1, d2, d3, channels)."""

    rank, mode = 3, "avg"

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None,
                 padding: str = "valid", data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    """Max/mean over all spatial axes; ``keepdims`` keeps them as size 1."""

    rank = 2
    mode = "max"

    def __init__(self, data_format: Optional[str] = None, keepdims: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self) -> tuple:
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.rank))

    def build(self, input_shape: Any) -> None:
        for axis in self._axes():
            if input_shape[axis] == 0:
                raise ValueError(f"Incorrect input shape {tuple(input_shape)} with dimension 0 "
                                 f"at reduction axis {axis}.")
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.mode == "max":
            return torch.amax(inputs, dim=self._axes(), keepdim=self.keepdims)
        return torch.mean(inputs, dim=self._axes(), keepdim=self.keepdims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalMaxPooling1D(_GlobalPooling):
    """Max over the steps of (batch, steps, channels)."""

    rank, mode = 1, "max"

    def __init__(self, data_format: str = "channels_last", keepdims: bool = False,
                 **kwargs: Any):
        super().__init__(data_format, keepdims, **kwargs)


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps of (batch, steps, channels); masked steps are left out."""

    rank, mode = 1, "avg"

    def __init__(self, data_format: str = "channels_last", keepdims: bool = False,
                 **kwargs: Any):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if mask is None:
            return super().call(inputs)
        steps_axis = self._axes()[0]
        weights = mask.to(inputs.dtype).unsqueeze(2 if steps_axis == 1 else 1)  # (b, steps, 1)
        total = torch.sum(inputs * weights, dim=steps_axis, keepdim=self.keepdims)
        return total / torch.sum(weights, dim=steps_axis, keepdim=self.keepdims)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None


class GlobalMaxPooling2D(_GlobalPooling):
    """Max over rows and cols of (batch, rows, cols, channels)."""

    rank, mode = 2, "max"


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over rows and cols of (batch, rows, cols, channels)."""

    rank, mode = 2, "avg"


class GlobalMaxPooling3D(_GlobalPooling):
    """Max over the three spatial axes."""

    rank, mode = 3, "max"


class GlobalAveragePooling3D(_GlobalPooling):
    """Mean over the three spatial axes."""

    rank, mode = 3, "avg"


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D,
                                                     GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
