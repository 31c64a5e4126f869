"""More ``keras.ops.nn`` functions: transposed and adaptive convolution/pooling, CTC,
space/depth rearrangements, fold/unfold and layer/RMS normalization, as Keras 3's torch
backend computes them (keras/src/backend/torch/nn.py, keras/src/ops/nn.py).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from torchkeras.backend import config
from torchkeras.backend.dtypes import result_type, standardize_dtype, to_torch_dtype
from torchkeras.ops.core import cast, convert_to_tensor
from torchkeras.ops.nn import _to_channels_first, _tuple

Tensor = torch.Tensor
IntOrSeq = Union[int, Sequence[int]]
_t = convert_to_tensor


def _transpose_pads(kernel: int, stride: int, dilation: int, padding: str,
                    output_padding: Optional[int]) -> Tuple[int, int]:
    """Keras's (left, right) padding of a transposed convolution (its JAX form)."""
    if padding.lower() not in ("valid", "same"):
        raise ValueError("The `padding` argument must be one of 'valid', 'same'. "
                         f"Received: padding={padding}")
    kernel = (kernel - 1) * dilation + 1
    if padding.lower() == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return kernel - 1, kernel - 1 + extra
    total = stride + kernel - 2 if output_padding is None else \
        kernel + kernel % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, kernel - 1)
    return left, total - left


def conv_transpose(inputs: Any, kernel: Any, strides: IntOrSeq = 1, padding: str = "valid",
                   output_padding: Optional[IntOrSeq] = None, data_format: Optional[str] = None,
                   dilation_rate: IntOrSeq = 1) -> Tensor:
    """Transposed N-D convolution; ``kernel`` is ``(*spatial, out_channels, in_channels)``."""
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError("Inputs to conv transpose operation should have ndim=3, 4, or 5,"
                         "corresponding to 1D, 2D and 3D inputs. Received input shape: "
                         f"{tuple(inputs.shape)}.")
    if not inputs.is_floating_point():
        inputs = inputs.to(to_torch_dtype(config.floatx()))
    strides, dilation = _tuple(strides, rank), _tuple(dilation_rate, rank)
    out_pad = [None] * rank if output_padding is None else list(_tuple(output_padding, rank))
    x, moved = _to_channels_first(inputs, data_format)
    if x.shape[1] != kernel.shape[-1]:
        raise ValueError("Input channel mismatch: the last dimension of the kernel must be the "
                         f"input channels. Received input channels {x.shape[1]} and kernel "
                         f"shape {tuple(kernel.shape)}.")
    weight = kernel.to(x.dtype).permute((rank + 1, rank) + tuple(range(rank)))  # (in, out, *k)
    fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[rank - 1]
    out = fn(x, weight, stride=strides, dilation=dilation)  # (batch, out, *spatial)
    index, pads = [slice(None), slice(None)], []
    for k, s, d, op in zip(kernel.shape[:rank], strides, dilation, out_pad):
        left, right = _transpose_pads(int(k), s, d, padding, op)
        effective = (int(k) - 1) * d + 1
        crop_l, crop_r = effective - 1 - left, effective - 1 - right
        index.append(slice(max(0, crop_l), -crop_r if crop_r > 0 else None))
        pads.append((max(0, -crop_l), max(0, -crop_r)))
    out = out[tuple(index)]
    if any(p != (0, 0) for p in pads):
        out = F.pad(out, [p for pair in reversed(pads) for p in pair])
    return torch.movedim(out, 1, -1) if moved else out


def _adaptive(kind: str, inputs: Any, output_size: IntOrSeq,
              data_format: Optional[str]) -> Tensor:
    inputs = _t(inputs)
    rank = inputs.ndim - 2
    if rank not in (1, 2, 3):
        name = "average" if kind == "avg" else "max"
        raise ValueError(f"Inputs to adaptive {name} pooling must have ndim=3, 4 or 5, "
                         f"Received input shape: {tuple(inputs.shape)}.")
    x, moved = _to_channels_first(inputs, data_format)
    size = _tuple(output_size, rank)
    if kind == "avg":
        out = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[rank - 1](
            x, size)
    else:
        out = (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d)[rank - 1](
            x, size)
    return torch.movedim(out, 1, -1) if moved else out


def adaptive_average_pool(inputs: Any, output_size: IntOrSeq,
                          data_format: Optional[str] = None) -> Tensor:
    """Average pooling to a fixed spatial ``output_size``."""
    return _adaptive("avg", inputs, output_size, data_format)


def adaptive_max_pool(inputs: Any, output_size: IntOrSeq,
                      data_format: Optional[str] = None) -> Tensor:
    """Max pooling to a fixed spatial ``output_size``."""
    return _adaptive("max", inputs, output_size, data_format)


def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any,
             mask_index: int = 0) -> Tensor:
    """Per-sample CTC loss of logits ``output`` ``(batch, steps, classes)`` against the
    ``target`` labels ``(batch, max_label_length)``."""
    target, output = _t(target), _t(output)
    output = cast(output, result_type(output.dtype, "float32"))
    log_probs = F.log_softmax(torch.transpose(output, 1, 0), dim=-1)  # (steps, batch, classes)
    return F.ctc_loss(log_probs, target.long(), _t(output_length).long(),
                      _t(target_length).long(), blank=mask_index, reduction="none")


def ctc_decode(inputs: Any, sequence_lengths: Any, strategy: str = "greedy",
               beam_width: int = 100, top_paths: int = 1, merge_repeated: bool = True,
               mask_index: int = 0) -> Tuple[Tensor, Tensor]:
    """Greedy CTC decoding: the labels ``(1, batch, steps)`` (-1 after the end) and the
    negative sum of the best logits ``(batch, 1)``."""
    if strategy != "greedy":
        if strategy == "beam_search":
            raise NotImplementedError("ctc_decode: strategy='beam_search' is not provided by "
                                      "torchkeras yet; use strategy='greedy'.")
        raise ValueError(f"Invalid strategy {strategy}. Supported values are 'greedy' and "
                         "'beam_search'.")
    inputs = _t(inputs)
    inputs = cast(inputs, result_type(inputs.dtype, "float32"))
    lengths = _t(sequence_lengths, "int32")
    batch, steps, classes = inputs.shape
    if mask_index is None:
        mask_index = classes - 1
    indices = torch.argmax(inputs, dim=-1).to(torch.int32)  # (batch, steps)
    scores = torch.max(inputs, dim=-1)[0]
    beyond = torch.arange(steps, device=inputs.device)[None, :] >= lengths[:, None]
    indices = torch.where(beyond, mask_index, indices)
    scores = torch.where(beyond, 0.0, scores)
    if merge_repeated:
        repeat = F.pad(indices[:, 1:] == indices[:, :-1], (1, 0, 0, 0))
        indices = torch.where(repeat, mask_index, indices)
    blank = indices == mask_index
    indices = torch.where(blank, -1, indices)
    order = torch.arange(steps, device=inputs.device)[None, :].expand(batch, steps)
    order = torch.argsort(torch.where(blank, steps, order), dim=-1, stable=True)
    indices = torch.take_along_dim(indices, order, dim=-1)
    return indices[None], -torch.sum(scores, dim=1)[:, None]


def depth_to_space(x: Any, block_size: int, data_format: str = "channels_last") -> Tensor:
    """Channels moved into ``block_size`` x ``block_size`` spatial blocks (as TensorFlow)."""
    x, b = _t(x), int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    x = x.reshape(n, c // (b * b), b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (b * b), h * b, w * b)


def space_to_depth(x: Any, block_size: int, data_format: str = "channels_last") -> Tensor:
    """``block_size`` x ``block_size`` spatial blocks moved into channels (as TensorFlow)."""
    x, b = _t(x), int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, c * b * b)
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)


def unfold(x: Any, kernel_size: IntOrSeq, dilation: IntOrSeq = 1, padding: IntOrSeq = 0,
           stride: IntOrSeq = 1) -> Tensor:
    """Sliding blocks of an ``(N, C, H, W)`` tensor as ``(N, C * kH * kW, L)`` (im2col)."""
    return F.unfold(_t(x), kernel_size=kernel_size, dilation=dilation, padding=padding,
                    stride=stride)


def fold(x: Any, output_size: IntOrSeq, kernel_size: IntOrSeq, dilation: IntOrSeq = 1,
         padding: IntOrSeq = 0, stride: IntOrSeq = 1) -> Tensor:
    """Blocks ``(N, C * kH * kW, L)`` summed back into ``(N, C, oH, oW)`` (col2im)."""
    return F.fold(_t(x), output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                  padding=padding, stride=stride)


def _axes(axis: IntOrSeq, ndim: int) -> Tuple[int, ...]:
    return tuple(sorted(a % ndim for a in ((axis,) if isinstance(axis, int) else axis)))


def _broadcast(v: Any, axes: Tuple[int, ...], x: Tensor) -> Tensor:
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    return _t(v).to(x.dtype).reshape(shape)


def layer_normalization(x: Any, gamma: Any = None, beta: Any = None, axis: IntOrSeq = -1,
                        epsilon: Optional[float] = None, **kwargs: Any) -> Tensor:
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` over ``axis`` (computed in at
    least float32)."""
    if kwargs.pop("rms_scaling", False):
        raise ValueError("You passed `rms_scaling=True`, which is deprecated. This argument "
                         "incorrectly scales the input by the variance, not the root mean "
                         "square. To correctly use RMS Normalization, please use "
                         "`keras.ops.rms_normalization` / `keras.ops.nn.rms_normalization` "
                         "instead.")
    x = _t(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    eps = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis, x.ndim)
    mean = torch.mean(x, dim=axes, keepdim=True)
    var = torch.var(x, dim=axes, keepdim=True, correction=0)
    out = (x - mean) * torch.rsqrt(var + eps)
    if gamma is not None:
        out = out * _broadcast(gamma, axes, x)
    if beta is not None:
        out = out + _broadcast(beta, axes, x)
    return out.to(original)


def rms_normalization(x: Any, scale: Any = None, axis: IntOrSeq = -1,
                      epsilon: Optional[float] = None) -> Tensor:
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis`` (computed in at least
    float32)."""
    x = _t(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    eps = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis, x.ndim)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + eps)
    if scale is not None:
        out = out * _broadcast(scale, axes, x)
    return out.to(original)


def polar(abs_: Any = None, angle: Any = None, **kwargs: Any) -> Tensor:
    """The complex tensor ``abs * exp(1j * angle)``."""
    magnitude = kwargs.pop("abs", abs_)
    magnitude, angle = _t(magnitude), _t(angle)
    dtype = to_torch_dtype(standardize_dtype(result_type(magnitude.dtype, angle.dtype, float)))
    return torch.polar(magnitude.to(dtype), angle.to(dtype))


__all__ = ["adaptive_average_pool", "adaptive_max_pool", "conv_transpose", "ctc_decode",
           "ctc_loss", "depth_to_space", "fold", "layer_normalization", "polar",
           "rms_normalization", "space_to_depth", "unfold"]
