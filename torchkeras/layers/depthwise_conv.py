"""Depthwise convolutions: DepthwiseConv1D, DepthwiseConv2D.

Keras kernel ``(*kernel_size, in, depth_multiplier)``; torch runs a grouped convolution
(``groups=in``) with the weight ``(in * depth_multiplier, 1, *kernel_size)``; output channel
``c * depth_multiplier + m`` as in TensorFlow.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras import constraints, initializers, regularizers
from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.conv import CONV_FUNCTIONS, Conv
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.weights import WeightLayout

__all__ = ["DepthwiseConv1D", "DepthwiseConv2D"]


def depthwise_layout(rank: int, channels: int, multiplier: int) -> WeightLayout:
    """Keras ``(*k, in, m)`` <-> torch ``(in * m, 1, *k)``."""
    spatial = tuple(range(rank))
    return WeightLayout(
        to_keras=lambda w: w.reshape((channels, multiplier) + tuple(w.shape[2:])).permute(
            *range(2, 2 + rank), 0, 1),
        from_keras=lambda w: w.permute(rank, rank + 1, *spatial).reshape(
            (channels * multiplier, 1) + tuple(w.shape[:rank])))


class DepthwiseConv(Conv):
    """Base of the depthwise convolutions (tf-keras ``DepthwiseConv``); not exported."""

    def __init__(self, rank: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 depth_multiplier: int = 1, data_format: Optional[str] = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(rank, None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"Inputs to `DepthwiseConv` should have rank {self.rank + 2}. "
                             f"Received input_shape={input_shape}.")
        axis = self._channel_axis()
        if input_shape[axis] is None:
            raise ValueError(
                "The channel dimension of the inputs to `DepthwiseConv` should be defined. "
                f"The input_shape received is {input_shape}, where axis {axis} (0-based) is "
                "the channel dimension, which found to be `None`.")
        channels = int(input_shape[axis])
        self._channels = channels
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            layout=depthwise_layout(self.rank, channels, self.depth_multiplier))
        if self.use_bias:
            self.bias = self.add_weight("bias", (channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: channels})
        Layer.build(self, input_shape)

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, in, *spatial) -> (batch, in * multiplier, *out_spatial)."""
        x, padding = self._pad(x)
        return CONV_FUNCTIONS[self.rank](x, self.depthwise_kernel, self.bias, self.strides,
                                         padding, self.dilation_rate, x.shape[1])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        channels = input_shape[self._channel_axis()]
        out = None if channels is None else channels * self.depth_multiplier
        spatial = conv_utils.spatial_dims(input_shape, self.rank, self.data_format)
        return conv_utils.with_spatial(input_shape, self._spatial_output_shape(spatial), out,
                                       self.data_format)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config["depth_multiplier"] = self.depth_multiplier
        config["depthwise_initializer"] = initializers.serialize(self.depthwise_initializer)
        config["depthwise_regularizer"] = regularizers.serialize(self.depthwise_regularizer)
        config["depthwise_constraint"] = constraints.serialize(self.depthwise_constraint)
        return config


class DepthwiseConv1D(DepthwiseConv):
    """Depthwise 1-D convolution: each input channel convolved with its own kernels."""

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 depth_multiplier: int = 1, data_format: Optional[str] = None,
                 dilation_rate: Any = 1, **kwargs: Any):
        super().__init__(1, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, **kwargs)


class DepthwiseConv2D(DepthwiseConv):
    """Depthwise 2-D convolution; kernel (kh, kw, in, depth_multiplier).

    >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 5, 5, 3))).shape
    torch.Size([1, 3, 3, 6])
    """

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1), **kwargs: Any):
        super().__init__(2, kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, **kwargs)
