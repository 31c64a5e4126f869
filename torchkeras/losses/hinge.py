"""Hinge losses (labels -1/1, or 0/1 mapped to -1/1; one-hot for the categorical one)."""
from __future__ import annotations

import torch

from torchkeras.losses.base import LossFunctionWrapper
from torchkeras.losses.reduction import Reduction, TensorLike, _pred_and_true


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


__all__ = ["Hinge", "SquaredHinge", "CategoricalHinge", "hinge", "squared_hinge",
           "categorical_hinge"]
