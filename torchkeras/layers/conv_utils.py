"""Argument checks and padding arithmetic shared by the convolution and pooling layers.

The formulas are TensorFlow's (tf-keras ``utils/conv_utils.py`` and the TF kernels):
``padding='same'`` gives ``out = ceil(n / s)`` and pads ``total = max((out-1)*s + (k-1)*d + 1
- n, 0)`` pixels, ``total // 2`` before and the rest after (the extra pixel at the end).
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from torchkeras import backend


def normalize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> Tuple[int, ...]:
    """``value`` (an int or n ints) as a tuple of n ints, with Keras's error message."""
    error_msg = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, int):
        value_tuple = (value,) * n
    else:
        try:
            value_tuple = tuple(value)
        except TypeError:
            raise ValueError(error_msg) from None
        if len(value_tuple) != n:
            raise ValueError(error_msg)
        for single_value in value_tuple:
            try:
                int(single_value)
            except (ValueError, TypeError):
                raise ValueError(error_msg + f"including element {single_value} of type "
                                 f"{type(single_value)}") from None
        value_tuple = tuple(int(v) for v in value_tuple)
    bad = {v for v in value_tuple if (v < 0 if allow_zero else v <= 0)}
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(error_msg + f" including {bad} that does not satisfy the "
                         f"requirement `{requirement}`.")
    return value_tuple


def normalize_data_format(value: Optional[str]) -> str:
    if value is None:
        value = backend.image_data_format()
    data_format = value.lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return data_format


def normalize_padding(value: Any) -> str:
    padding = value.lower()
    if padding not in {"valid", "same", "causal"}:
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                         f'"same" (or "causal", only for `Conv1D). Received: {padding}')
    return padding


def conv_output_length(length: Optional[int], kernel: int, padding: str, stride: int,
                       dilation: int = 1) -> Optional[int]:
    """Output length of a convolution or pooling (tf-keras ``conv_output_length``)."""
    if length is None:
        return None
    dilated = kernel + (kernel - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = length
    elif padding == "valid":
        out = length - dilated + 1
    else:  # full
        out = length + dilated - 1
    return (out + stride - 1) // stride


def deconv_output_length(length: Optional[int], kernel: int, padding: str,
                         output_padding: Optional[int] = None, stride: int = 0,
                         dilation: int = 1) -> Optional[int]:
    """Output length of a transposed convolution (tf-keras ``deconv_output_length``)."""
    if length is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        if padding == "full":
            return length * stride - (stride + kernel - 2)
        return length * stride
    pad = {"same": kernel // 2, "valid": 0, "full": kernel - 1}[padding]
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def same_padding(length: int, kernel: int, stride: int, dilation: int = 1) -> Tuple[int, int]:
    """(before, after) padding of TensorFlow's 'SAME' for one spatial axis."""
    out = -(-length // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


def spatial_padding(spatial: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
                    dilation: Sequence[int], padding: str) -> List[Tuple[int, int]]:
    """(before, after) per spatial axis for 'valid' / 'same'."""
    if padding != "same":
        return [(0, 0)] * len(spatial)
    return [same_padding(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilation)]


def torch_padding(pads: Sequence[Tuple[int, int]]) -> Tuple[Optional[Tuple[int, ...]],
                                                             Tuple[int, ...]]:
    """Split per-axis pads into (explicit ``F.pad`` spec or None, symmetric torch padding).

    Symmetric pads go to the torch kernel; asymmetric ones are applied with ``F.pad``.
    """
    if all(before == after for before, after in pads):
        return None, tuple(before for before, _ in pads)
    spec: List[int] = []
    for before, after in reversed(pads):  # F.pad lists the last axis first
        spec += [before, after]
    return tuple(spec), (0,) * len(pads)


def pad_spatial(x: torch.Tensor, spec: Optional[Tuple[int, ...]], value: float = 0.0
                ) -> torch.Tensor:
    """``F.pad`` a channels_first tensor's spatial axes (no-op for ``spec=None``)."""
    if spec is None:
        return x
    return F.pad(x, spec, value=value)


def to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """A channels_first *view* of ``x`` (``x.permute(0, 3, 1, 2)`` for NHWC): no copy."""
    if data_format == "channels_first":
        return x
    return x.movedim(-1, 1)


def from_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """The inverse view of :func:`to_channels_first`."""
    if data_format == "channels_first":
        return x
    return x.movedim(1, -1)


def spatial_dims(shape: Sequence[Optional[int]], rank: int, data_format: str) -> list:
    """The ``rank`` spatial sizes of a (batch, ..., channels) or (batch, channels, ...) shape."""
    if data_format == "channels_first":
        return list(shape[2:2 + rank])
    return list(shape[1:1 + rank])


def with_spatial(shape: Sequence[Optional[int]], spatial: Sequence[Optional[int]],
                 channels: Optional[int], data_format: str) -> tuple:
    """(batch, *spatial, channels) or (batch, channels, *spatial)."""
    if data_format == "channels_first":
        return (shape[0], channels) + tuple(spatial)
    return (shape[0],) + tuple(spatial) + (channels,)
