"""Built-in losses (``keras.losses``) with Keras 2 (tf-keras) numbers.

Loss *functions* return one value per sample (most take the mean over the last axis);
:class:`Loss` objects reduce those with sample weights into a scalar, as tf-keras's
``compute_weighted_loss`` does ('sum_over_batch_size' divides by the number of elements,
not by the sum of the weights).

Logits recovery: like tf-keras, a ``sigmoid``/``softmax`` output carries its input as
``y_pred._keras_logits`` and the cross-entropies then compute from those logits (no
clipping):

>>> z = torch.tensor([[20.0]])
>>> p = torch.sigmoid(z); p._keras_logits = z
>>> binary_crossentropy(torch.tensor([[0.0]]), p)   # 20 + log1p(exp(-20)), not clipped
tensor([20.])
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Dict, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend import epsilon, floatx, get_device, to_snake_case, torch_dtype
from torchkeras.saving import function_lookup
from torchkeras.saving.object_registration import get_registered_name
from torchkeras.saving.serialization import (deserialize_keras_object,
                                             serialize_keras_object)

TensorLike = Any


# ============================================================================ helpers
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
    return getattr(tensor, "_keras_mask", None)


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


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type "
                         f"{type(axis)}")


def _check_same_shape(target: torch.Tensor, output: torch.Tensor) -> None:
    if target.shape != output.shape:
        raise ValueError(f"Shapes {_shape(target)} and {_shape(output)} are incompatible")


def _keras_logits(output: torch.Tensor, from_logits: bool, kind: str,
                  fn_name: str) -> Tuple[torch.Tensor, bool]:
    """tf-keras ``backend._get_logits``: use the logits a sigmoid/softmax output carries."""
    logits = getattr(output, "_keras_logits", None)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument '
                      f"was produced by a {kind} activation and thus does not represent "
                      "logits. Was this intended?", stacklevel=3)
    return logits, True


# ======================================================== backend cross-entropies (K.*)
def sigmoid_cross_entropy_with_logits(labels: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """TensorFlow's ``max(z, 0) - z * t + log1p(exp(-|z|))`` (equal to torch's fused
    ``binary_cross_entropy_with_logits`` within a few ulps) with TF's gradient
    ``sigmoid(z) - t`` (``0.5 - t`` at ``z == 0``), in one native autograd node: the
    backward of the composed formula dominated small training steps."""
    if labels.shape != logits.shape:
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({_shape(logits)} vs {_shape(labels)}).")
    if labels.dtype != logits.dtype:
        labels = labels.to(logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, labels, reduction="none")


def backend_binary_crossentropy(target: TensorLike, output: TensorLike,
                                from_logits: bool = False) -> torch.Tensor:
    """Element-wise binary cross-entropy (``keras.backend.binary_crossentropy``)."""
    target, output = _pred_and_true(target, output)
    output, from_logits = _keras_logits(output, from_logits, "Sigmoid", "binary_crossentropy")
    if from_logits:
        return sigmoid_cross_entropy_with_logits(target, output)
    eps = epsilon()
    output = output.clamp(eps, 1.0 - eps)
    bce = target * torch.log(output + eps)
    bce = bce + (1 - target) * torch.log(1 - output + eps)
    return -bce


def backend_categorical_crossentropy(target: TensorLike, output: TensorLike,
                                     from_logits: bool = False, axis: int = -1) -> torch.Tensor:
    """Categorical cross-entropy over ``axis`` (``keras.backend.categorical_crossentropy``)."""
    target, output = _pred_and_true(target, output)
    _check_same_shape(target, output)
    output, from_logits = _keras_logits(output, from_logits, "Softmax",
                                        "categorical_crossentropy")
    if from_logits:
        return -(target * torch.log_softmax(output, dim=axis)).sum(dim=axis)
    output = output / output.sum(dim=axis, keepdim=True)
    eps = epsilon()
    output = output.clamp(eps, 1.0 - eps)
    return -(target * torch.log(output)).sum(dim=axis)


def backend_sparse_categorical_crossentropy(target: TensorLike, output: TensorLike,
                                            from_logits: bool = False, axis: int = -1,
                                            ignore_class: Optional[int] = None
                                            ) -> torch.Tensor:
    """Cross-entropy with integer labels (``keras.backend.sparse_categorical_crossentropy``).

    ``target`` may have shape ``output.shape[:-1]`` or that with a trailing 1, any dtype.
    """
    if not isinstance(output, torch.Tensor):
        output = as_tensor(output, target.device if isinstance(target, torch.Tensor) else None)
    target = labels = as_tensor(target, output.device)
    if target.dtype != torch.int64:
        target = target.to(torch.int64)
    output, from_logits = _keras_logits(output, from_logits, "Softmax",
                                        "sparse_categorical_crossentropy")
    if not from_logits:
        eps = epsilon()
        output = torch.log(output.clamp(eps, 1 - eps))
    rank = output.ndim
    axis %= rank
    if axis != rank - 1:
        output = output.movedim(axis, -1)
    out_shape = output.shape  # (..., classes)
    flat_logits = output.reshape(-1, out_shape[-1])  # (M, classes)
    flat_target = target.reshape(-1)  # (M,)
    if flat_target.shape[0] != flat_logits.shape[0]:
        raise ValueError(f"`labels.shape` must equal `logits.shape` except for the last "
                         f"dimension. Received: labels.shape={_shape(target)} and "
                         f"logits.shape={_shape(output)}")
    if ignore_class is None:
        res = _checked_cross_entropy(flat_logits, flat_target, labels)  # (M,)
        return res.reshape(out_shape[:-1])
    valid = flat_target != ignore_class
    safe_target = torch.where(valid, flat_target, torch.zeros_like(flat_target))
    res = _checked_cross_entropy(flat_logits, safe_target, labels, ignore_class)
    res = torch.where(valid, res, torch.zeros_like(res)).reshape(out_shape[:-1])
    res._keras_mask = valid.reshape(out_shape[:-1])
    return res


def _checked_cross_entropy(logits: torch.Tensor, target: torch.Tensor, labels: torch.Tensor,
                           ignore_class: Optional[int] = None) -> torch.Tensor:
    """``F.cross_entropy`` per sample; a label outside ``[0, classes)`` (NaN included: it
    casts to -2**63) gives tf-keras's message instead of torch's ``Target ... is out of
    bounds``. The check runs only when torch has already failed (no host sync per step)."""
    try:
        return F.cross_entropy(logits, target, reduction="none")
    except (IndexError, RuntimeError) as error:
        classes = int(logits.shape[-1])
        flat = labels.detach().reshape(-1).cpu()
        outside = torch.isnan(flat) if flat.is_floating_point() else torch.zeros_like(
            flat, dtype=torch.bool)
        outside |= (flat < 0) | (flat >= classes)
        if ignore_class is not None:
            outside &= flat != ignore_class
        if not bool(outside.any()):
            raise
        bad = flat[outside][0].item()
        bad = int(bad) if float(bad).is_integer() else bad
        shown = " ".join(str(int(v) if float(v).is_integer() else v)
                         for v in flat[:32].tolist())
        raise ValueError(f"sparse_categorical_crossentropy: Received a label value of {bad} "
                         f"which is outside the valid range of [0, {classes}).  Label values: "
                         f"{shown}") from error


def backend_binary_focal_crossentropy(target: TensorLike, output: TensorLike,
                                      apply_class_balancing: bool = False, alpha: float = 0.25,
                                      gamma: float = 2.0, from_logits: bool = False
                                      ) -> torch.Tensor:
    """Element-wise binary focal cross-entropy (``keras.backend.binary_focal_crossentropy``)."""
    target, output = _pred_and_true(target, output)
    sigmoidal = torch.sigmoid(output) if from_logits else output
    p_t = target * sigmoidal + (1 - target) * (1 - sigmoidal)
    focal_factor = torch.pow(1.0 - p_t, gamma)
    focal_bce = focal_factor * backend_binary_crossentropy(target, output, from_logits)
    if apply_class_balancing:
        weight = target * alpha + (1 - target) * (1 - alpha)
        focal_bce = weight * focal_bce
    return focal_bce


def backend_categorical_focal_crossentropy(target: TensorLike, output: TensorLike,
                                           alpha: float = 0.25, gamma: float = 2.0,
                                           from_logits: bool = False, axis: int = -1
                                           ) -> torch.Tensor:
    """Categorical focal cross-entropy (``keras.backend.categorical_focal_crossentropy``)."""
    target, output = _pred_and_true(target, output)
    _check_same_shape(target, output)
    output, from_logits = _keras_logits(output, from_logits, "Softmax",
                                        "categorical_focal_crossentropy")
    if from_logits:
        output = torch.softmax(output, dim=axis)
    output = output / output.sum(dim=axis, keepdim=True)
    eps = epsilon()
    output = output.clamp(eps, 1.0 - eps)
    cce = -target * torch.log(output)
    weighting_factor = torch.pow(1.0 - output, gamma) * alpha
    return (weighting_factor * cce).sum(dim=axis)


# ===================================================================== loss functions
def mean_squared_error(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    return torch.mean(torch.square(y_pred - y_true), dim=-1)


def mean_absolute_error(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    return torch.mean(torch.abs(y_pred - y_true), dim=-1)


def mean_absolute_percentage_error(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.abs(y_true).clamp_min(epsilon()))
    return 100.0 * torch.mean(diff, dim=-1)


def mean_squared_logarithmic_error(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    first_log = torch.log(y_pred.clamp_min(epsilon()) + 1.0)
    second_log = torch.log(y_true.clamp_min(epsilon()) + 1.0)
    return torch.mean(torch.square(first_log - second_log), dim=-1)


def _maybe_convert_labels(y_true: torch.Tensor) -> torch.Tensor:
    """0/1 labels become -1/+1 (decided on the device, without a host sync)."""
    is_binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def squared_hinge(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(square(max(1 - y_true * y_pred, 0)), axis=-1)``; 0/1 labels mapped to -1/1."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.square(torch.clamp_min(1.0 - y_true * y_pred, 0.0)), dim=-1)


def hinge(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels mapped to -1/1."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.clamp_min(1.0 - y_true * y_pred, 0.0), dim=-1)


def categorical_hinge(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return torch.clamp_min(neg - pos + 1.0, 0.0)


def huber(y_true: TensorLike, y_pred: TensorLike, delta: float = 1.0) -> torch.Tensor:
    """Quadratic for ``|error| <= delta``, linear beyond; mean over the last axis."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    dtype = torch_dtype(floatx())
    y_pred, y_true = y_pred.to(dtype), y_true.to(dtype)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    quadratic = 0.5 * torch.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return torch.mean(torch.where(abs_error <= delta, quadratic, linear), dim=-1)


def log_cosh(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)`` as ``x + softplus(-2x) - log 2``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    x = y_pred - y_true
    return torch.mean(x + F.softplus(-2.0 * x) - math.log(2.0), dim=-1)


def categorical_crossentropy(y_true: TensorLike, y_pred: TensorLike, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    """Cross-entropy with one-hot labels; logits recovered from a softmax output."""
    _check_axis(axis)
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be "
                      "(batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={_shape(y_pred)}. Consider using 'binary_crossentropy' "
                      "if you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if _nonzero(label_smoothing):
        num_classes = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)
    return backend_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true: TensorLike, y_pred: TensorLike, alpha: float = 0.25,
                                   gamma: float = 2.0, from_logits: bool = False,
                                   label_smoothing: float = 0.0, axis: int = -1
                                   ) -> torch.Tensor:
    """Focal cross-entropy with one-hot labels (``alpha * (1 - p)^gamma * CE``)."""
    _check_axis(axis)
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn("In loss categorical_focal_crossentropy, expected y_pred.shape to be "
                      "(batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={_shape(y_pred)}. Consider using 'binary_crossentropy' "
                      "if you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if _nonzero(label_smoothing):
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)
    return backend_categorical_focal_crossentropy(y_true, y_pred, alpha=alpha, gamma=gamma,
                                                  from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true: TensorLike, y_pred: TensorLike,
                                    from_logits: bool = False, axis: int = -1,
                                    ignore_class: Optional[int] = None) -> torch.Tensor:
    """Cross-entropy with integer labels of shape ``(N,)`` or ``(N, 1)`` (any dtype)."""
    return backend_sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                   axis=axis, ignore_class=ignore_class)


def binary_crossentropy(y_true: TensorLike, y_pred: TensorLike, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    """Mean binary cross-entropy over ``axis``; logits recovered from a sigmoid output."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    if _nonzero(label_smoothing):
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return torch.mean(backend_binary_crossentropy(y_true, y_pred, from_logits=from_logits),
                      dim=axis)


def binary_focal_crossentropy(y_true: TensorLike, y_pred: TensorLike,
                              apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    """Mean binary focal cross-entropy over ``axis`` (``(1 - p_t)^gamma * BCE``)."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    if _nonzero(label_smoothing):
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    focal = backend_binary_focal_crossentropy(
        y_true, y_pred, apply_class_balancing=apply_class_balancing, alpha=alpha,
        gamma=gamma, from_logits=from_logits)
    return torch.mean(focal, dim=axis)


def kl_divergence(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    eps = epsilon()
    y_true = y_true.clamp(eps, 1.0)
    y_pred = y_pred.clamp(eps, 1.0)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


def poisson(y_true: TensorLike, y_pred: TensorLike) -> torch.Tensor:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    return torch.mean(y_pred - y_true * torch.log(y_pred + epsilon()), dim=-1)


def l2_normalize(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """``x / sqrt(max(sum(x**2), 1e-12))`` (``tf.linalg.l2_normalize``)."""
    square_sum = torch.sum(torch.square(x), dim=axis, keepdim=True)
    return x * torch.rsqrt(square_sum.clamp_min(1e-12))


def cosine_similarity(y_true: TensorLike, y_pred: TensorLike, axis: int = -1) -> torch.Tensor:
    """The *negative* cosine similarity (a loss: -1 when the vectors point the same way)."""
    y_true, y_pred = _pred_and_true(y_true, y_pred)
    return -torch.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), dim=axis)


def _nonzero(value: Any) -> bool:
    """Whether a smoothing amount is on (a tensor is taken as on: the formula is exact at 0)."""
    return isinstance(value, torch.Tensor) or bool(value)


# Keras 2 aliases
bce = BCE = binary_crossentropy
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
cosine = cosine_proximity = cosine_similarity  # old tf.keras 2 (v1) names


# ======================================================================= Loss classes
class Loss:
    """Loss base class: subclasses implement ``call(y_true, y_pred)`` (per-sample losses).

    ``loss(y_true, y_pred, sample_weight=None)`` weights and reduces them:

    >>> class MyMSE(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return torch.mean(torch.square(y_pred - y_true), dim=-1)
    >>> MyMSE()(torch.zeros(2, 1), torch.ones(2, 1))
    tensor(1.)
    """

    def __init__(self, reduction: Optional[str] = Reduction.AUTO, name: Optional[str] = None):
        if reduction is None:  # Keras 3 spelling of 'none'
            reduction = Reduction.NONE
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name
        self._allow_sum_over_batch_size = False

    def __call__(self, y_true: TensorLike, y_pred: TensorLike,
                 sample_weight: Any = None) -> torch.Tensor:
        if not isinstance(y_pred, torch.Tensor):
            y_pred = as_tensor(y_pred, y_true.device if isinstance(y_true, torch.Tensor)
                               else None)
        y_true = as_tensor(y_true, y_pred.device)
        losses = self.call(y_true, y_pred)
        if not isinstance(losses, torch.Tensor):
            losses = as_tensor(losses, y_pred.device)
        in_mask, out_mask = get_mask(y_pred), get_mask(losses)
        if (sample_weight is None and in_mask is None and out_mask is None and
                self.reduction in (Reduction.AUTO, Reduction.SUM_OVER_BATCH_SIZE) and
                losses.is_floating_point() and losses.numel()):
            # The training step's common case: what compute_weighted_loss does for it
            # (sum / number of elements), without its general machinery.
            return losses.sum() / losses.numel()
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if in_mask is not None else out_mask
        reduction = self._get_reduction()
        sample_weight = apply_valid_mask(losses, sample_weight, mask, reduction)
        return compute_weighted_loss(losses, sample_weight, reduction=reduction)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Per-sample losses, shape ``[batch_size, d0, .. dN-1]``."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def _get_reduction(self) -> str:
        if self.reduction == Reduction.AUTO:
            return Reduction.SUM_OVER_BATCH_SIZE
        return self.reduction

    def get_config(self) -> Dict[str, Any]:
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)  # some Keras 3 configs carry a dtype: losses compute in y_pred's
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` as a :class:`Loss`."""

    def __init__(self, fn: Callable, reduction: str = Reduction.AUTO,
                 name: Optional[str] = None, **kwargs: Any):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        if isinstance(y_pred, torch.Tensor) and isinstance(y_true, torch.Tensor):
            y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        for key, value in self._fn_kwargs.items():
            config[key] = value.tolist() if isinstance(value, torch.Tensor) else value
        if type(self) is LossFunctionWrapper:
            config["fn"] = get_registered_name(self.fn)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)
        fn_name = config.pop("fn", None)
        if cls is LossFunctionWrapper:
            if fn_name is None:
                raise ValueError("A LossFunctionWrapper config needs the wrapped 'fn'.")
            config["fn"] = get(fn_name)
        return cls(**config)


class MeanSquaredError(LossFunctionWrapper):
    """``mean(square(y_true - y_pred))``."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_squared_error"):
        super().__init__(mean_squared_error, name=name, reduction=reduction)


class MeanAbsoluteError(LossFunctionWrapper):
    """``mean(abs(y_true - y_pred))``."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_absolute_error"):
        super().__init__(mean_absolute_error, name=name, reduction=reduction)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``100 * mean(abs((y_true - y_pred) / y_true))``."""

    def __init__(self, reduction: str = Reduction.AUTO,
                 name: str = "mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)))``."""

    def __init__(self, reduction: str = Reduction.AUTO,
                 name: str = "mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (labels 0/1, predictions probabilities or logits)."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "binary_crossentropy"):
        super().__init__(binary_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy (``(1 - p_t)^gamma * BCE``, optional alpha balancing)."""

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25,
                 gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "binary_focal_crossentropy"):
        super().__init__(binary_focal_crossentropy, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, name=name, reduction=reduction,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with one-hot labels."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "categorical_crossentropy"):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal cross-entropy with one-hot labels."""

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str = Reduction.AUTO, name: str = "categorical_focal_crossentropy"):
        super().__init__(categorical_focal_crossentropy, alpha=alpha, gamma=gamma, name=name,
                         reduction=reduction, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.alpha = alpha
        self.gamma = gamma


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with integer labels."""

    def __init__(self, from_logits: bool = False, ignore_class: Optional[int] = None,
                 reduction: str = Reduction.AUTO, name: str = "sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         from_logits=from_logits, ignore_class=ignore_class)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity between labels and predictions."""

    def __init__(self, axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "cosine_similarity"):
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=axis)


class Hinge(LossFunctionWrapper):
    """``max(1 - y_true * y_pred, 0)`` (0/1 labels mapped to -1/1)."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "hinge"):
        super().__init__(hinge, name=name, reduction=reduction)


class SquaredHinge(LossFunctionWrapper):
    """``square(max(1 - y_true * y_pred, 0))`` (0/1 labels mapped to -1/1)."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "squared_hinge"):
        super().__init__(squared_hinge, name=name, reduction=reduction)


class CategoricalHinge(LossFunctionWrapper):
    """``max(neg - pos + 1, 0)`` with one-hot labels."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "categorical_hinge"):
        super().__init__(categorical_hinge, name=name, reduction=reduction)


class Poisson(LossFunctionWrapper):
    """``y_pred - y_true * log(y_pred)``."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "poisson"):
        super().__init__(poisson, name=name, reduction=reduction)


class LogCosh(LossFunctionWrapper):
    """``log(cosh(y_pred - y_true))``."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "log_cosh"):
        super().__init__(log_cosh, name=name, reduction=reduction)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``y_true * log(y_true / y_pred)``."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "kl_divergence"):
        super().__init__(kl_divergence, name=name, reduction=reduction)


class Huber(LossFunctionWrapper):
    """Huber loss with threshold ``delta``."""

    def __init__(self, delta: float = 1.0, reduction: str = Reduction.AUTO,
                 name: str = "huber_loss"):
        super().__init__(huber, name=name, reduction=reduction, delta=delta)


# ========================================================================== lookup
_CLASSES = (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
            MeanAbsolutePercentageError, MeanSquaredLogarithmicError, BinaryCrossentropy,
            BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
            SparseCategoricalCrossentropy, CosineSimilarity, Hinge, SquaredHinge,
            CategoricalHinge, Poisson, LogCosh, KLDivergence, Huber)

_FUNCTIONS: Dict[str, Callable] = {
    fn.__name__: fn for fn in (
        mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
        mean_squared_logarithmic_error, binary_crossentropy, binary_focal_crossentropy,
        categorical_crossentropy, categorical_focal_crossentropy,
        sparse_categorical_crossentropy, hinge, squared_hinge, categorical_hinge, huber,
        log_cosh, kl_divergence, poisson, cosine_similarity)
}
_ALIASES: Dict[str, Callable] = {
    "bce": bce, "BCE": BCE, "mse": mse, "MSE": MSE, "mae": mae, "MAE": MAE, "mape": mape,
    "MAPE": MAPE, "msle": msle, "MSLE": MSLE, "kld": kld, "KLD": KLD,
    "kullback_leibler_divergence": kullback_leibler_divergence, "logcosh": logcosh,
    "huber_loss": huber_loss, "cosine": cosine, "cosine_proximity": cosine_proximity,
}


def _module_objects() -> Dict[str, Any]:
    objects: Dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
    objects.update(_FUNCTIONS)
    objects.update(_ALIASES)
    return objects


function_lookup.register_builtin_functions("losses", _module_objects)  # Lambda configs


def serialize(loss: Any) -> Any:
    """A loss function's name, or ``{'class_name': ..., 'config': ...}`` for a Loss."""
    if loss is None:
        return None
    if not isinstance(loss, Loss):
        if not callable(loss):
            warnings.warn("The `keras.losses.serialize()` API should only be used for objects "
                          "of type `keras.losses.Loss`. Found an instance of type "
                          f"{type(loss)}, which may lead to improper serialization.")
    return serialize_keras_object(loss)


def deserialize(name: Union[str, Dict[str, Any]],
                custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """The loss function or Loss instance named by ``name`` (string or config dict)."""
    return deserialize_keras_object(name, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name="loss function")


def get(identifier: Any) -> Any:
    """Keras 2 ``losses.get``: a function for a function name, an instance for a class name.

    >>> get('mse') is mean_squared_error
    True
    >>> get('BinaryCrossentropy').name
    'binary_crossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def get_custom_object_name(obj: Any) -> Optional[str]:
    """The name Keras gives ``obj`` in compile: ``.name``, ``__name__`` or snake-cased class."""
    if hasattr(obj, "name") and isinstance(obj.name, str):
        return obj.name
    if hasattr(obj, "__name__"):
        return obj.__name__
    if hasattr(obj, "__class__"):
        return to_snake_case(obj.__class__.__name__)
    return None


def to_loss_object(identifier: Any) -> Optional[Loss]:
    """What ``compile(loss=...)`` turns an identifier into: always a :class:`Loss`.

    Functions (built-in or the user's) are wrapped in :class:`LossFunctionWrapper` named
    after the function.

    >>> to_loss_object('mse').name
    'mean_squared_error'
    """
    if identifier is None:
        return None
    loss = get(identifier)
    if isinstance(loss, Loss):
        loss._allow_sum_over_batch_size = True
        return loss
    name = get_custom_object_name(loss)
    if name is None or not callable(loss):
        raise ValueError(f"Loss should be a callable, received: {loss}")
    wrapper = LossFunctionWrapper(loss, name=name)
    wrapper._allow_sum_over_batch_size = True
    return wrapper


def is_categorical_crossentropy(loss: Any) -> bool:
    """Whether ``loss`` is categorical cross-entropy in any of its forms."""
    return (isinstance(loss, CategoricalCrossentropy)
            or (isinstance(loss, LossFunctionWrapper) and loss.fn == categorical_crossentropy)
            or getattr(loss, "__name__", None) == "categorical_crossentropy"
            or (isinstance(loss, str) and loss == "categorical_crossentropy"))


__all__ = [
    "Reduction", "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "BinaryCrossentropy",
    "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
    "SparseCategoricalCrossentropy", "CosineSimilarity", "Hinge", "SquaredHinge",
    "CategoricalHinge", "Poisson", "LogCosh", "KLDivergence", "Huber",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_crossentropy", "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy", "hinge", "squared_hinge", "categorical_hinge", "huber",
    "log_cosh", "kl_divergence", "poisson", "cosine_similarity",
    "bce", "BCE", "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
    "kullback_leibler_divergence", "logcosh", "huber_loss",
    "get", "serialize", "deserialize", "to_loss_object", "compute_weighted_loss",
    "match_dtype_and_rank", "squeeze_or_expand_dimensions", "is_categorical_crossentropy",
]

__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
