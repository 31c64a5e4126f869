"""What ``compile()`` sets up: the losses of each output and the metrics, as tf-keras's
``LossesContainer``/``MetricsContainer`` do (names, order, weighting, reduction)."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

import torch

from torchkeras import losses as losses_module
from torchkeras import metrics as metrics_module
from torchkeras.losses import apply_mask, match_dtype_and_rank
from torchkeras.backend.masking import get_keras_mask


def spread_over_outputs(value: Any, output_names: List[str], check_keys: bool = True,
                        list_error: Optional[Callable[[Any], str]] = None,
                        single_error: Optional[Callable[[Any], str]] = None) -> List[Any]:
    """One entry per output from ``value``: ``None`` for each, a dict by output name, a
    list (``list_error(value)``: the message when its length is not the output count), or
    one value for all (``single_error(value)``: the message when several outputs need
    several values)."""
    count = len(output_names)
    if value is None:
        return [None] * count
    if isinstance(value, dict):
        if check_keys:
            unknown = [k for k in value if k not in output_names]
            if unknown:
                raise ValueError(f"Found unexpected keys that do not correspond to any Model "
                                 f"output: {unknown}. Expected: {output_names}")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)):
        if list_error is not None and len(value) != count:
            raise ValueError(list_error(value))
        return list(value)
    if single_error is not None and count > 1:
        raise ValueError(single_error(value))
    return [value] * count


def _compile_argument(value: Any, output_names: List[str], argument: str) -> List[Any]:
    """A compile argument (``loss``, ``loss_weights``) per output."""
    count = len(output_names)
    return spread_over_outputs(
        value, output_names,
        list_error=lambda v: f"When passing a list as `{argument}`, it should have one entry "
                             f"per model output. The model has {count} output(s), but you "
                             f"passed {argument}={v}")


def accumulate_mean(tracker: Any, value: torch.Tensor, weight: int) -> None:
    """``tracker.update_state(value, sample_weight=weight)`` for a scalar loss and a batch
    size known on the host: two in-place ops, no host sync (the hot path's loss tracking)."""
    if tracker.total.device != value.device:
        tracker._move_state_to(value.device)
    tracker.total.add_(value.detach(), alpha=weight)
    tracker.count.add_(weight)


def batch_size_of(y_true: List[Any]) -> int:
    """The batch size the loss trackers weight by: the last output with a target."""
    for y_t in reversed(y_true):
        if y_t is not None:
            shape = getattr(y_t, "shape", ())
            return int(shape[0]) if len(shape) else 1
    return 0


class LossesContainer:
    """The total loss over the outputs, and its trackers (``loss``, ``<output>_loss``)."""

    def __init__(self, loss: Any, loss_weights: Any, output_names: List[str],
                 display_names: Optional[List[str]] = None):
        """``output_names`` pick each output's entry of a dict; ``display_names`` (the
        model's ``output_names``, by default those) prefix the tracker names."""
        self.output_names = output_names
        self.display_names = list(display_names or output_names)
        losses = _compile_argument(loss, output_names, "loss")
        self.losses = [None if l is None else losses_module.to_loss_object(l) for l in losses]
        weights = _compile_argument(loss_weights, output_names, "loss_weights")
        self.loss_weights = [None if w is None else float(w) for w in weights]
        self.total_tracker = metrics_module.Mean(name="loss")
        self.output_trackers = [metrics_module.Mean(name=f"{name}_loss")
                                if len(output_names) > 1 and l is not None else None
                                for name, l in zip(self.display_names, self.losses)]
        self.built = False  # tf-keras: the trackers join `model.metrics` at the first step

    @property
    def metrics(self) -> list:
        return [self.total_tracker] + [t for t in self.output_trackers if t is not None]

    def __call__(self, y_true: List[Any], y_pred: List[torch.Tensor],
                 sample_weights: List[Any], regularization: Optional[torch.Tensor]
                 ) -> torch.Tensor:
        """The total loss; the trackers are updated with it."""
        total, per_output = self.compute(y_true, y_pred, sample_weights, regularization)
        self.track(total, per_output, batch_size_of(y_true))
        return total

    def compute(self, y_true: List[Any], y_pred: List[torch.Tensor], sample_weights: List[Any],
                regularization: Optional[torch.Tensor]
                ) -> Tuple[torch.Tensor, List[Optional[torch.Tensor]]]:
        """``(total, per-output losses)`` without touching the trackers (pure tensor work:
        what ``jit_compile`` traces with the forward)."""
        total = None
        per_output: List[Optional[torch.Tensor]] = []
        for index, loss_obj in enumerate(self.losses):
            y_t = y_true[index] if index < len(y_true) else None
            if loss_obj is None or y_t is None:
                per_output.append(None)
                continue
            y_p = y_pred[index]
            sw = sample_weights[index] if index < len(sample_weights) else None
            y_t, y_p, sw = match_dtype_and_rank(y_t, y_p, sw)
            value = loss_obj(y_t, y_p, sample_weight=sw)
            per_output.append(value)
            weight = self.loss_weights[index]
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()` and "
                             "targets `y` in `fit()`.")
        if regularization is not None:
            total = total + regularization
        return total, per_output

    def track(self, total: torch.Tensor, per_output: List[Optional[torch.Tensor]],
              batch_size: int) -> None:
        """Add one batch's losses to the ``loss`` and ``<output>_loss`` trackers."""
        self.built = True
        for tracker, value in zip(self.output_trackers, per_output):
            if tracker is not None and value is not None:
                accumulate_mean(tracker, value, batch_size)
        accumulate_mean(self.total_tracker, total, batch_size)

    def reset_state(self) -> None:
        for tracker in self.metrics:
            tracker.reset_state()


class MetricsContainer:
    """Compiled metrics per output, resolved on the first batch (they need shapes)."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: List[str],
                 display_names: Optional[List[str]] = None):
        """``output_names`` pick each output's entry of a dict; ``display_names`` (the
        model's ``output_names``, by default those) prefix the metric names."""
        self.output_names = output_names
        self.display_names = list(display_names or output_names)
        self._metrics_spec = self._spread(metrics, "metrics")
        self._weighted_spec = self._spread(weighted_metrics, "weighted_metrics")
        self._metrics: List[List[Any]] = []
        self._weighted: List[List[Any]] = []
        self.built = False

    def _spread(self, value: Any, argument: str) -> List[List[Any]]:
        count = len(self.output_names)
        if value is None:
            return [[] for _ in range(count)]
        if isinstance(value, dict):
            return [_as_list(v) for v in spread_over_outputs(value, self.output_names)]
        if isinstance(value, (list, tuple)) and value and all(
                isinstance(v, (list, tuple)) or v is None for v in value):
            if len(value) != count:
                raise ValueError(f"For a model with multiple outputs, when providing the "
                                 f"`{argument}` argument as a list, it should have as many "
                                 f"entries as the model has outputs. Received:\n{argument}="
                                 f"{value}\nof length {len(value)} whereas the model has "
                                 f"{count} outputs.")
            return [_as_list(v) for v in value]
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [list(value) for _ in range(count)]

    def build(self, y_true: List[Any], y_pred: List[torch.Tensor]) -> None:
        self._metrics = [[metrics_module.resolve_metric(m, y_t, y_p) for m in spec]
                         for spec, y_t, y_p in zip(self._metrics_spec, y_true, y_pred)]
        self._weighted = [[metrics_module.resolve_metric(m, y_t, y_p) for m in spec]
                          for spec, y_t, y_p in zip(self._weighted_spec, y_true, y_pred)]
        self._set_names()
        self.built = True

    def _set_names(self) -> None:
        names = set()
        multi = len(self.output_names) > 1
        for output_name, plain, weighted in zip(self.display_names, self._metrics,
                                                self._weighted):
            for metric in plain:
                if multi:
                    metric._name = f"{output_name}_{metric.name}"
                if metric.name in names:
                    raise ValueError(f"Found two metrics with the same name: {metric.name}. "
                                     "All the metrics added to the model need to have unique "
                                     "names.")
                names.add(metric.name)
            for metric in weighted:
                if multi:
                    prefixed = f"{output_name}_{metric.name}"
                    metric._name = (f"{output_name}_weighted_{metric.name}"
                                    if prefixed in names else prefixed)
                elif metric.name in names:
                    metric._name = f"weighted_{metric.name}"
                if metric.name in names:
                    raise ValueError(f"Found two metrics with the same name: {metric.name}. "
                                     "All the metrics added to the model need to have unique "
                                     "names.")
                names.add(metric.name)

    @property
    def metrics(self) -> list:
        ordered = []
        for plain, weighted in zip(self._metrics, self._weighted):
            ordered.extend(plain)
            ordered.extend(weighted)
        return ordered

    def update_state(self, y_true: List[Any], y_pred: List[torch.Tensor],
                     sample_weights: List[Any]) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        for index, (plain, weighted) in enumerate(zip(self._metrics, self._weighted)):
            y_t = y_true[index] if index < len(y_true) else None
            if y_t is None or (not plain and not weighted):
                continue
            sw = sample_weights[index] if index < len(sample_weights) else None
            y_t, y_p, sw = match_dtype_and_rank(y_t, y_pred[index], sw)
            mask = get_keras_mask(y_pred[index])
            for metric in plain:  # Keras: plain metrics see only the mask
                metric.update_state(y_t, y_p, sample_weight=mask)
            if weighted:
                weights = apply_mask(y_p, sw, mask)
                for metric in weighted:
                    metric.update_state(y_t, y_p, sample_weight=weights)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def _as_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
