"""``keras.ops.nn``: activations, losses, convolutions and normalisation on torch.

Tensor layout is Keras's (channels_last by default); kernels are Keras-shaped
``(*spatial, in_channels, out_channels)`` and are permuted to torch's OIHW here.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from torchkeras.backend import config
from torchkeras.backend.dtypes import result_type, to_torch_dtype
from torchkeras.ops.core import convert_to_tensor

Tensor = torch.Tensor
_t = convert_to_tensor
IntOrSeq = Union[int, Sequence[int]]


def _f(x: Any) -> Tensor:
    x = _t(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(config.floatx()))


_FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))
_torch_relu, _torch_sigmoid = torch.relu, torch.sigmoid


def relu(x: Any) -> Tensor:
    """``max(x, 0)``."""
    if type(x) is Tensor and x.dtype in _FLOATS:  # fast path: a float tensor
        return _torch_relu(x)
    return torch.relu(_f(x))


def relu6(x: Any) -> Tensor:
    """``min(max(x, 0), 6)``."""
    return F.relu6(_f(x))


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    if type(x) is Tensor and x.dtype in _FLOATS:  # fast path: a float tensor
        return _torch_sigmoid(x)
    return torch.sigmoid(_f(x))


def sparse_sigmoid(x: Any) -> Tensor:
    """Piecewise-linear sigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = _f(x)
    return torch.clip(0.5 * (x + 1.0), 0.0, 1.0)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``."""
    return F.softplus(_f(x))


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``."""
    return F.softsign(_f(x))


def silu(x: Any) -> Tensor:
    """``x * sigmoid(x)``."""
    return F.silu(_f(x))


swish = silu


def log_sigmoid(x: Any) -> Tensor:
    """``log(sigmoid(x))``."""
    return F.logsigmoid(_f(x))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return F.leaky_relu(_f(x), negative_slope=negative_slope)


def hard_sigmoid(x: Any) -> Tensor:
    """``relu6(x + 3) / 6``."""
    return F.hardsigmoid(_f(x))


def hard_silu(x: Any) -> Tensor:
    """``x * relu6(x + 3) / 6``."""
    return F.hardswish(_f(x))


hard_swish = hard_silu


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return F.elu(_f(x), alpha=alpha)


def selu(x: Any) -> Tensor:
    """Scaled ELU (scale 1.0507..., alpha 1.6732...)."""
    return F.selu(_f(x))


def celu(x: Any, alpha: float = 1.0) -> Tensor:
    """Continuously-differentiable ELU."""
    return F.celu(_f(x), alpha=alpha)


def gelu(x: Any, approximate: bool = True) -> Tensor:
    """Gaussian error linear unit (Keras 3 defaults to the tanh approximation)."""
    return F.gelu(_f(x), approximate="tanh" if approximate else "none")


def glu(x: Any, axis: int = -1) -> Tensor:
    """Gated linear unit: the first half of ``axis`` times sigmoid of the second."""
    return F.glu(_f(x), dim=axis)


def hard_tanh(x: Any) -> Tensor:
    """``clip(x, -1, 1)``."""
    return F.hardtanh(_f(x))


def soft_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return F.softshrink(_f(x), lambd=threshold)


def hard_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x`` where ``|x| > threshold``, else 0."""
    return F.hardshrink(_f(x), lambd=threshold)


def tanh_shrink(x: Any) -> Tensor:
    """``x - tanh(x)``."""
    return F.tanhshrink(_f(x))


def squareplus(x: Any, b: float = 4) -> Tensor:
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = _f(x)
    return (x + torch.sqrt(torch.square(x) + b)) / 2


def sparse_plus(x: Any) -> Tensor:
    """0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` between."""
    x = _f(x)
    return torch.where(x <= -1, torch.zeros_like(x),
                       torch.where(x < 1, torch.square(x + 1) / 4, x))


def threshold(x: Any, threshold: float, default_value: float) -> Tensor:
    """``x`` where ``x > threshold``, else ``default_value``."""
    return F.threshold(_f(x), threshold, default_value)


def _axis_op(fn, x: Any, axis: Optional[Union[int, Sequence[int]]]) -> Tensor:
    x = _f(x)
    if axis is None:
        return fn(x.reshape(-1), dim=0).reshape(x.shape)
    if isinstance(axis, int):
        return fn(x, dim=axis)
    axes = sorted(a % x.ndim for a in axis)
    rest = [d for d in range(x.ndim) if d not in axes]
    moved = x.permute(rest + axes)
    flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
    out = fn(flat, dim=-1).reshape(moved.shape)
    inverse = [0] * x.ndim
    for i, d in enumerate(rest + axes):
        inverse[d] = i
    return out.permute(inverse)


def softmax(x: Any, axis: Optional[Union[int, Sequence[int]]] = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` over ``axis`` (``None``: all axes)."""
    return _axis_op(torch.softmax, x, axis)


def log_softmax(x: Any, axis: Optional[Union[int, Sequence[int]]] = -1) -> Tensor:
    """``x - logsumexp(x)`` over ``axis``."""
    return _axis_op(torch.log_softmax, x, axis)


def sparsemax(x: Any, axis: int = -1) -> Tensor:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    x = _f(x)
    z = torch.sort(x, dim=axis, descending=True).values
    shape = [1] * x.ndim
    shape[axis] = -1
    k = torch.arange(1, x.shape[axis] + 1, dtype=x.dtype, device=x.device).reshape(shape)
    cum = torch.cumsum(z, dim=axis)
    support = (1 + k * z) > cum
    k_z = torch.sum(support.to(x.dtype), dim=axis, keepdim=True)
    tau = (torch.gather(cum, axis, (k_z - 1).long()) - 1) / k_z
    return torch.clip(x - tau, min=0)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None,
            sparse: bool = False) -> Tensor:
    """One-hot encoding of integer ``x`` (negative indices give all zeros)."""
    x = _t(x).long()
    out = F.one_hot(torch.clip(x + 1, min=0), num_classes + 1)[..., 1:]
    out = out.to(to_torch_dtype(dtype or config.floatx()))
    return out if axis == -1 else torch.movedim(out, -1, axis)


def multi_hot(inputs: Any, num_classes: int, axis: int = -1, dtype: Any = None,
              sparse: bool = False) -> Tensor:
    """Multi-hot encoding: the one-hot vectors of the last axis OR-ed together."""
    inputs = _t(inputs)
    reduce_axis = 0 if inputs.ndim == 1 else -2
    hot = one_hot(inputs, num_classes, dtype=dtype)
    out = torch.amax(hot, dim=reduce_axis)
    return out if axis == -1 else torch.movedim(out, -1, axis)


def _check_same_shape(target: Tensor, output: Tensor, what: str = "") -> None:
    if target.shape != output.shape:
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary crossentropy (probabilities clipped to ``[eps, 1 - eps]``)."""
    target, output = _f(target), _f(output)
    _check_same_shape(target, output)
    target = target.to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clip(output, eps, 1.0 - eps)
    return F.binary_cross_entropy(output, target, reduction="none")


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                             axis: int = -1) -> Tensor:
    """Crossentropy of one-hot (or soft) ``target`` against ``output`` along ``axis``."""
    target, output = _f(target), _f(output)
    _check_same_shape(target, output)
    if target.ndim < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1. "
                         f"Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clip(output, eps, 1.0 - eps))
    return -torch.sum(target.to(log_prob.dtype) * log_prob, dim=axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> Tensor:
    """Crossentropy of integer ``target`` against ``output`` along ``axis``."""
    target, output = _t(target).long(), _f(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = torch.squeeze(target, dim=-1)
    if output.ndim < 1:
        raise ValueError("Argument `output` must be at least rank 1. "
                         f"Received: output.shape={tuple(output.shape)}")
    if tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError("Arguments `target` and `output` must have the same shape up until "
                         f"the last dimension: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clip(output, eps, 1.0 - eps))
    picked = one_hot(target, output.shape[axis], axis=axis, dtype=log_prob.dtype)
    return -torch.sum(picked * log_prob, dim=axis)


def moments(x: Any, axes: Sequence[int], keepdims: bool = False,
            synchronized: bool = False) -> Tuple[Tensor, Tensor]:
    """Mean and population variance of ``x`` over ``axes`` (float16 computed in float32)."""
    x = _t(x)
    ori = x.dtype
    compute = torch.float32 if ori in (torch.float16, torch.bfloat16) or \
        not x.is_floating_point() else ori
    x = x.to(compute)
    axes = tuple(axes)
    mean = torch.mean(x, dim=axes, keepdim=True)
    variance = torch.mean(torch.square(x), dim=axes, keepdim=True) - torch.square(mean)
    variance = torch.clip(variance, min=0)  # (x**2) - mean**2 can round below zero
    if not keepdims:
        mean, variance = torch.squeeze(mean, axes), torch.squeeze(variance, axes)
    if ori in (torch.float16, torch.bfloat16):
        mean = torch.clip(mean, torch.finfo(ori).min, torch.finfo(ori).max)
        variance = torch.clip(variance, torch.finfo(ori).min, torch.finfo(ori).max)
    out = ori if ori.is_floating_point else compute
    return mean.to(out), variance.to(out)


def batch_normalization(x: Any, mean: Any, variance: Any, axis: int, offset: Any = None,
                        scale: Any = None, epsilon: float = 1e-3) -> Tensor:
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` along ``axis``."""
    x = _f(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    mean, variance = _t(mean).reshape(shape), _t(variance).reshape(shape)
    inv = torch.rsqrt(variance + epsilon)
    if scale is not None:
        inv = inv * _t(scale).reshape(shape)
    out = (x - mean) * inv
    return out + _t(offset).reshape(shape) if offset is not None else out


def normalize(x: Any, axis: int = -1, order: int = 2, epsilon: Optional[float] = None) -> Tensor:
    """``x`` divided by its ``order``-norm along ``axis``."""
    x = _f(x)
    eps = config.epsilon() if epsilon is None else epsilon
    return F.normalize(x, p=order, dim=axis, eps=eps)


def _tuple(value: IntOrSeq, rank: int) -> Tuple[int, ...]:
    return (int(value),) * rank if isinstance(value, int) else tuple(int(v) for v in value)


def _same_pads(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
               dilation: Sequence[int]) -> list:
    """TensorFlow's 'same' padding: total = max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0), the odd
    pixel at the end; returned in F.pad order (last axis first)."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return [p for pair in reversed(pads) for p in pair]


def _to_channels_first(x: Tensor, data_format: Optional[str]) -> Tuple[Tensor, bool]:
    data_format = data_format or config.image_data_format()
    if data_format == "channels_last":
        return torch.movedim(x, -1, 1), True
    return x, False


def conv(inputs: Any, kernel: Any, strides: IntOrSeq = 1, padding: str = "valid",
         data_format: Optional[str] = None, dilation_rate: IntOrSeq = 1) -> Tensor:
    """N-D convolution; ``kernel`` is ``(*spatial, in_channels / groups, out_channels)``."""
    inputs, kernel = _f(inputs), _t(kernel)
    rank = inputs.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError("Inputs to conv operation should have ndim=3, 4, or 5, corresponding "
                         f"to 1D, 2D and 3D inputs. Received input shape: "
                         f"{tuple(inputs.shape)}.")
    x, moved = _to_channels_first(inputs, data_format)
    strides, dilation = _tuple(strides, rank), _tuple(dilation_rate, rank)
    weight = kernel.to(x.dtype).permute((rank + 1, rank) + tuple(range(rank)))  # (out, in, *k)
    groups = x.shape[1] // weight.shape[1]
    if x.shape[1] % weight.shape[1] != 0:
        raise ValueError("The number of input channels must be evenly divisible by kernel's "
                         f"in_channels. Received input channels {x.shape[1]} and kernel "
                         f"in_channels {weight.shape[1]}. ")
    if padding.lower() == "same":
        x = F.pad(x, _same_pads(x.shape[2:], weight.shape[2:], strides, dilation))
    fn = (F.conv1d, F.conv2d, F.conv3d)[rank - 1]
    out = fn(x, weight, stride=strides, dilation=dilation, groups=groups)  # (batch, out, *sp)
    return torch.movedim(out, 1, -1) if moved else out


def depthwise_conv(inputs: Any, kernel: Any, strides: IntOrSeq = 1, padding: str = "valid",
                   data_format: Optional[str] = None, dilation_rate: IntOrSeq = 1) -> Tensor:
    """Depthwise convolution; ``kernel`` is ``(*spatial, in_channels, multiplier)``."""
    kernel = _t(kernel)
    rank = kernel.ndim - 2
    shape = tuple(kernel.shape[:rank]) + (1, kernel.shape[-2] * kernel.shape[-1])
    return conv(inputs, kernel.reshape(shape), strides, padding, data_format, dilation_rate)


def separable_conv(inputs: Any, depthwise_kernel: Any, pointwise_kernel: Any,
                   strides: IntOrSeq = 1, padding: str = "valid",
                   data_format: Optional[str] = None, dilation_rate: IntOrSeq = 1) -> Tensor:
    """Depthwise convolution followed by a 1x1 pointwise convolution."""
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _pool(kind: str, inputs: Any, pool_size: IntOrSeq, strides: Optional[IntOrSeq],
          padding: str, data_format: Optional[str]) -> Tensor:
    inputs = _f(inputs)
    rank = inputs.ndim - 2
    x, moved = _to_channels_first(inputs, data_format)
    size = _tuple(pool_size, rank)
    strides = size if strides is None else _tuple(strides, rank)
    if padding.lower() == "same":
        pads = _same_pads(x.shape[2:], size, strides, (1,) * rank)
        if kind == "max":
            x = F.pad(x, pads, value=-math.inf)
            out = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[rank - 1](x, size, strides)
        else:  # the average counts only the real (unpadded) elements, as TensorFlow
            fn = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[rank - 1]
            total = fn(F.pad(x, pads), size, strides, divisor_override=None)
            ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
            count = fn(F.pad(ones, pads), size, strides)
            out = total / count
    else:
        fn = ((F.max_pool1d, F.max_pool2d, F.max_pool3d) if kind == "max"
              else (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d))[rank - 1]
        out = fn(x, size, strides)
    return torch.movedim(out, 1, -1) if moved else out


def max_pool(inputs: Any, pool_size: IntOrSeq, strides: Optional[IntOrSeq] = None,
             padding: str = "valid", data_format: Optional[str] = None) -> Tensor:
    """Max pooling over the spatial axes."""
    return _pool("max", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs: Any, pool_size: IntOrSeq, strides: Optional[IntOrSeq] = None,
                 padding: str = "valid", data_format: Optional[str] = None) -> Tensor:
    """Average pooling over the spatial axes (padding excluded from the average)."""
    return _pool("avg", inputs, pool_size, strides, padding, data_format)


def psnr(x1: Any, x2: Any, max_val: float) -> Tensor:
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mse)``."""
    x1, x2 = _f(x1), _f(x2)
    mse = torch.mean(torch.square(x1 - x2))
    return 20 * math.log10(max_val) - 10 * torch.log10(mse)


def dot_product_attention(query: Any, key: Any, value: Any, bias: Any = None, mask: Any = None,
                          scale: Optional[float] = None, is_causal: bool = False,
                          flash_attention: Optional[bool] = None,
                          attn_logits_soft_cap: Optional[float] = None) -> Tensor:
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors."""
    q, k, v = (torch.movedim(_f(t), -2, 1) for t in (query, key, value))  # (b, h, s, d)
    attn_mask = None
    if mask is not None:
        attn_mask = torch.movedim(_t(mask, "bool"), -2, 1) if _t(mask).ndim == 4 \
            else _t(mask, "bool")
    if bias is not None:
        bias_t = _t(bias).to(q.dtype)
        bias_t = torch.movedim(bias_t, -2, 1) if bias_t.ndim == 4 else bias_t
        if attn_mask is not None:
            bias_t = bias_t.masked_fill(~attn_mask, float("-inf"))
        attn_mask = bias_t
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=is_causal,
                                         scale=scale)
    return torch.movedim(out, 1, -2)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "math", "torch", "F", "Any", "Optional", "Sequence", "Tuple", "Union",
    "Tensor", "IntOrSeq", "config", "result_type", "to_torch_dtype", "convert_to_tensor")]
