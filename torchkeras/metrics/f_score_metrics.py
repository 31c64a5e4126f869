"""F-beta and F1 scores (``keras.metrics.FBetaScore``, ``F1Score``)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras import losses as losses_mod
from torchkeras.metrics.base import Metric
from torchkeras.metrics.reduction import divide_no_nan


class FBetaScore(Metric):
    """``(1 + beta^2) * P * R / (beta^2 * P + R)`` per class, or averaged.

    ``average``: None (one score per class), ``'micro'`` (global counts), ``'macro'``
    (mean over classes), ``'weighted'`` (weighted by the true count of each class).
    ``threshold=None`` takes each row's highest score as the prediction.
    Inputs are 2-D ``(batch_size, num_classes)``.

    >>> m = FBetaScore(beta=2.0, average='micro')
    """

    def __init__(self, average: Optional[str] = None, beta: float = 1.0,
                 threshold: Optional[float] = None, name: str = "fbeta_score",
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: "
                             "{None, 'micro', 'macro', 'weighted'}. "
                             f"Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError("Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. "
                             f"Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python "
                                 f"float. Received: threshold={threshold} of type "
                                 f"'{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify "
                                 f"0 < threshold <= 1. Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def build(self, y_true_shape: Any, y_pred_shape: Any) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("FBetaScore expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        shape = (int(y_pred_shape[-1]),) if self.average != "micro" else ()
        self.true_positives = self.add_weight("true_positives", shape=shape)
        self.false_positives = self.add_weight("false_positives", shape=shape)
        self.false_negatives = self.add_weight("false_negatives", shape=shape)
        self.intermediate_weights = self.add_weight("intermediate_weights", shape=shape)
        self.built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else self._state_device()
        y_true = losses_mod.as_tensor(y_true, device).to(self._torch_dtype)
        y_pred = losses_mod.as_tensor(y_pred, device).to(self._torch_dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        self._move_state_to(device)
        if self.threshold is None:
            threshold = y_pred.max(dim=-1, keepdim=True).values
            predicted = (y_pred >= threshold) & (y_pred.abs() > 1e-9)
        else:
            predicted = y_pred > self.threshold
        y_pred = predicted.to(self._torch_dtype)
        weight = None
        if sample_weight is not None:
            weight = losses_mod.as_tensor(sample_weight, device).to(self._torch_dtype)
            weight = weight.unsqueeze(1)

        def weighted_sum(value: torch.Tensor) -> torch.Tensor:
            if weight is not None:
                value = value * weight
            return value.sum() if self.axis is None else value.sum(self.axis)

        self.true_positives.add_(weighted_sum(y_pred * y_true))
        self.false_positives.add_(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.add_(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.add_(weighted_sum(y_true))

    def result(self) -> torch.Tensor:
        if not self.built:
            return torch.zeros((), dtype=self._torch_dtype, device=self._state_device())
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = divide_no_nan(tp, tp + fp)
        recall = divide_no_nan(tp, tp + fn)
        beta_sq = float(self.beta) ** 2
        mean = divide_no_nan(precision * recall, beta_sq * precision + recall)
        score = mean * (1 + beta_sq)
        if self.average == "weighted":
            weights = divide_no_nan(self.intermediate_weights, self.intermediate_weights.sum())
            score = (score * weights).sum()
        elif self.average is not None:  # micro, macro
            score = score.mean()
        return score

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """F-beta score with ``beta=1``: the harmonic mean of precision and recall."""

    def __init__(self, average: Optional[str] = None, threshold: Optional[float] = None,
                 name: str = "f1_score", dtype: Any = None) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config


__all__ = ["FBetaScore", "F1Score"]
