"""Regression metrics: errors between labels and predictions, averaged over samples."""
from __future__ import annotations

from typing import Any, Optional

import torch

from torchkeras import losses as losses_mod
from torchkeras.losses import (log_cosh, mean_absolute_error,
                               mean_absolute_percentage_error, mean_squared_error,
                               mean_squared_logarithmic_error)
from torchkeras.metrics.reduction import Mean, MeanMetricWrapper, divide_no_nan

logcosh = log_cosh


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """The cosine similarity (positive: 1 when the vectors point the same way).

    The *loss* ``losses.cosine_similarity`` is its negative.
    """
    return -losses_mod.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Mean of ``square(y_true - y_pred)``."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of ``abs(y_true - y_pred)``."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of ``100 * abs((y_true - y_pred) / y_true)``."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of ``square(log(y_true + 1) - log(y_pred + 1))``."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``."""

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(logcosh, name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt(mean(square(y_true - y_pred)))`` over every element seen."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else None
        y_pred = losses_mod.as_tensor(y_pred, device).to(self._torch_dtype)
        y_true = losses_mod.as_tensor(y_true, y_pred.device).to(self._torch_dtype)
        y_pred, y_true = losses_mod.squeeze_or_expand_dimensions(y_pred, y_true)
        error_sq = torch.square(y_pred - y_true)
        super().update_state(error_sq, sample_weight=sample_weight)

    def result(self) -> torch.Tensor:
        return torch.sqrt(divide_no_nan(self.total, self.count))


class MeanRelativeError(Mean):
    """Mean of ``abs(y_true - y_pred) / normalizer``."""

    def __init__(self, normalizer: Any, name: Optional[str] = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.normalizer = normalizer

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else None
        y_pred = losses_mod.as_tensor(y_pred, device).to(self._torch_dtype)
        y_true = losses_mod.as_tensor(y_true, y_pred.device).to(self._torch_dtype)
        normalizer = losses_mod.as_tensor(self.normalizer, y_pred.device).to(self._torch_dtype)
        y_pred, y_true = losses_mod.squeeze_or_expand_dimensions(y_pred, y_true)
        normalizer, y_pred = losses_mod.remove_squeezable_dimensions(normalizer, y_pred)
        relative_errors = divide_no_nan(torch.abs(y_true - y_pred), normalizer)
        super().update_state(relative_errors, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        normalizer = self.normalizer
        config["normalizer"] = (normalizer.tolist() if hasattr(normalizer, "tolist")
                                else normalizer)
        return config

__all__ = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "CosineSimilarity", "LogCoshError",
           "RootMeanSquaredError", "MeanRelativeError", "cosine_similarity", "logcosh"]
