"""Metrics that reduce values into a total (and a count): Sum, Mean, MeanMetricWrapper.

Keras's weighted mean: ``total += sum(values * w)``, ``count += sum(w)`` with ``w``
broadcast to the values' shape; ``result = total / count`` (0 when count is 0).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import torch

from torchkeras import losses as losses_mod
from torchkeras.metrics.base import Metric


# `metrics.get`, the package's name lookup: it knows every metric module, so it sits above
# this one, and metrics/__init__.py sets it here.
_metric_lookup: Callable[[Any], Any]

class MetricReduction:
    """How a :class:`Reduce` metric combines values."""
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    WEIGHTED_MEAN = "weighted_mean"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _broadcastable(weight_shape: torch.Size, value_shape: torch.Size) -> bool:
    """``tf.broadcast_weights``'s rule: a scalar, or same rank with each dim 1 or equal."""
    if len(weight_shape) == 0:
        return True
    if len(weight_shape) != len(value_shape):
        return False
    return all(w == 1 or w == v for w, v in zip(weight_shape, value_shape))


class Reduce(Metric):
    """Reduces values into ``total`` (and ``count`` for the mean reductions)."""

    def __init__(self, reduction: str, name: Optional[str], dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_weight("total", initializer="zeros")
        if reduction in (MetricReduction.SUM_OVER_BATCH_SIZE, MetricReduction.WEIGHTED_MEAN):
            self.count = self.add_weight("count", initializer="zeros")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add ``values`` (weighted by ``sample_weight``) to the state; no host sync."""
        if isinstance(values, dict):
            raise RuntimeError(f"The output of a metric function can only be a single Tensor. "
                               f"Received: {values}. To return a dict of values, implement a "
                               "custom Metric subclass.")
        device = values.device if isinstance(values, torch.Tensor) else self._state_device()
        self._move_state_to(device)
        values = losses_mod.as_tensor(values, device)
        if values.dtype != self._torch_dtype:
            values = values.to(self._torch_dtype)
        num_values: Any = values.numel()
        if sample_weight is not None:
            if _is_number(sample_weight):  # e.g. the batch size: no tensor, no copy
                values = values * float(sample_weight)
                num_values = float(sample_weight) * values.numel()
            else:
                values, sample_weight = self._weigh(values, sample_weight)
                values = values * sample_weight
                num_values = sample_weight.sum()
        self.total.add_(values.sum())
        if self.reduction == MetricReduction.SUM:
            return
        if self.reduction == MetricReduction.SUM_OVER_BATCH_SIZE:
            num_values = values.numel()
        elif self.reduction != MetricReduction.WEIGHTED_MEAN:
            raise NotImplementedError(f'Reduction "{self.reduction}" not implemented. Expected '
                                      '"sum", "weighted_mean", or "sum_over_batch_size".')
        self.count.add_(num_values)

    def _weigh(self, values: torch.Tensor, sample_weight: Any):
        """Weights shaped like ``values`` (tf-keras: squeeze/expand, broadcast, or reduce)."""
        sample_weight = losses_mod.as_tensor(sample_weight, values.device)
        if sample_weight.dtype != self._torch_dtype:
            sample_weight = sample_weight.to(self._torch_dtype)
        values, _, sample_weight = losses_mod.squeeze_or_expand_dimensions(
            values, sample_weight=sample_weight)
        if _broadcastable(sample_weight.shape, values.shape):
            return values, sample_weight.expand(values.shape)
        weight_ndim = sample_weight.ndim
        if weight_ndim < values.ndim:  # reduce the extra trailing dims of the values
            dims = tuple(range(weight_ndim, values.ndim))
            if self.reduction == MetricReduction.SUM:
                values = values.sum(dim=dims)
            else:
                values = values.mean(dim=dims)
        if not _broadcastable(sample_weight.shape, values.shape):
            raise ValueError(f"weights can not be broadcast to values. "
                             f"values.shape={tuple(values.shape)}. "
                             f"weights.shape={tuple(sample_weight.shape)}.")
        return values, sample_weight.expand(values.shape)

    def result(self) -> torch.Tensor:
        if self.reduction == MetricReduction.SUM:
            return self.total.clone()
        return divide_no_nan(self.total, self.count)


def divide_no_nan(numerator: torch.Tensor, denominator: torch.Tensor) -> torch.Tensor:
    """``numerator / denominator``, 0 where the denominator is 0 (on the device)."""
    safe = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
    return torch.where(denominator == 0, torch.zeros_like(numerator), numerator / safe)


class Sum(Reduce):
    """The (weighted) sum of the values."""

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(reduction=MetricReduction.SUM, name=name, dtype=dtype)


class Mean(Reduce):
    """The (weighted) mean of the values.

    >>> m = Mean(); m.update_state([1.0, 3.0, 5.0, 7.0]); m.result()
    tensor(4.)
    """

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(reduction=MetricReduction.WEIGHTED_MEAN, name=name, dtype=dtype)


class SumOverBatchSize(Reduce):
    """Sum of the weighted values divided by the number of values."""

    def __init__(self, name: str = "sum_over_batch_size", dtype: Any = None):
        super().__init__(reduction=MetricReduction.SUM_OVER_BATCH_SIZE, name=name, dtype=dtype)


def _apply_fn(metric: Reduce, fn: Callable, fn_kwargs: Dict[str, Any], y_true: Any,
              y_pred: Any, sample_weight: Any) -> None:
    """Shared body of the metric wrappers: cast, align ranks, call ``fn``, reduce."""
    device = y_pred.device if isinstance(y_pred, torch.Tensor) else (
        y_true.device if isinstance(y_true, torch.Tensor) else metric._state_device())
    y_pred = losses_mod.as_tensor(y_pred, device)
    y_true = losses_mod.as_tensor(y_true, device)
    if y_true.dtype != metric._torch_dtype:
        y_true = y_true.to(metric._torch_dtype)
    if y_pred.dtype != metric._torch_dtype:  # a no-op cast keeps y_pred (and its logits)
        y_pred = y_pred.to(metric._torch_dtype)
    y_pred, y_true = losses_mod.squeeze_or_expand_dimensions(y_pred, y_true)
    matches = fn(y_true, y_pred, **fn_kwargs)
    if not isinstance(matches, torch.Tensor):
        matches = losses_mod.as_tensor(matches, device)
    mask = losses_mod.get_mask(matches)
    sample_weight = losses_mod.apply_valid_mask(matches, sample_weight, mask, metric.reduction)
    Reduce.update_state(metric, matches, sample_weight=sample_weight)


class MeanMetricWrapper(Mean):
    """The weighted mean of ``fn(y_true, y_pred, **kwargs)`` over all samples.

    >>> m = MeanMetricWrapper(losses.mean_absolute_error, name="mae")
    >>> m.update_state([[0.0], [1.0]], [[0.5], [3.0]]); m.result()
    tensor(1.2500)
    """

    def __init__(self, fn: Callable, name: Optional[str] = None, dtype: Any = None,
                 **kwargs: Any):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        _apply_fn(self, self._fn, self._fn_kwargs, y_true, y_pred, sample_weight)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        for key, value in self._fn_kwargs.items():
            config[key] = value.tolist() if isinstance(value, torch.Tensor) else value
        if type(self) is MeanMetricWrapper:
            config["fn"] = self._fn
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "MeanMetricWrapper":
        config = dict(config)
        fn = config.pop("fn", None)
        if cls is MeanMetricWrapper:
            return cls(_metric_lookup(fn), **config)
        return cls(**config)


class SumOverBatchSizeMetricWrapper(SumOverBatchSize):
    """``sum(fn(y_true, y_pred) * w) / number of values``."""

    def __init__(self, fn: Callable, name: Optional[str] = None, dtype: Any = None,
                 **kwargs: Any):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        _apply_fn(self, self._fn, self._fn_kwargs, y_true, y_pred, sample_weight)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

__all__ = ["Reduce", "Sum", "Mean", "SumOverBatchSize", "MeanMetricWrapper",
           "SumOverBatchSizeMetricWrapper"]
