"""``LocallyConnected1D/2D`` (Keras 2 only): convolutions with unshared weights, in tf-keras's
three ``implementation`` modes and their weight layouts, so Keras 2 files load::

    1: kernel (prod(out), prod(kernel_size) * channels_in, filters)   ('valid' only)
    2: kernel (*in, channels_in, *out, filters) masked to the receptive fields
       (channels_first: (channels_in, *in, filters, *out))
    3: kernel (n,) values of a sparse (prod(out) * filters, prod(in) * channels_in) matrix
       at tf-keras's ``conv_kernel_idxs`` (sorted)
    bias (*out, filters) for both data formats (channels_first adds it *reshaped* to
    (1, filters, *out), as tf-keras's ``bias_add`` does)

Mode 1 runs on unfolded patches (one batched matmul), modes 2 and 3 as one dense matmul.
"""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import torch

from torchkeras import activations, constraints, initializers, regularizers
from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec

__all__ = ["LocallyConnected1D", "LocallyConnected2D"]


def _connected_inputs(input_shape: Sequence[int], kernel: Sequence[int],
                      position: Sequence[int], strides: Sequence[int],
                      padding: str) -> List[range]:
    """tf-keras ``conv_connected_inputs``: the input ranges feeding one output position."""
    ranges = []
    for d, size in enumerate(input_shape):
        left = int(kernel[d] / 2)
        right = kernel[d] - left
        center = position[d] * strides[d] + (left if padding == "valid" else 0)
        ranges.append(range(max(0, center - left), min(size, center + right)))
    return ranges


def _kernel_mask(input_shape: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
                 padding: str, output_shape: Sequence[int], data_format: str) -> np.ndarray:
    """tf-keras's ``get_locallyconnected_mask``: float 0/1, (*in, 1, *out, 1) or
    (1, *in, 1, *out)."""
    mask = np.zeros(tuple(input_shape) + tuple(output_shape), bool)
    for out_pos in itertools.product(*[range(d) for d in output_shape]):
        for in_pos in itertools.product(*_connected_inputs(input_shape, kernel, out_pos,
                                                           strides, padding)):
            mask[in_pos + out_pos] = True
    rank = len(input_shape)
    if data_format == "channels_first":
        mask = np.expand_dims(np.expand_dims(mask, 0), rank + 1)
    else:
        mask = np.expand_dims(np.expand_dims(mask, rank), -1)
    return mask.astype("float32")


def _kernel_idxs(input_shape: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
                 padding: str, output_shape: Sequence[int], filters_in: int,
                 filters_out: int, data_format: str) -> List[Tuple[int, int]]:
    """tf-keras's ``conv_kernel_idxs``, sorted: (output index, input index) pairs."""
    def concat(spatial: Tuple[int, ...], channel: int) -> Tuple[int, ...]:
        return (channel,) + spatial if data_format == "channels_first" else spatial + (channel,)

    idxs = []
    for out_pos in itertools.product(*[range(d) for d in output_shape]):
        for in_pos in itertools.product(*_connected_inputs(input_shape, kernel, out_pos,
                                                           strides, padding)):
            for f_in in range(filters_in):
                for f_out in range(filters_out):
                    out_idx = np.ravel_multi_index(concat(out_pos, f_out),
                                                   concat(tuple(output_shape), filters_out))
                    in_idx = np.ravel_multi_index(concat(in_pos, f_in),
                                                  concat(tuple(input_shape), filters_in))
                    idxs.append((int(out_idx), int(in_idx)))
    return sorted(idxs)


class _LocallyConnected(Layer):
    """Shared by the 1D and 2D layers (``_rank`` spatial dimensions)."""

    _rank = 1

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Any = None, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None,
                 implementation: int = 1, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.filters = int(filters)
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, self._rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, self._rank, "strides",
                                                  allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding != "valid" and implementation == 1:
            raise ValueError(f"Invalid border mode for {name} (only \"valid\" is supported if "
                             f"implementation is 1): {padding}")
        if implementation not in (1, 2, 3):
            raise ValueError("Unrecognized implementation mode: %d." % implementation)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.implementation = implementation
        self.input_spec = InputSpec(ndim=self._rank + 2)

    # ------------------------------------------------------------------ build
    def _split(self, shape: Sequence[Any]) -> Tuple[List[Any], Any]:
        if self.data_format == "channels_first":
            return list(shape[2:]), shape[1]
        return list(shape[1:-1]), shape[-1]

    def _out_spatial(self, spatial: Sequence[Any]) -> List[Any]:
        return [conv_utils.conv_output_length(n, k, self.padding, s)
                for n, k, s in zip(spatial, self.kernel_size, self.strides)]

    def build(self, input_shape: Any) -> None:
        spatial, channels = self._split(tuple(input_shape))
        if channels is None or None in spatial:
            raise ValueError(f"{type(self).__name__}: the spatial dimensions and channels of "
                             f"the input must be fully defined. Found shape: {input_shape}")
        out = self._out_spatial(spatial)
        if min(out) <= 0:
            raise ValueError(
                "One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{tuple(input_shape)} which would produce output shape with a zero or "
                "negative value in a dimension.")
        self._in_spatial, self._channels_in, self._out = list(spatial), channels, out
        first = self.data_format == "channels_first"
        if self.implementation == 1:
            shape = (int(np.prod(out)), int(np.prod(self.kernel_size)) * channels, self.filters)
        elif self.implementation == 2:
            shape = ((channels, *spatial, self.filters, *out) if first
                     else (*spatial, channels, *out, self.filters))
            self.register_buffer("kernel_mask", torch.as_tensor(_kernel_mask(
                spatial, self.kernel_size, self.strides, self.padding, out, self.data_format)),
                persistent=False)
        else:
            idxs = _kernel_idxs(spatial, self.kernel_size, self.strides, self.padding, out,
                                channels, self.filters, self.data_format)
            self.kernel_shape = (int(np.prod(out)) * self.filters,
                                 int(np.prod(spatial)) * channels)
            self.kernel_idxs = idxs
            flat = np.asarray(idxs, dtype=np.int64)
            self.register_buffer("_flat_idxs", torch.as_tensor(
                flat[:, 0] * self.kernel_shape[1] + flat[:, 1]), persistent=False)
            shape = (len(idxs),)
        self.kernel = self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", (*out, self.filters),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        super().build(input_shape)

    # ---------------------------------------------------------------- calling
    def _patches(self, inputs: torch.Tensor) -> torch.Tensor:
        """(batch, prod(out), features) in tf-keras's ``local_conv`` feature order."""
        first = self.data_format == "channels_first"
        x = inputs
        offset = 2 if first else 1
        for d, (k, s) in enumerate(zip(self.kernel_size, self.strides)):
            x = x.unfold(offset + d, k, s)  # window dims appended at the end
        # channels_last: (batch, *out, C, *k) -> (batch, *out, *k, C)
        # channels_first: (batch, C, *out, *k) -> (batch, *out, C, *k)
        rank = self._rank
        if first:
            order = [0] + list(range(2, 2 + rank)) + [1] + list(range(2 + rank, 2 + 2 * rank))
        else:
            order = [0] + list(range(1, 1 + rank)) + list(range(2 + rank, 2 + 2 * rank)) \
                + [1 + rank]
        x = x.permute(order)
        return x.reshape(x.shape[0], int(np.prod(self._out)), -1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        batch = inputs.shape[0]
        first = self.data_format == "channels_first"
        out_shape = ((self.filters, *self._out) if first else (*self._out, self.filters))
        if self.implementation == 1:
            patches = self._patches(inputs)  # (batch, positions, features)
            output = torch.einsum("bpf,pfo->bpo", patches, self.kernel)  # (batch, pos, filters)
            output = output.reshape(batch, *self._out, self.filters)
            if first:
                output = torch.movedim(output, -1, 1)
        elif self.implementation == 2:
            kernel = self.kernel * self.kernel_mask
            split = kernel.dim() // 2
            kernel = kernel.reshape(int(np.prod(kernel.shape[:split])), -1)  # (in, out)
            output = torch.matmul(inputs.reshape(batch, -1), kernel).reshape(batch, *out_shape)
        else:
            dense = torch.zeros(self.kernel_shape[0] * self.kernel_shape[1],
                                dtype=self.kernel.dtype, device=self.kernel.device)
            dense = dense.index_put((self._flat_idxs,), self.kernel)
            dense = dense.reshape(self.kernel_shape)  # (out_size, in_size)
            output = torch.matmul(inputs.reshape(batch, -1), dense.T).reshape(batch, *out_shape)
        if self.bias is not None:
            if first:
                output = output + self.bias.reshape((1, self.filters, *self._out))
            else:
                output = output + self.bias
        return self.activation(output)

    def compute_output_shape(self, input_shape: Any) -> Tuple[Any, ...]:
        spatial, _ = self._split(tuple(input_shape))
        out = tuple(self._out_spatial(spatial))
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + out
        return (input_shape[0],) + out + (self.filters,)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "implementation": self.implementation,
        })
        return config


class LocallyConnected1D(_LocallyConnected):
    """Unshared-weight 1D convolution of ``(batch, steps, channels)`` (Keras 2).

    >>> LocallyConnected1D(4, 3)(np.ones((2, 10, 5))).shape
    torch.Size([2, 8, 4])
    """
    _rank = 1


class LocallyConnected2D(_LocallyConnected):
    """Unshared-weight 2D convolution of ``(batch, rows, cols, channels)`` (Keras 2).

    >>> LocallyConnected2D(4, 3)(np.ones((2, 6, 6, 2))).shape
    torch.Size([2, 4, 4, 4])
    """
    _rank = 2
