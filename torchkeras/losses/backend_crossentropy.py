"""The element-wise cross-entropies of ``keras.backend`` (``K.binary_crossentropy``, ...),
which the loss functions reduce; logits recovered from a sigmoid/softmax output."""
from __future__ import annotations

import warnings
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from torchkeras.backend import epsilon
from torchkeras.losses.reduction import TensorLike, _pred_and_true, _shape, as_tensor
from torchkeras.backend.masking import get_keras_logits, set_keras_mask


def _check_same_shape(target: torch.Tensor, output: torch.Tensor) -> None:
    if target.shape != output.shape:
        raise ValueError(f"Shapes {_shape(target)} and {_shape(output)} are incompatible")


def _keras_logits(output: torch.Tensor, from_logits: bool, kind: str,
                  fn_name: str) -> Tuple[torch.Tensor, bool]:
    """tf-keras ``backend._get_logits``: use the logits a sigmoid/softmax output carries."""
    logits = get_keras_logits(output)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument '
                      f"was produced by a {kind} activation and thus does not represent "
                      "logits. Was this intended?", stacklevel=3)
    return logits, True


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
    set_keras_mask(res, valid.reshape(out_shape[:-1]))
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
