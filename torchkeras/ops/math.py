"""``keras.ops`` math functions: segment reductions, top-k, logsumexp, erf, rsqrt, ..."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import torch

from torchkeras.backend import config
from torchkeras.backend.dtypes import to_torch_dtype
from torchkeras.ops.core import convert_to_tensor

Tensor = torch.Tensor
_t = convert_to_tensor


def _f(x: Any) -> Tensor:
    x = _t(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(config.floatx()))


def _segment(reduce: str, data: Any, segment_ids: Any, num_segments: Optional[int]) -> Tensor:
    data, ids = _t(data), _t(segment_ids).long()
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    shape = (num_segments,) + tuple(data.shape[1:])
    valid = (ids >= 0) & (ids < num_segments)
    data, ids = data[valid], ids[valid]
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    if reduce == "sum":
        return torch.zeros(shape, dtype=data.dtype, device=data.device).scatter_add(0, index,
                                                                                   data)
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    return out.scatter_reduce(0, index, data, reduce=reduce, include_self=False)


def segment_sum(data: Any, segment_ids: Any, num_segments: Optional[int] = None,
                sorted: bool = False) -> Tensor:  # noqa: A002 (Keras's name)
    """Sum of the rows of ``data`` sharing a segment id (ids outside the range dropped)."""
    return _segment("sum", data, segment_ids, num_segments)


def segment_max(data: Any, segment_ids: Any, num_segments: Optional[int] = None,
                sorted: bool = False) -> Tensor:  # noqa: A002
    """Maximum of the rows of ``data`` sharing a segment id."""
    return _segment("amax", data, segment_ids, num_segments)


def top_k(x: Any, k: int, sorted: bool = True) -> Tuple[Tensor, Tensor]:  # noqa: A002
    """The ``k`` largest values along the last axis and their indices (int64, as Keras 3's
    torch backend; its TensorFlow backend gives int32)."""
    values, indices = torch.topk(_t(x), k, dim=-1, sorted=sorted)
    return values, indices


def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    """Whether each target's prediction is among the ``k`` largest (ties count as in)."""
    targets, predictions = _t(targets).long(), _t(predictions)
    picked = torch.gather(predictions, 1, targets[:, None])  # (batch, 1)
    greater = torch.sum((predictions > picked).to(torch.int32), dim=1)
    finite = torch.isfinite(picked[:, 0])
    return (greater < k) & finite


def logsumexp(x: Any, axis: Optional[Union[int, Sequence[int]]] = None,
              keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = _f(x)
    dims = tuple(range(x.ndim)) if axis is None else (
        (axis,) if isinstance(axis, int) else tuple(axis))
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def erf(x: Any) -> Tensor:
    """The error function."""
    return torch.erf(_f(x))


def erfinv(x: Any) -> Tensor:
    """The inverse error function."""
    return torch.erfinv(_f(x))


def rsqrt(x: Any) -> Tensor:
    """``1 / sqrt(x)``."""
    return torch.rsqrt(_f(x))


def logdet(x: Any) -> Tensor:
    """``log(det(x))`` of a (batch of) square matrices."""
    return torch.logdet(_f(x))


def qr(x: Any, mode: str = "reduced") -> Tuple[Tensor, Tensor]:
    """QR decomposition (``mode`` 'reduced' or 'complete')."""
    if mode not in ("reduced", "complete"):
        raise ValueError("`mode` argument value not supported. Expected one of "
                         f"{{'reduced', 'complete'}}. Received: mode={mode}")
    return torch.linalg.qr(_f(x), mode=mode)


def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> Tensor:
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis."""
    return _t(x).unfold(-1, sequence_length, sequence_stride)


__all__ = ["erf", "erfinv", "extract_sequences", "in_top_k", "logdet", "logsumexp", "qr",
           "rsqrt", "segment_max", "segment_sum", "top_k"]
