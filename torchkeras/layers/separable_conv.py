"""Separable convolutions: SeparableConv1D, SeparableConv2D (and ``SeparableConvolution*D``).

A depthwise convolution (strides, padding, dilation) followed by a 1x1 pointwise one, as
TensorFlow's ``separable_conv2d``. Keras weights: depthwise_kernel ``(*k, in, m)``,
pointwise_kernel ``(1, ..., in * m, filters)``, bias ``(filters,)``.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras import constraints, initializers, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.conv import CONV_FUNCTIONS, Conv, kernel_layout
from torchkeras.layers.depthwise_conv import depthwise_layout
from torchkeras.layers.input_spec import InputSpec

__all__ = ["SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
           "SeparableConvolution2D"]


class SeparableConv(Conv):
    """Base of the separable convolutions; not exported."""

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, depth_multiplier: int = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axis = self._channel_axis()
        if input_shape[axis] is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis {axis} "
                             "(0-based) is the channel dimension, which found to be `None`.")
        channels = int(input_shape[axis])
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        multiplier = self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            layout=depthwise_layout(self.rank, channels, multiplier))
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (multiplier * channels, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, layout=kernel_layout(self.rank))
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        Layer.build(self, input_shape)

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, in, *spatial) -> depthwise (batch, in * m, ...) -> (batch, filters, ...)."""
        x, padding = self._pad(x)
        conv = CONV_FUNCTIONS[self.rank]
        depthwise = conv(x, self.depthwise_kernel, None, self.strides, padding,
                         self.dilation_rate, x.shape[1])
        return conv(depthwise, self.pointwise_kernel, self.bias)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        })
        return config


class SeparableConv1D(SeparableConv):
    """Depthwise-separable 1-D convolution (``padding='causal'`` allowed)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: Optional[str] = None, dilation_rate: Any = 1,
                 depth_multiplier: int = 1, **kwargs: Any):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)

    def _allows_causal(self) -> bool:
        return True


class SeparableConv2D(SeparableConv):
    """Depthwise-separable 2-D convolution.

    >>> SeparableConv2D(8, 3, padding="same")(np.ones((1, 6, 6, 3))).shape
    torch.Size([1, 6, 6, 8])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1, **kwargs: Any):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
