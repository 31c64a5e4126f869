"""Accuracy metrics: functions returning per-sample matches (1.0 / 0.0) and their classes."""
from __future__ import annotations

from typing import Any

import torch

from torchkeras.backend import floatx, torch_dtype
from torchkeras.losses import as_tensor
from torchkeras.metrics.reduction import MeanMetricWrapper


def _floatx() -> torch.dtype:
    return torch_dtype(floatx())


def _pair(y_true: Any, y_pred: Any):
    if not isinstance(y_pred, torch.Tensor):
        y_pred = as_tensor(y_pred, y_true.device if isinstance(y_true, torch.Tensor) else None)
    return as_tensor(y_true, y_pred.device), y_pred


# ------------------------------------------------------------------------ matches
def binary_matches(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """1.0 where ``y_true == (y_pred > threshold)``, element-wise."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_pred = (y_pred > threshold).to(y_pred.dtype)
    return (y_true == y_pred).to(_floatx())


def sparse_categorical_matches(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where the integer label equals ``argmax(y_pred, -1)``; labels may end in a 1 dim."""
    y_true, y_pred = _pair(y_true, y_pred)
    original_shape = y_true.shape
    reshape_matches = False
    if y_true.ndim == y_pred.ndim:  # (N, 1) labels -> (N,)
        if y_true.shape[-1] != 1:
            raise ValueError(f"Can not squeeze dim[{y_true.ndim - 1}], expected a dimension "
                             f"of 1, got {y_true.shape[-1]}")
        y_true = y_true.squeeze(-1)
        reshape_matches = True
    y_pred = torch.argmax(y_pred, dim=-1)
    if y_pred.dtype != y_true.dtype:
        y_pred = y_pred.to(y_true.dtype)
    matches = (y_true == y_pred).to(_floatx())
    if reshape_matches:
        matches = matches.reshape(original_shape)
    return matches


def in_top_k(predictions: torch.Tensor, targets: torch.Tensor, k: int) -> torch.Tensor:
    """``tf.math.in_top_k``: fewer than ``k`` classes score strictly higher than the target.

    Ties count in the target's favour; a row with a non-finite score or an out-of-range
    target gives False.
    """
    num_classes = predictions.shape[-1]
    targets = targets.to(torch.int64)
    valid = (targets >= 0) & (targets < num_classes)
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    target_score = predictions.gather(-1, safe.unsqueeze(-1))  # (N, 1)
    higher = (predictions > target_score).sum(dim=-1)  # (N,)
    finite = torch.isfinite(predictions).all(dim=-1)
    return (higher < k) & valid & finite


def sparse_top_k_categorical_matches(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where the integer label is among the ``k`` highest predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    original_shape = y_true.shape
    reshape_matches = False
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.ndim > 1:
        reshape_matches = True
        y_true = y_true.reshape(-1)
    matches = in_top_k(y_pred, y_true, k).to(_floatx())
    if reshape_matches:
        return matches.reshape(original_shape)
    return matches


# ---------------------------------------------------------------------- functions
def accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``y_true == y_pred`` exactly (``keras.metrics.Accuracy``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"Shapes {tuple(y_true.shape)} and {tuple(y_pred.shape)} are "
                         "incompatible")
    if y_true.dtype != y_pred.dtype:
        y_pred = y_pred.to(y_true.dtype)
    return (y_true == y_pred).to(_floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """Mean over the last axis of ``y_true == (y_pred > threshold)``."""
    return torch.mean(binary_matches(y_true, y_pred, threshold), dim=-1)


def categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` (one-hot labels)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return sparse_categorical_matches(torch.argmax(y_true, dim=-1), y_pred)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where the integer label equals ``argmax(y_pred)``."""
    matches = sparse_categorical_matches(y_true, y_pred)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches.squeeze(-1)
    return matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where the one-hot label's class is among the ``k`` highest predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    return sparse_top_k_categorical_matches(torch.argmax(y_true, dim=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where the integer label is among the ``k`` highest predictions."""
    return sparse_top_k_categorical_matches(y_true, y_pred, k)


def _categorical_matches(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    return sparse_categorical_matches(torch.argmax(y_true, dim=-1), y_pred)


def _top_k_matches(y_true: torch.Tensor, y_pred: torch.Tensor, k: int) -> torch.Tensor:
    return sparse_top_k_categorical_matches(torch.argmax(y_true, dim=-1), y_pred, k)


# ------------------------------------------------------------------------ classes
class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``(y_pred > threshold)`` equals the 0/1 label (element-wise mean)."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None,
                 threshold: float = 0.5):
        super().__init__(binary_matches, name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(_categorical_matches, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(sparse_categorical_matches, name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` highest predictions."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        super().__init__(_top_k_matches, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest predictions."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy",
                 dtype: Any = None):
        super().__init__(sparse_top_k_categorical_matches, name, dtype=dtype, k=k)

__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "accuracy",
           "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy"]
