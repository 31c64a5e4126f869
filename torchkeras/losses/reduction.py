"""Loss reduction (``keras.losses.Reduction``) and the helpers every loss and metric uses:
tensor conversion, mask and sample-weight handling, ``compute_weighted_loss``."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np
import torch

from torchkeras.backend import floatx, get_device
from torchkeras.backend.masking import get_keras_mask

TensorLike = Any


class Reduction:
    """Loss reduction types (``keras.losses.Reduction``)."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> Tuple[str, ...]:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


ReductionV2 = Reduction


def as_tensor(value: TensorLike, device: Optional[torch.device] = None) -> torch.Tensor:
    """``value`` as a tensor on ``device`` (a tensor already there is returned as is).

    NumPy arrays keep their dtype; Python floats become floatx (as ``tf.convert_to_tensor``).
    """
    if isinstance(value, torch.Tensor):
        if device is not None and value.device != device:
            return value.to(device, non_blocking=True)
        return value
    array = np.asarray(value)
    if array.dtype.kind in "OUS":
        raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported object "
                         f"type {array.dtype}).")
    if not isinstance(value, np.ndarray):
        if array.dtype.kind == "f":
            array = array.astype(floatx())
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
    elif array.dtype.kind == "u" and array.dtype != np.uint8:
        array = array.astype(np.int64)
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    return tensor.to(device if device is not None else get_device())


def _pred_and_true(y_true: TensorLike, y_pred: TensorLike) -> Tuple[torch.Tensor, torch.Tensor]:
    """``y_pred`` as a tensor, ``y_true`` cast to its dtype and device (no copy if equal)."""
    if not isinstance(y_pred, torch.Tensor):
        y_pred = as_tensor(y_pred, y_true.device if isinstance(y_true, torch.Tensor) else None)
    y_true = as_tensor(y_true, y_pred.device)
    if y_true.dtype != y_pred.dtype:
        y_true = y_true.to(y_pred.dtype)
    return y_true, y_pred


def get_mask(tensor: Any) -> Optional[torch.Tensor]:
    """The Keras mask carried by ``tensor`` (``tensor._keras_mask``), if any."""
    return get_keras_mask(tensor)


def _shape(tensor: torch.Tensor) -> Tuple[int, ...]:
    return tuple(tensor.shape)


def remove_squeezable_dimensions(labels: torch.Tensor, predictions: torch.Tensor,
                                 expected_rank_diff: int = 0
                                 ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Squeeze the last dim (of size 1) of the one whose rank is 1 more than expected."""
    rank_diff = predictions.ndim - labels.ndim
    if rank_diff == expected_rank_diff + 1 and predictions.shape[-1] == 1:
        predictions = predictions.squeeze(-1)
    elif rank_diff == expected_rank_diff - 1 and labels.shape[-1] == 1:
        labels = labels.squeeze(-1)
    return labels, predictions


def squeeze_or_expand_dimensions(y_pred: torch.Tensor, y_true: Optional[torch.Tensor] = None,
                                 sample_weight: Optional[torch.Tensor] = None):
    """tf-keras's ``losses_utils.squeeze_or_expand_dimensions`` for static shapes.

    1. Squeezes the last dim of ``y_pred`` or ``y_true`` when their ranks differ by 1 and
       that dim is 1 (so ``(N,)`` labels with ``(N, 1)`` predictions never broadcast).
    2. Squeezes or expands the last dim of ``sample_weight`` when its rank differs by 1
       from the (original) rank of ``y_pred``.

    Returns ``(y_pred, y_true)``, or ``(y_pred, y_true, sample_weight)`` when a weight is given.
    """
    y_pred_rank = y_pred.ndim
    if y_true is not None:
        if (y_pred_rank - y_true.ndim != 1) or (y_pred_rank > 0 and y_pred.shape[-1] == 1):
            y_true, y_pred = remove_squeezable_dimensions(y_true, y_pred)
    if sample_weight is None:
        return y_pred, y_true
    if not isinstance(sample_weight, torch.Tensor) or sample_weight.ndim == 0:
        return y_pred, y_true, sample_weight
    weights_rank = sample_weight.ndim
    if weights_rank - y_pred_rank == 1:
        if sample_weight.shape[-1] != 1:
            raise ValueError(f"Can not squeeze dim[{weights_rank - 1}], expected a dimension "
                             f"of 1, got {sample_weight.shape[-1]} (sample_weight.shape="
                             f"{_shape(sample_weight)}, losses shape={_shape(y_pred)}).")
        sample_weight = sample_weight.squeeze(-1)
    elif y_pred_rank - weights_rank == 1:
        sample_weight = sample_weight.unsqueeze(-1)
    return y_pred, y_true, sample_weight


def _cast_weight(sample_weight: Any, like: torch.Tensor) -> Any:
    """A tensor weight cast to ``like``'s dtype/device; Python numbers stay numbers."""
    if isinstance(sample_weight, (int, float)) and not isinstance(sample_weight, bool):
        return float(sample_weight)
    sample_weight = as_tensor(sample_weight, like.device)
    if sample_weight.dtype != like.dtype:
        sample_weight = sample_weight.to(like.dtype)
    return sample_weight


def apply_mask(y_pred: torch.Tensor, sample_weight: Any, mask: Optional[torch.Tensor]) -> Any:
    """Multiply ``sample_weight`` by ``mask`` (or use the mask as the weight)."""
    if mask is None:
        return sample_weight
    mask = mask.to(y_pred.dtype)
    if sample_weight is None:
        return mask
    sample_weight = _cast_weight(sample_weight, mask)
    mask, _, sample_weight = squeeze_or_expand_dimensions(mask, sample_weight=sample_weight)
    return sample_weight * mask


def apply_valid_mask(losses: torch.Tensor, sample_weight: Any, mask: Optional[torch.Tensor],
                     reduction: str) -> Any:
    """Weights from a mask, rescaled so 'sum_over_batch_size' averages the valid entries."""
    if mask is not None:
        mask = mask.to(losses.dtype)
        if reduction in (Reduction.AUTO, Reduction.SUM_OVER_BATCH_SIZE):
            mask = mask * (mask.numel() / mask.sum())  # (total / valid), on device
    return apply_mask(losses, sample_weight, mask)


def reduce_weighted_loss(weighted_losses: torch.Tensor,
                         reduction: str = Reduction.SUM_OVER_BATCH_SIZE) -> torch.Tensor:
    """'none': as is; 'sum': the sum; 'sum_over_batch_size': sum / number of elements."""
    if reduction == Reduction.NONE:
        return weighted_losses
    loss = weighted_losses.sum()
    if reduction in (Reduction.SUM_OVER_BATCH_SIZE, Reduction.AUTO):
        count = weighted_losses.numel()
        loss = loss / count if count else loss * 0.0  # divide_no_nan
    return loss


def compute_weighted_loss(losses: TensorLike, sample_weight: Any = None,
                          reduction: str = Reduction.SUM_OVER_BATCH_SIZE) -> torch.Tensor:
    """tf-keras's ``compute_weighted_loss``: ``reduce(losses * sample_weight)``.

    >>> compute_weighted_loss(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 0.0]))
    tensor(0.5000)
    """
    Reduction.validate(reduction)
    if reduction == Reduction.AUTO:
        reduction = Reduction.SUM_OVER_BATCH_SIZE
    losses = as_tensor(losses)
    input_dtype = None
    if not losses.is_floating_point():
        input_dtype = losses.dtype
        losses = losses.to(torch.float32)
    if sample_weight is None:
        weighted = losses
    else:
        sample_weight = _cast_weight(sample_weight, losses)
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        weighted = losses * sample_weight
    loss = reduce_weighted_loss(weighted, reduction)
    return loss.to(input_dtype) if input_dtype is not None else loss


def match_dtype_and_rank(y_true: torch.Tensor, y_pred: torch.Tensor,
                         sample_weight: Optional[torch.Tensor] = None):
    """What ``Model.fit`` does before losses and metrics (tf-keras ``compile_utils``).

    A 1-D ``y_true`` or ``sample_weight`` becomes ``(N, 1)`` when ``y_pred`` is 2-D, and
    ``y_true`` takes ``y_pred``'s dtype when both are floating or both integer.
    Returns ``(y_true, y_pred, sample_weight)``.
    """
    if y_true.ndim == 1 and y_pred.ndim == 2:
        y_true = y_true.unsqueeze(-1)
    if sample_weight is not None and isinstance(sample_weight, torch.Tensor):
        if sample_weight.ndim == 1 and y_pred.ndim == 2:
            sample_weight = sample_weight.unsqueeze(-1)
        if sample_weight.dtype != y_pred.dtype:
            sample_weight = sample_weight.to(y_pred.dtype)
    both_float = y_true.is_floating_point() and y_pred.is_floating_point()
    both_int = _is_integer(y_true) and _is_integer(y_pred)
    if (both_float or both_int) and y_true.dtype != y_pred.dtype:
        y_true = y_true.to(y_pred.dtype)
    return y_true, y_pred, sample_weight


def _is_integer(tensor: torch.Tensor) -> bool:
    return not tensor.is_floating_point() and not tensor.is_complex() and tensor.dtype != torch.bool
