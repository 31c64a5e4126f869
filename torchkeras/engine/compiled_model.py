"""The state ``compile()`` creates: optimizer, loss and metric containers, the cached step.

``CompiledModel`` holds what one ``compile()`` call decided (the optimizer, the losses and
metrics of each output, ``jit_compile``, ``steps_per_execution``) and the step built
from it once (``runner``, a :class:`~torchkeras.engine.step_runner.StepRunner`), reused by
``fit``, ``evaluate``, the ``*_on_batch`` methods and a custom ``train_step``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

import numpy as np
import torch

from torchkeras import distribute
from torchkeras import optimizers as optimizers_module
from torchkeras.engine import jit as jit_module
from torchkeras.engine.compile_utils import LossesContainer, MetricsContainer, \
    spread_over_outputs
from torchkeras.metrics import Mean
from torchkeras.metrics.base import Metric
from torchkeras.mixed_precision import LossScaleOptimizer
from torchkeras.backend import nest

if TYPE_CHECKING:  # for annotations only: model.py imports this module
    from torchkeras.engine.model import Model


class CompiledModel:
    """The state ``compile()`` creates: optimizer, losses, metrics, and the step."""

    # The compiled forward and loss of this compile (``jit_compile``; an
    # ``engine.jit.JitLossStep``): made by the StepRunner on first use, kept across fits.
    jit_step: Any = None

    def __init__(self, model: "Model", optimizer: Any, loss: Any, metrics: Any, loss_weights: Any,
                 weighted_metrics: Any, jit_compile: Any, steps_per_execution: Any = None):
        self.model = model
        self.loss_identifier = loss
        self.optimizer = resolve_optimizer(model, optimizer)
        self.output_names = output_keys(model)
        self.loss_spec = (loss, loss_weights)
        self.metrics_spec = (metrics, weighted_metrics)
        self.losses: Optional[LossesContainer] = None
        self.metrics_container: Optional[MetricsContainer] = None
        self.jit_backend = jit_module.jit_backend(jit_compile)  # None: eager (the default)
        self.jit_compile = self.jit_backend is not None
        self.steps_per_execution = check_steps_per_execution(steps_per_execution)
        self.custom_logs: Optional[Dict[str, Any]] = None  # returned by a custom step
        self._loss_tracker: Any = None  # see loss_tracker()
        # The StepRunner of this compile, made on first use and kept (step_runner.runner_for).
        self.runner: Any = None
        if not self._outputs_unknown():
            self._make_containers()

    def _outputs_unknown(self) -> bool:
        """A subclassed model not called yet, compiled with a list or dict of losses or
        metrics: its outputs are counted at the first batch (``refresh_output_names``)."""
        model = self.model
        if model.functional_graph is not None or model.outputs is not None or \
                "_subclass_output_names" in model.__dict__:
            return False
        loss, loss_weights = self.loss_spec
        metrics, weighted = self.metrics_spec
        per_output = [isinstance(v, dict) or (isinstance(v, (list, tuple)) and len(v) > 1)
                      for v in (loss, loss_weights)]
        per_output += [isinstance(v, dict) or (isinstance(v, (list, tuple)) and any(
            isinstance(i, (list, tuple, dict)) for i in v)) for v in (metrics, weighted)]
        return any(per_output)

    def _make_containers(self) -> None:
        """The compiled losses (``None`` without a loss) and metrics (also without a loss:
        a custom ``train_step`` updates them through ``compiled_metrics``)."""
        loss, loss_weights = self.loss_spec
        display = list(self.model.output_names)
        self.losses = LossesContainer(loss, loss_weights, self.output_names, display) \
            if loss is not None else None
        metrics, weighted = self.metrics_spec
        self.metrics_container = MetricsContainer(metrics, weighted, self.output_names, display)

    def refresh_output_names(self) -> None:
        """Subclassed/lazy models learn their outputs on the first batch."""
        names = output_keys(self.model)
        if names and (names != self.output_names or self.metrics_container is None):
            self.output_names = names
            self._make_containers()

    def loss_tracker(self) -> Any:
        """``Mean(name='loss')`` for a loss the compiled losses do not compute (a subclass's
        own ``compute_loss``); made on first use."""
        if self._loss_tracker is None:
            self._loss_tracker = Mean(name="loss")
        return self._loss_tracker

    def metric_objects(self) -> list:
        container = self.metrics_container
        built = container.metrics if container is not None and container.built else []
        if self.losses is not None:  # tf-keras 2: nothing before the first train/test step
            return (self.losses.metrics if self.losses.built else []) + built
        return ([self._loss_tracker] if self._loss_tracker is not None else []) + built

    def reset_metrics(self) -> None:
        self.custom_logs = None
        if self.losses is not None:
            self.losses.reset_state()
        if self._loss_tracker is not None:
            self._loss_tracker.reset_state()
        if self.metrics_container is not None:
            self.metrics_container.reset_state()
        model = self.model
        if _lists_own_metrics(model):
            for metric in model.metrics:
                reset = getattr(metric, "reset_state", None)
                if reset is not None:
                    reset()

    def read_logs(self, sync: bool = True) -> Dict[str, float]:
        """The current metric values as Python floats (one host sync). After a custom
        ``train_step``/``test_step``, the values of the dict it returned. When distributed
        and ``sync``, the metric states are summed over processes first (a collective:
        every process must call it at the same point)."""
        if self.custom_logs is not None:
            logs = self.custom_logs
            if sync and distribute.is_distributed():
                logs = distribute.average_logs(logs)
            return logs_to_floats(logs)
        metrics = self.metric_objects()
        if not metrics:
            return {}
        with distribute.maybe_global(metrics, sync):
            results = [m.result() for m in metrics]
        device = next((r.device for r in results if isinstance(r, torch.Tensor)),
                      torch.device("cpu"))
        values = torch.stack([torch.as_tensor(r, dtype=torch.float32).reshape(()).to(device)
                              for r in results]).cpu().tolist()  # the one host read
        return {m.name: v for m, v in zip(metrics, values)}


def _lists_own_metrics(model: Any) -> bool:
    """Whether ``model.metrics`` has more than the compiled metrics: a user subclass overrides
    ``metrics`` or holds ``Metric`` attributes (``self.loss_tracker = Mean()``, Keras 3)."""
    return any("metrics" in vars(k) for k in type(model).__mro__
               if not k.__module__.startswith("torchkeras.")) or \
        any(isinstance(v, Metric) for v in vars(model).values())


def logs_to_floats(logs: Dict[str, Any]) -> Dict[str, float]:
    tensors = {k: v for k, v in logs.items() if isinstance(v, torch.Tensor)}
    values = dict(logs)
    if tensors:
        stacked = torch.stack([t.detach().reshape(()).float().cpu() for t in tensors.values()])
        values.update(zip(tensors, stacked.tolist()))
    return {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v)
            for k, v in values.items()}


def resolve_optimizer(model: "Model", optimizer: Any) -> Any:
    """The optimizer ``compile`` uses; under ``'mixed_float16'`` wrapped in a
    ``LossScaleOptimizer``, as tf-keras's ``compile`` does."""
    if isinstance(optimizer, LossScaleOptimizer):
        return optimizer
    optimizer = optimizers_module.get(optimizer)
    policy = getattr(model, "dtype_policy", None)
    if policy is not None and policy.name == "mixed_float16":
        return LossScaleOptimizer(optimizer)
    return optimizer


def check_steps_per_execution(value: Any) -> int:
    """``compile(steps_per_execution=...)`` as a positive int (``None``: 1)."""
    if value is None:
        return 1
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`steps_per_execution` must be a positive integer. Received: "
                         f"steps_per_execution={value}")
    return int(value)


def require_compiled(model: "Model", method: str) -> CompiledModel:
    """``model.compiled``, or tf-keras's error when ``compile()`` was not called."""
    if model.compiled is None:
        raise RuntimeError("You must compile your model before training/testing. Use "
                           "`model.compile(optimizer, loss)`.")
    return model.compiled


# ------------------------------------------------- data, labels and outputs per output

def output_keys(model: "Model") -> List[str]:
    """The keys that pick each output's losses, metrics, targets and weights: a dict-output
    functional model's sorted dict keys (its ``output_names`` are the output layers' names,
    which may differ), else ``output_names``."""
    graph = model.functional_graph
    if graph is not None and isinstance(graph.output_structure, dict):
        return sorted(graph.output_structure)
    return list(model.output_names)


def flat_targets(compiled: CompiledModel, y: Any) -> List[Any]:
    """``y`` (one array, a list or a dict by output name) as one target per output."""
    names = compiled.output_names
    return spread_over_outputs(
        y, names,
        list_error=lambda value: f"The model has {len(names)} output(s) ({names}) but "
                                 f"received {len(value)} target array(s).",
        single_error=lambda value: f"The model has {len(names)} outputs ({names}) but a "
                                   "single target array was given: pass a list or a dict "
                                   "of targets.")


def flat_weights(compiled: CompiledModel, sample_weight: Any) -> List[Any]:
    """``sample_weight`` as one entry per output (a single array serves every output)."""
    return spread_over_outputs(sample_weight, compiled.output_names, check_keys=False)


def flat_outputs(model: "Model", outputs: Any) -> List[torch.Tensor]:
    """The model's outputs as a list in ``output_names`` order."""
    if isinstance(outputs, dict):
        return [outputs[name] for name in model.compiled.output_names]
    return nest.flatten(outputs)
