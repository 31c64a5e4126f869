"""Convolution layers: Conv1D, Conv2D, Conv3D (and Keras 2's ``Convolution*D`` aliases).

Keras outside: channels_last inputs, kernels ``(*kernel_size, in // groups, filters)`` through
``get_weights``. Torch inside: the kernel is stored ``(filters, in // groups, *kernel_size)``
and a channels_last input reaches ``F.conv{1,2,3}d`` as a permuted view (no copy).
``padding='same'`` follows TensorFlow's arithmetic for every stride, kernel and dilation.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch
import torch.nn.functional as F

from torchkeras import activations, constraints, initializers, regularizers
from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.weights import WeightLayout

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]

CONV_FUNCTIONS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


CHANNELS_LAST_FORMATS = {2: torch.channels_last, 3: torch.channels_last_3d}


def kernel_layout(rank: int, data_format: str = "channels_first") -> WeightLayout:
    """Keras ``(*k, in, out)`` <-> torch ``(out, in, *k)`` (``permute(3, 2, 0, 1)`` in 2-D).

    For channels_last data the 2-D/3-D kernel is stored with channels_last strides (memory
    order ``(out, *k, in)``): the input reaches the convolution as a channels_last view, and
    a kernel in the same memory format spares oneDNN/cuDNN a weight copy on every call.
    """
    spatial = tuple(range(rank))
    memory_format = torch.contiguous_format
    if data_format == "channels_last":
        memory_format = CHANNELS_LAST_FORMATS.get(rank, memory_format)
    return WeightLayout(
        to_keras=lambda w: w.permute(*range(2, 2 + rank), 1, 0),
        from_keras=lambda w: w.permute(rank + 1, rank, *spatial),
        memory_format=memory_format)


class Conv(Layer):
    """Base of the N-D convolutions (tf-keras ``Conv``); not exported."""

    def __init__(self, rank: int, filters: Optional[int], kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = filters
        self.groups = groups or 1
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._validate_init()

    # ------------------------------------------------------------ validation
    def _validate_init(self) -> None:
        if self.filters is not None and self.filters % self.groups != 0:
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={self.groups}, filters={self.filters}")
        if not all(self.kernel_size):
            raise ValueError("The argument `kernel_size` cannot contain 0(s). Received: "
                             f"{self.kernel_size}")
        if not all(self.strides):
            raise ValueError(f"The argument `strides` cannot contains 0(s). Received: "
                             f"{self.strides}")
        if self.padding == "causal" and not self._allows_causal():
            raise ValueError("Causal padding is only supported for `Conv1D`and "
                             "`SeparableConv1D`.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > "
                             f"1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    def _allows_causal(self) -> bool:
        return False

    def _channel_axis(self) -> int:
        return -1 - self.rank if self.data_format == "channels_first" else -1

    def _input_channels(self, input_shape: Sequence[Optional[int]]) -> int:
        axis = self._channel_axis()
        if input_shape[axis] is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {tuple(input_shape)}, where axis {axis} "
                             "(0-based) is the channel dimension, which found to be `None`.")
        return int(input_shape[axis])

    # ----------------------------------------------------------------- build
    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        channels = self._input_channels(input_shape)
        if channels % self.groups != 0:
            raise ValueError("The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the input "
                             f"has {channels} channels (full input shape is {input_shape}).")
        self.compute_output_shape(input_shape)  # validates the output size
        self.kernel = self.add_weight(
            "kernel", self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            layout=kernel_layout(self.rank, self.data_format))
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        super().build(input_shape)

    # ------------------------------------------------------------------ call
    def _pad(self, x: torch.Tensor) -> tuple:
        """Pad a channels_first ``x`` as Keras does; returns (x, symmetric torch padding)."""
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            return F.pad(x, (left, 0)), (0,)
        pads = conv_utils.spatial_padding(x.shape[2:], self.kernel_size, self.strides,
                                          self.dilation_rate, self.padding)
        spec, symmetric = conv_utils.torch_padding(pads)
        return conv_utils.pad_spatial(x, spec), symmetric

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, in, *spatial) -> (batch, filters, *out_spatial)."""
        x, padding = self._pad(x)
        return CONV_FUNCTIONS[self.rank](x, self.kernel, self.bias, self.strides, padding,
                                         self.dilation_rate, self.groups)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        batch_shape = inputs.shape[:-self.rank - 1]
        if len(batch_shape) != 1:  # extra batch dims, as tf-keras's squeeze_batch_dims
            inputs = inputs.reshape((-1,) + tuple(inputs.shape[-self.rank - 1:]))
        x = conv_utils.to_channels_first(inputs, self.data_format)  # (batch, in, *spatial)
        y = conv_utils.from_channels_first(self._convolve(x), self.data_format)
        if len(batch_shape) != 1:
            y = y.reshape(tuple(batch_shape) + tuple(y.shape[1:]))
        return self.activation(y)

    # ----------------------------------------------------------------- shape
    def _spatial_output_shape(self, spatial: Sequence[Optional[int]]) -> list:
        return [conv_utils.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = list(input_shape)
        batch_rank = len(input_shape) - self.rank - 1
        if self.data_format == "channels_last":
            spatial = self._spatial_output_shape(input_shape[batch_rank:-1])
            output = input_shape[:batch_rank] + spatial + [self.filters]
        else:
            spatial = self._spatial_output_shape(input_shape[batch_rank + 1:])
            output = input_shape[:batch_rank] + [self.filters] + spatial
        if any(d is not None and d <= 0 for d in spatial):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{input_shape} which would produce output shape with a zero or negative "
                "value in a dimension.")
        return tuple(output)

    # ---------------------------------------------------------------- config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class Conv1D(Conv):
    """1-D convolution over (batch, steps, channels); ``padding='causal'`` pads on the left.

    >>> Conv1D(4, 3, padding="causal")(np.ones((2, 10, 3))).shape
    torch.Size([2, 10, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate: Any = 1, groups: int = 1,
                 activation: Any = None, use_bias: bool = True, **kwargs: Any):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)

    def _allows_causal(self) -> bool:
        return True


class Conv2D(Conv):
    """2-D convolution over (batch, rows, cols, channels); kernel (kh, kw, in, filters).

    >>> Conv2D(8, 3, padding="same", strides=2)(np.ones((1, 7, 7, 3))).shape
    torch.Size([1, 4, 4, 8])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1), groups: int = 1, activation: Any = None,
                 use_bias: bool = True, **kwargs: Any):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


class Conv3D(Conv):
    """3-D convolution over (batch, d1, d2, d3, channels); kernel (k1, k2, k3, in, filters)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1, 1), groups: int = 1, activation: Any = None,
                 use_bias: bool = True, **kwargs: Any):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
