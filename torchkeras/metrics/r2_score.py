"""R2 score, the coefficient of determination (``keras.metrics.R2Score``)."""
from __future__ import annotations

import warnings
from typing import Any, Dict, Optional

import torch

from torchkeras import losses as losses_mod
from torchkeras.metrics.base import Metric


class R2Score(Metric):
    """``1 - sum((y - y_pred)^2) / sum((y - mean(y))^2)`` per output column, then averaged
    (``'uniform_average'``), weighted by each column's variance
    (``'variance_weighted_average'``) or not (``None``). ``num_regressors > 0`` gives the
    adjusted R2. Inputs are 2-D ``(batch_size, output_dim)``.

    >>> m = R2Score(); m.update_state([[1.], [4.], [3.]], [[2.], [4.], [4.]]); m.result()
    tensor(0.5714)
    """

    def __init__(self, class_aggregation: Optional[str] = "uniform_average",
                 num_regressors: int = 0, name: str = "r2_score", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of "
                             f"{valid}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value "
                             f">= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_weight("num_samples", dtype="int32")
        self.built = False

    def build(self, y_true_shape: Any, y_pred_shape: Any) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        shape = (int(y_pred_shape[-1]),)
        self.squared_sum = self.add_weight("squared_sum", shape=shape)
        self.sum = self.add_weight("sum", shape=shape)
        self.total_mse = self.add_weight("residual", shape=shape)
        self.count = self.add_weight("count", shape=shape)
        self.built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else self._state_device()
        y_true = losses_mod.as_tensor(y_true, device).to(self._torch_dtype)
        y_pred = losses_mod.as_tensor(y_pred, device).to(self._torch_dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        self._move_state_to(device)
        if sample_weight is None:
            weight = torch.ones((), dtype=self._torch_dtype, device=device)
        else:
            weight = losses_mod.as_tensor(sample_weight, device).to(self._torch_dtype)
        if weight.dim() == 1:
            weight = weight.unsqueeze(1)  # a features axis
        weight = torch.broadcast_to(weight, y_true.shape)
        weighted_y_true = y_true * weight
        self.sum.add_(weighted_y_true.sum(0))
        self.squared_sum.add_((y_true * weighted_y_true).sum(0))
        self.total_mse.add_(((y_true - y_pred) ** 2 * weight).sum(0))
        self.count.add_(weight.sum(0))
        self.num_samples.add_(y_true.numel())

    def result(self) -> torch.Tensor:
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw_scores = 1 - (self.total_mse / total)
        raw_scores = torch.where(torch.isinf(raw_scores), torch.zeros_like(raw_scores),
                                 raw_scores)
        if self.class_aggregation == "uniform_average":
            score = raw_scores.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw_scores).sum() / total.sum()
        else:
            score = raw_scores
        if self.num_regressors != 0:
            samples = int(self.num_samples)  # result() only: one host read
            if self.num_regressors > samples - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 "
                              "score. Falling back to standard R2 score.", stacklevel=2)
            elif self.num_regressors == samples - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            else:
                n, p = float(samples), float(self.num_regressors)
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return score

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


__all__ = ["R2Score"]
