"""The default bodies of Keras's overridable steps and the compiled-loss API a custom
``train_step`` uses: ``Model.train_step``/``test_step`` (unless overridden),
``compute_loss``, ``compute_metrics``, ``compiled_loss`` and ``compiled_metrics``. Each
reuses the compiled model's cached :class:`~torchkeras.engine.step_runner.StepRunner`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict

import torch

from torchkeras.engine import data as data_module
from torchkeras.engine.compiled_model import flat_outputs, flat_targets, flat_weights, \
    logs_to_floats, require_compiled
from torchkeras.metrics.base import Metric
from torchkeras.engine.step_runner import runner_for

if TYPE_CHECKING:  # for annotations only: model.py imports this module
    from torchkeras.engine.model import Model


def default_train_step(model: "Model", data: Any) -> Dict[str, Any]:
    """What ``Model.train_step`` does unless overridden; returns the metric results."""
    x, y, sample_weight = data_module.unpack_batch(data)
    runner_for(model).builtin_train_step(x, y, sample_weight)
    return {m.name: m.result() for m in model.metrics}


def default_test_step(model: "Model", data: Any) -> Dict[str, Any]:
    """What ``Model.test_step`` does unless overridden; returns the metric results."""
    x, y, sample_weight = data_module.unpack_batch(data)
    runner_for(model).builtin_test_step(x, y, sample_weight)
    return {m.name: m.result() for m in model.metrics}


def compute_loss(model: "Model", x: Any = None, y: Any = None, y_pred: Any = None,
                 sample_weight: Any = None) -> torch.Tensor:
    """The compiled loss (with regularization) for ``y_pred``; updates the loss trackers."""
    compiled = require_compiled(model, "compute_loss")
    if compiled.losses is None:  # no compiled loss: the added and regularization losses
        total = runner_for(model).regularization_loss()
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total
    return compiled.losses(flat_targets(compiled, y), flat_outputs(model, y_pred),
                           flat_weights(compiled, sample_weight),
                           runner_for(model).regularization_loss())


def compute_metrics(model: "Model", x: Any, y: Any, y_pred: Any,
                    sample_weight: Any = None) -> Dict[str, Any]:
    """Update the compiled metrics and return every metric's result."""
    compiled = require_compiled(model, "compute_metrics")
    with torch.no_grad():
        compiled.metrics_container.update_state(flat_targets(compiled, y),
                                                flat_outputs(model, y_pred),
                                                flat_weights(compiled, sample_weight))
    return {m.name: m.result() for m in model.metrics}


def own_metrics(model: Any) -> list:
    """The ``Metric`` objects held as attributes of ``model`` itself, in assignment order."""
    return [value for value in vars(model).values() if isinstance(value, Metric)]


def reset_listed_metrics(model: Any) -> None:
    """``reset_state()`` on everything ``model.metrics`` lists (an override included): what
    Keras 3 does at each epoch start of ``fit`` and at the start of ``evaluate``."""
    for metric in model.metrics:
        reset = getattr(metric, "reset_state", None)
        if reset is not None:
            reset()


def metrics_result(model: Any) -> Dict[str, Any]:
    """``Model.get_metrics_result()``: each metric's result (dict results merged), floats."""
    results: Dict[str, Any] = {}
    for metric in model.metrics:
        value = metric.result()
        if isinstance(value, dict):
            results.update(value)
        else:
            results[metric.name] = value
    return logs_to_floats(results)


class CompiledLoss:
    """``model.compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``
    as Keras 2's custom ``train_step`` examples use it."""

    def __init__(self, model: "Model"):
        self.model = model

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None,
                 regularization_losses: Any = None) -> torch.Tensor:
        compiled = require_compiled(self.model, "compiled_loss")
        regularization = None
        for value in regularization_losses or []:
            regularization = value if regularization is None else regularization + value
        return compiled.losses(flat_targets(compiled, y_true),
                               flat_outputs(self.model, y_pred),
                               flat_weights(compiled, sample_weight), regularization)


class CompiledMetrics:
    """``model.compiled_metrics.update_state(y, y_pred, sample_weight=None)``."""

    def __init__(self, model: "Model"):
        self.model = model

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        compute_metrics(self.model, None, y_true, y_pred, sample_weight)

    @property
    def metrics(self) -> list:
        compiled = self.model.compiled
        container = compiled.metrics_container if compiled is not None else None
        return container.metrics if container is not None else []
