"""The step: one training or test batch through a compiled model.

:class:`StepRunner` holds what a step needs, decided once per ``compile()`` and kept on the
compiled model (:func:`runner_for`): the forward (plain, under autocast, DDP, or
``jit_compile``'s compiled region), the weights with regularizers and constraints, the
optimizer's direct ``zero_grad``/``step`` and the loss scaler.

Three names for three things:

- ``Model.train_step(data)``: Keras's public hook; a user may override it. Its default body
  is :func:`~torchkeras.engine.step_hooks.default_train_step`.
- :meth:`StepRunner.builtin_train_step`: the built-in step (forward, loss, backward, update,
  metrics); what the default hook and ``fit`` run.
- :meth:`StepRunner.dispatch_train_step`: what ``fit`` and ``train_on_batch`` call per
  batch: the user's override when there is one, else the built-in step.

The same holds for ``test_step``.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple

import torch
import torch.optim.optimizer as torch_optimizer

from torchkeras import distribute
from torchkeras.backend import phase
from torchkeras.engine import compile_utils
from torchkeras.engine import jit as jit_module
from torchkeras.engine.compiled_model import CompiledModel, flat_outputs, flat_targets, \
    flat_weights
from torchkeras.layers import added_losses
from torchkeras.layers.base import _call_parameters
from torchkeras.mixed_precision import LossScaleOptimizer
from torchkeras.layers.autocast import autocast_dtype_of, autocast_for, prepare_mixed, \
    to_float32
from torchkeras.backend import nest

if TYPE_CHECKING:  # for annotations only: model.py imports this module
    from torchkeras.engine.model import Model


def runner_for(model: "Model") -> "StepRunner":
    """The compiled model's :class:`StepRunner`, made once per ``compile()`` (again only
    when ``torch.distributed`` was initialized or shut down since: the DDP step differs)."""
    compiled = model.compiled
    runner = compiled.runner if compiled is not None else None
    if runner is None or runner.model is not model or \
            distribute.is_distributed() != (runner.distributed is not None):
        runner = StepRunner(model)
        if compiled is not None:
            compiled.runner = runner
    return runner


class StepRunner:
    """Runs the train and test steps of a compiled model (see the module docstring)."""

    def __init__(self, model: "Model"):
        self.model = model
        self.compiled: Optional[CompiledModel] = model.compiled
        self._regularized = None
        self._constrained = None
        self._optimizer_calls = None
        # DDP forward and loss scaling; None in one process (no extra work per step).
        self.distributed = distribute.DistributedStep(
            model, functools.partial(model_call, model, training=True)) \
            if distribute.is_distributed() else None
        # The forward: the model's call, or (mixed precision) a wrapper chosen once here,
        # so the default step does no extra work.
        self.autocast_dtype = mixed_autocast_dtype(model)  # once: the runner is kept
        self._forward = functools.partial(model_call, model)
        if self.autocast_dtype is not None:
            self._forward = self._mixed_forward
        compiled = self.compiled
        self.jit = None  # jit_compile: the forward and loss as one compiled region
        self._takes_training = bool(_call_parameters(type(model))[0])
        if compiled is not None and compiled.jit_backend is not None and \
                self.distributed is None:
            jit = compiled.jit_step
            if jit is None or jit.model is not model:
                jit = jit_module.JitLossStep(model, compiled.jit_backend, self._loss_step)
                compiled.jit_step = jit  # compiled once per compile(), kept across fits
            self.jit = jit
        optimizer = compiled.optimizer if compiled is not None else None
        self.loss_scaler = optimizer if isinstance(optimizer, LossScaleOptimizer) else None

    def _mixed_forward(self, x: Any, training: bool) -> Any:
        """The forward under ``torch.autocast``; outputs as float32 for the loss (Keras's
        advice for mixed precision: a float32 output)."""
        with autocast_for(self.autocast_dtype, self.model._input_device()):
            outputs = model_call(self.model, x, training)
        return nest.map_structure(to_float32, outputs)

    def _loss_step(self, x: Any, y_true: List[Any], weights: List[Any]
                   ) -> Tuple[torch.Tensor, List[Any], List[Any]]:
        """The training forward and the compiled losses (what ``jit_compile`` compiles)."""
        if self.autocast_dtype is None:
            outputs = self._direct_call(x, True)
        else:
            with autocast_for(self.autocast_dtype, self.model._input_device()):
                outputs = nest.map_structure(to_float32, self._direct_call(x, True))
        y_pred = flat_outputs(self.model, outputs)
        total, per_output = self.compiled.losses.compute(y_true, y_pred, weights,
                                                         self.regularization_loss())
        return total, per_output, y_pred

    def _direct_call(self, x: Any, training: bool) -> Any:
        """``model.call`` without :func:`model_call`'s cached signature lookup (a cache
        call breaks a ``torch.compile`` graph)."""
        previous = phase.enter_call_training(training)  # for the layers `call` calls
        if added_losses.in_use():  # a new forward pass: earlier `add_loss` values are stale
            added_losses.new_generation()
        try:
            if self._takes_training:
                return self.model.call(x, training=training)
            return self.model.call(x)
        finally:
            phase.exit_call_training(previous)

    def _collect(self) -> None:
        regularized, constrained, activity = [], [], []
        for layer in self.model._flatten_layers():
            for spec in layer._weight_specs:
                if spec.regularizer is not None:
                    regularized.append((layer, spec))
                if spec.constraint is not None:
                    constrained.append((layer, spec))
            if getattr(layer, "activity_regularizer", None) is not None:
                activity.append(layer)  # its latest call recorded `_activity_loss`
        self._regularized = regularized
        self._activity = activity
        self._constrained = constrained

    def regularization_loss(self) -> Optional[torch.Tensor]:
        if self._regularized is None:
            self._collect()
        total = None
        for layer, spec in self._regularized:
            if not (spec.trainable and layer.trainable):
                continue
            value = spec.regularizer(spec.layout.to_keras(getattr(layer, spec.attr_name)))
            total = value if total is None else total + value
        for layer in self._activity:
            value = layer.__dict__.get("_activity_loss")
            if value is not None:
                total = value if total is None else total + value
        extra = getattr(self.model, "_collect_added_losses", None)
        if extra is not None:
            for value in extra():  # `add_loss` values, each summed to a scalar (Keras 3)
                value = value.sum() if isinstance(value, torch.Tensor) else \
                    torch.as_tensor(value, dtype=torch.float32)
                total = value if total is None else total + value
        return total

    def apply_constraints(self) -> None:
        if self._constrained is None:
            self._collect()
        if not self._constrained:
            return
        with torch.no_grad():
            for layer, spec in self._constrained:
                tensor = getattr(layer, spec.attr_name)
                tensor.copy_(spec.layout.from_keras(spec.constraint(spec.layout.to_keras(tensor))))

    def refresh(self) -> None:
        """Look the regularized and constrained weights and the optimizer's parameters up
        again at the next step (``fit``/``evaluate`` start: layers may have changed)."""
        self._regularized = None
        self._constrained = None
        self._optimizer_calls = None

    def dispatch_train_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        """One training step: the model's own ``train_step`` when it overrides it (Keras's
        customisation point), else :meth:`builtin_train_step`."""
        if overrides(self.model, "train_step"):
            self._build_compiled_metrics(x, y)
            optimizer = self.compiled.optimizer
            if optimizer is not None and not optimizer.built and self.model.trainable_weights:
                optimizer.build(self.model.trainable_weights)
            if self.distributed is None:
                self.compiled.custom_logs = self.model.train_step(pack_data(x, y, sample_weight))
            else:  # apply_gradients averages the gradients over processes
                shard, self.distributed.shard = self.distributed.shard, None
                try:  # a super().train_step inside runs unsharded (its own whole step)
                    with distribute.averaged_gradients(optimizer):
                        self.compiled.custom_logs = self.model.train_step(
                            pack_data(x, y, sample_weight))
                finally:
                    self.distributed.shard = shard
        else:
            self.builtin_train_step(x, y, sample_weight)

    def dispatch_test_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        """One test step: the model's own ``test_step`` when it overrides it, else
        :meth:`builtin_test_step`."""
        if overrides(self.model, "test_step"):
            self._build_compiled_metrics(x, y)
            self.compiled.custom_logs = self.model.test_step(pack_data(x, y, sample_weight))
        else:
            self.builtin_test_step(x, y, sample_weight)

    def _build_compiled_metrics(self, x: Any, y: Any) -> None:
        """Resolve the compiled metrics before a custom step's first batch, so that
        ``self.metrics`` lists them there (Keras 3's guides iterate it); one gradient-free
        forward, once per compile."""
        container = self.compiled.metrics_container
        if container is None or container.built or y is None or not any(
                container._metrics_spec + container._weighted_spec):
            return
        with torch.no_grad():
            outputs = model_call(self.model, x, False)
        container.build(flat_targets(self.compiled, y), flat_outputs(self.model, outputs))

    def builtin_train_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        """Forward, compiled loss, backward, optimizer update, constraints, metrics."""
        model, compiled = self.model, self.compiled
        optimizer = compiled.optimizer
        ddp = self.distributed
        if ddp is not None and ddp.empty:  # no samples of this global batch here
            ddp.empty_step(x, self._optimizer_calls or _direct_optimizer_calls(optimizer))
            self.apply_constraints()
            return
        y_true = flat_targets(compiled, y)
        weights = flat_weights(compiled, sample_weight)
        custom_loss = compiled.losses is None or overrides(model, "compute_loss")
        if self.jit is None or custom_loss:
            outputs = self._forward(x, True) if ddp is None else ddp.forward(x)
            y_pred = flat_outputs(model, outputs)
            if custom_loss:  # Keras 3: the built-in step calls an overridden compute_loss
                loss = self._custom_compute_loss(x, y, outputs, sample_weight)
            else:
                loss = compiled.losses(y_true, y_pred, weights, self.regularization_loss())
        else:
            if self._regularized is None:
                self._collect()  # before tracing: a traced first-call branch would recompile
            if added_losses.in_use():  # outside the compiled step (see added_losses)
                added_losses.new_generation()
            loss, per_output, y_pred = self.jit(x, y_true, weights)
            compiled.losses.track(loss, per_output, compile_utils.batch_size_of(y_true))
        if ddp is not None:
            loss = ddp.scale_loss(loss)  # DDP's average = the global batch's gradient
        if not optimizer.built:
            optimizer.build(model.trainable_weights)  # Keras order and names
        if loss.requires_grad:  # a model without trainable weights only tracks metrics
            if self._optimizer_calls is None:
                self._optimizer_calls = _direct_optimizer_calls(optimizer)
            zero_grad, step = self._optimizer_calls
            zero_grad()
            if self.loss_scaler is None:
                loss.backward()
            else:  # mixed_float16: backward of the scaled loss; step() unscales or skips
                (loss * self.loss_scaler.loss_scale).backward()
            step()
            self.apply_constraints()
        with torch.no_grad():  # y_pred keeps _keras_logits/_keras_mask for the metrics
            compiled.metrics_container.update_state(y_true, y_pred, weights)

    def _custom_compute_loss(self, x: Any, y: Any, outputs: Any, sample_weight: Any
                             ) -> torch.Tensor:
        """A subclass's ``compute_loss(x, y, y_pred, sample_weight)`` (Keras 3), tracked
        as ``loss`` (batch-size weighted, as Keras 3's loss tracker)."""
        loss = self.model.compute_loss(x=x, y=y, y_pred=outputs, sample_weight=sample_weight)
        if not isinstance(loss, torch.Tensor):
            loss = torch.as_tensor(loss, dtype=torch.float32)
        first = next((t for t in nest.flatten(x) if isinstance(t, torch.Tensor)), None)
        batch = int(first.shape[0]) if first is not None and first.dim() else 1
        with torch.no_grad():
            self.compiled.loss_tracker().update_state(loss.detach(), sample_weight=batch)
        return loss

    def builtin_test_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        """Forward, compiled loss and metrics (the loss trackers too), no update."""
        model, compiled = self.model, self.compiled
        if self.distributed is not None and _empty_batch(x):
            return  # this process holds no sample of this (last, small) global batch
        outputs = self._forward(x, False)
        y_pred = flat_outputs(model, outputs)
        y_true = flat_targets(compiled, y)
        weights = flat_weights(compiled, sample_weight)
        if compiled.losses is None or overrides(model, "compute_loss"):
            self._custom_compute_loss(x, y, outputs, sample_weight)
        else:
            compiled.losses(y_true, y_pred, weights, self.regularization_loss())
        compiled.metrics_container.update_state(y_true, y_pred, weights)


def mixed_autocast_dtype(model: "Model") -> Optional[torch.dtype]:
    """The autocast dtype when the model or one of its layers has a mixed policy (looked
    up once per fit/evaluate/predict; its float32 layers then compute in float32), else
    None: the float32 default enters no autocast."""
    dtype = autocast_dtype_of(model)
    if dtype is not None:
        return dtype
    return prepare_mixed(model)


def _empty_batch(x: Any) -> bool:
    leaves = [t for t in nest.flatten(x) if t is not None]
    return bool(leaves) and int(leaves[0].shape[0]) == 0


def model_call(model: "Model", x: Any, training: bool) -> Any:
    """``model.call(x, training=...)``, or ``model.call(x)`` for a subclassed model whose
    ``call`` takes no ``training`` argument (as Keras allows)."""
    previous = phase.enter_call_training(training)  # the layers `call` calls get it too
    if added_losses.in_use():  # a new forward pass: earlier `add_loss` values are stale
        added_losses.new_generation()
    try:
        if _call_parameters(type(model))[0]:
            return model.call(x, training=training)
        return model.call(x)
    finally:
        phase.exit_call_training(previous)


def has_added_losses(model: Any) -> bool:
    """Whether a layer of ``model`` called ``add_loss`` (Keras 3: ``compile`` needs no loss
    then; the added losses are the loss)."""
    return any("_added_losses" in layer.__dict__ or "_added_loss_fns" in layer.__dict__
               for layer in model._flatten_layers())


def keras_default(method: Callable) -> Callable:
    """Mark a ``Model`` method as the default body of a Keras hook (``train_step``,
    ``test_step``, ``predict_step``): :func:`overrides` tells a user's override from it."""
    method.__keras_default_hook__ = True
    return method


def overrides(model: "Model", method: str) -> bool:
    """Whether ``model``'s class overrides the Keras hook ``method`` (``'train_step'``...)."""
    return not getattr(getattr(type(model), method, None), "__keras_default_hook__", False)


def pack_data(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Keras's ``data`` for ``train_step``: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None and sample_weight is None:
        return x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _direct_optimizer_calls(optimizer: Any) -> Tuple[Callable[[], None], Callable[[], Any]]:
    """``zero_grad`` and ``step`` for the hot path, without torch's per-call profiler and
    hook wrapper when no hook is registered (it costs ~50 us a step at batch size 1)."""
    params = [p for group in optimizer.param_groups for p in group["params"]]

    def zero_grad() -> None:
        for param in params:
            param.grad = None

    raw_step = getattr(type(optimizer).step, "__wrapped__", None)
    # torch has no public API to ask whether step hooks are registered: read its registries.
    hooked = (getattr(optimizer, "_optimizer_step_pre_hooks", None) or
              getattr(optimizer, "_optimizer_step_post_hooks", None) or
              getattr(torch_optimizer, "_global_optimizer_pre_hooks", None) or
              getattr(torch_optimizer, "_global_optimizer_post_hooks", None))
    if raw_step is None or hooked:
        return (lambda: optimizer.zero_grad(set_to_none=True)), optimizer.step
    return zero_grad, (lambda: raw_step(optimizer))
