"""Transposed convolutions: Conv1DTranspose, Conv2DTranspose, Conv3DTranspose.

Keras kernel ``(*kernel_size, filters, in)``; torch ``conv_transpose`` weight
``(in, filters, *kernel_size)``. Output sizes follow tf-keras's ``deconv_output_length`` and the
crop/pad of the full transposed convolution follows TensorFlow's ``conv{N}d_transpose``:
``before = max((n-1)*s + (k-1)*d + 1 - out, 0) // 2`` for 'same', 0 for 'valid'.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch
import torch.nn.functional as F

from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.conv import Conv, kernel_layout
from torchkeras.layers.input_spec import InputSpec

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution1DTranspose",
           "Convolution2DTranspose", "Convolution3DTranspose"]

TRANSPOSE_FUNCTIONS = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


class ConvTranspose(Conv):
    """Base of the N-D transposed convolutions; not exported."""

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", output_padding: Any = None,
                 data_format: Optional[str] = None, dilation_rate: Any = 1, **kwargs: Any):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, rank,
                                                             "output_padding", allow_zero=True)
            for stride, out_pad in zip(self.strides, self.output_padding):
                if out_pad >= stride:
                    raise ValueError("Strides must be greater than output padding. Received "
                                     f"strides={self.strides}, "
                                     f"output_padding={self.output_padding}.")

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Inputs should have rank {self.rank + 2}. Received "
                             f"input_shape={input_shape}.")
        axis = self._channel_axis()
        if input_shape[axis] is None:
            raise ValueError(
                f"The channel dimension of the inputs to `{type(self).__name__}` should be "
                f"defined. The input_shape received is {input_shape}, where axis {axis} "
                "(0-based) is the channel dimension, which found to be `None`.")
        channels = int(input_shape[axis])
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.kernel = self.add_weight(
            "kernel", self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, layout=kernel_layout(self.rank))
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        Layer.build(self, input_shape)

    def _output_lengths(self, spatial: Sequence[Optional[int]]) -> list:
        pads = self.output_padding or (None,) * self.rank
        return [conv_utils.deconv_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d
                in zip(spatial, self.kernel_size, pads, self.strides, self.dilation_rate)]

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, in, *spatial) -> (batch, filters, *out_spatial), as TF's conv_transpose."""
        spatial = x.shape[2:]
        targets = self._output_lengths(spatial)
        padding, output_padding, fixes = [], [], []
        for n, k, s, d, out in zip(spatial, self.kernel_size, self.strides,
                                   self.dilation_rate, targets):
            full = (n - 1) * s + (k - 1) * d + 1  # length with no cropping
            before = max(full - out, 0) // 2 if self.padding == "same" else 0
            extra = out - (full - 2 * before)  # what torch's output_padding must add
            if 0 <= extra < max(s, d):
                padding.append(before), output_padding.append(extra), fixes.append(0)
            else:  # crop (extra < 0) or zero-pad (extra too large) the end afterwards
                padding.append(before), output_padding.append(0), fixes.append(extra)
        y = TRANSPOSE_FUNCTIONS[self.rank](x, self.kernel, self.bias, self.strides,
                                           tuple(padding), tuple(output_padding), 1,
                                           self.dilation_rate)
        if any(fixes):
            spec = []
            for fix in reversed(fixes):
                spec += [0, fix]
            y = F.pad(y, spec)  # negative pads crop
            if self.bias is not None and any(f > 0 for f in fixes):
                y = y + _bias_on_padding(y, self.bias, fixes)
        return y

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        spatial = conv_utils.spatial_dims(input_shape, self.rank, self.data_format)
        return conv_utils.with_spatial(input_shape, self._output_lengths(spatial), self.filters,
                                       self.data_format)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["output_padding"] = self.output_padding
        return config


def _bias_on_padding(y: torch.Tensor, bias: torch.Tensor, fixes: Sequence[int]) -> torch.Tensor:
    """The bias on the zero-padded end positions (they hold only the bias in TF)."""
    mask = torch.zeros(y.shape[2:], dtype=y.dtype, device=y.device)
    for axis, fix in enumerate(fixes):
        if fix > 0:
            index = [slice(None)] * len(fixes)
            index[axis] = slice(y.shape[2 + axis] - fix, None)
            mask[tuple(index)] = 1.0
    return mask * bias.reshape((-1,) + (1,) * len(fixes))


class Conv1DTranspose(ConvTranspose):
    """Transposed 1-D convolution; kernel (k, filters, in)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: Optional[str] = None,
                 dilation_rate: Any = 1, **kwargs: Any):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


class Conv2DTranspose(ConvTranspose):
    """Transposed 2-D convolution; kernel (kh, kw, filters, in).

    >>> Conv2DTranspose(4, 3, strides=2, padding="same")(np.ones((1, 5, 5, 2))).shape
    torch.Size([1, 10, 10, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", output_padding: Any = None,
                 data_format: Optional[str] = None, dilation_rate: Any = (1, 1), **kwargs: Any):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


class Conv3DTranspose(ConvTranspose):
    """Transposed 3-D convolution; kernel (k1, k2, k3, filters, in)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", output_padding: Any = None,
                 data_format: Optional[str] = None, dilation_rate: Any = (1, 1, 1),
                 **kwargs: Any):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
