"""compile / fit / evaluate / predict.

The step is the hot path: the model's precomputed plan forward, the loss (from logits when
the output is a sigmoid/softmax, as tf.keras does), backward, a foreach optimizer update,
metric totals accumulated in device tensors. Nothing in a step reads a value back to the
host; the progress bar reads the totals when it refreshes and at the end of an epoch.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras import distribute
from torchkeras import optimizers as optimizers_module
from torchkeras.backend.messages import did_you_mean
from torchkeras.backend import phase
from torchkeras.callbacks import CallbackList, History, ProgbarLogger
from torchkeras.engine import data as data_module
from torchkeras.engine import data_checks, interrupt as interrupt_module
from torchkeras.engine import compile_utils
from torchkeras.engine.batch_hooks import batch_hooks
from torchkeras.engine.compile_utils import LossesContainer, MetricsContainer
from torchkeras.engine import jit as jit_module
from torchkeras.graph.convert import to_numpy
from torchkeras.mixed_precision.autocast import autocast_for, prepare_mixed, to_float32
from torchkeras.utils import nest

_FIT_ARGUMENTS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
                  "validation_data", "shuffle", "class_weight", "sample_weight",
                  "initial_epoch", "steps_per_epoch", "validation_steps",
                  "validation_batch_size", "validation_freq", "max_queue_size", "workers",
                  "use_multiprocessing"]
_EVALUATE_ARGUMENTS = ["x", "y", "batch_size", "verbose", "sample_weight", "steps",
                       "callbacks", "return_dict", "max_queue_size", "workers",
                       "use_multiprocessing"]
_PREDICT_ARGUMENTS = ["x", "batch_size", "verbose", "steps", "callbacks", "max_queue_size",
                      "workers", "use_multiprocessing"]
_COMPILE_ARGUMENTS = ["optimizer", "loss", "metrics", "loss_weights", "weighted_metrics",
                      "run_eagerly", "steps_per_execution", "jit_compile", "sample_weight_mode",
                      "target_tensors", "distribute", "auto_scale_loss", "pss_evaluation_shards"]
_IGNORED = {"max_queue_size", "workers", "use_multiprocessing", "sample_weight_mode",
            "target_tensors", "distribute", "auto_scale_loss", "pss_evaluation_shards"}


def check_kwargs(method: str, kwargs: Dict[str, Any], valid: List[str]) -> None:
    """TypeError for unknown keyword arguments, suggesting the near name."""
    for key in kwargs:
        if key in _IGNORED:
            continue
        raise TypeError(f"{method}() got an unexpected keyword argument '{key}'"
                        + did_you_mean(key, valid, lead=". "))


# ----------------------------------------------------------------------- compile
class CompiledModel:
    """The state ``compile()`` creates: optimizer, losses, metrics, and the step."""

    def __init__(self, model: Any, optimizer: Any, loss: Any, metrics: Any, loss_weights: Any,
                 weighted_metrics: Any, jit_compile: Any, steps_per_execution: Any = None):
        self.model = model
        self.loss_identifier = loss
        self.optimizer = _resolve_optimizer(model, optimizer)
        self.output_names = list(model.output_names) if model.outputs is not None or \
            model._graph is not None else ["output_1"]
        self.loss_spec = (loss, loss_weights)
        self.metrics_spec = (metrics, weighted_metrics)
        self.losses: Optional[LossesContainer] = None
        self.metrics_container: Optional[MetricsContainer] = None
        self.jit_backend = jit_module.jit_backend(jit_compile)  # None: eager (the default)
        self.jit_compile = self.jit_backend is not None
        self.steps_per_execution = _steps_per_execution(steps_per_execution)
        self.custom_logs: Optional[Dict[str, Any]] = None  # returned by a custom step
        if loss is not None:
            self._make_containers()

    def _make_containers(self) -> None:
        loss, loss_weights = self.loss_spec
        self.losses = LossesContainer(loss, loss_weights, self.output_names)
        metrics, weighted = self.metrics_spec
        self.metrics_container = MetricsContainer(metrics, weighted, self.output_names)

    def refresh_output_names(self) -> None:
        """Subclassed/lazy models learn their outputs on the first batch."""
        names = list(self.model.output_names)
        if names and names != self.output_names:
            self.output_names = names
            if self.loss_spec[0] is not None:
                self._make_containers()

    def metric_objects(self) -> list:
        if self.losses is None:
            return []
        built = self.metrics_container.metrics if self.metrics_container.built else []
        return self.losses.metrics + built

    def reset_metrics(self) -> None:
        self.custom_logs = None
        if self.losses is not None:
            self.losses.reset_state()
            self.metrics_container.reset_state()

    def read_logs(self, sync: bool = True) -> Dict[str, float]:
        """The current metric values as Python floats (one host sync). After a custom
        ``train_step``/``test_step``, the values of the dict it returned. When distributed
        and ``sync``, the metric states are summed over processes first (a collective:
        every process must call it at the same point)."""
        if self.custom_logs is not None:
            logs = self.custom_logs
            if sync and distribute.is_distributed():
                logs = distribute.average_logs(logs)
            return _logs_to_floats(logs)
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


def _logs_to_floats(logs: Dict[str, Any]) -> Dict[str, float]:
    tensors = {k: v for k, v in logs.items() if isinstance(v, torch.Tensor)}
    values = dict(logs)
    if tensors:
        stacked = torch.stack([t.detach().reshape(()).float().cpu() for t in tensors.values()])
        values.update(zip(tensors, stacked.tolist()))
    return {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v)
            for k, v in values.items()}


def compile_model(model: Any, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                  loss_weights: Any = None, weighted_metrics: Any = None,
                  run_eagerly: Optional[bool] = None, steps_per_execution: Any = None,
                  jit_compile: Optional[bool] = None, **kwargs: Any) -> None:
    check_kwargs("compile", kwargs, _COMPILE_ARGUMENTS)
    if isinstance(loss, (list, tuple)) and len(loss) == 1 and model._graph is None \
            and not isinstance(model.outputs, list):
        loss = loss[0]
    compiled = CompiledModel(model, optimizer, loss, metrics, loss_weights, weighted_metrics,
                             jit_compile, steps_per_execution)
    model.compiled = compiled
    model.optimizer = compiled.optimizer
    model.stop_training = False


def _resolve_optimizer(model: Any, optimizer: Any) -> Any:
    """The optimizer ``compile`` uses; under ``'mixed_float16'`` wrapped in a
    ``LossScaleOptimizer``, as tf-keras's ``compile`` does."""
    from torchkeras.mixed_precision import LossScaleOptimizer
    if isinstance(optimizer, LossScaleOptimizer):
        return optimizer
    optimizer = optimizers_module.get(optimizer)
    policy = getattr(model, "dtype_policy", None)
    if policy is not None and policy.name == "mixed_float16":
        return LossScaleOptimizer(optimizer)
    return optimizer


def _steps_per_execution(value: Any) -> int:
    if value is None:
        return 1
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`steps_per_execution` must be a positive integer. Received: "
                         f"steps_per_execution={value}")
    return int(value)


def _require_compiled(model: Any, method: str) -> CompiledModel:
    if model.compiled is None:
        raise RuntimeError("You must compile your model before training/testing. Use "
                           "`model.compile(optimizer, loss)`.")
    return model.compiled


# ------------------------------------------------------------------------- data
def _input_dtypes(model: Any) -> Optional[List[str]]:
    inputs = model.inputs
    if inputs:
        return [t.dtype for t in inputs]
    layers = model.layers
    if layers and getattr(layers[0], "_accepts_integer_inputs", False):
        return ["int64"]
    return None


def _model_device(model: Any) -> torch.device:
    return model._input_device()


def make_data(model: Any, x: Any, y: Any, sample_weight: Any, batch_size: Optional[int],
              shuffle: Any, steps: Optional[int] = None):
    _check_batch_size(batch_size)
    device = _model_device(model)
    dtypes = _input_dtypes(model)
    if data_module.is_iterable_source(x):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a generator, a "
                             "`keras.utils.Sequence` or a torch DataLoader as input.")
        return distribute.shard_data(data_module.IterableData(x, batch_size, shuffle, device,
                                                              dtypes), model)
    if x is None:
        raise ValueError("Unexpected value for `x`: None. Provide the input data.")
    x = data_module.standardize_arrays(x)
    y = data_module.standardize_arrays(y)
    sample_weight = data_module.standardize_arrays(sample_weight)
    data = data_module.ArrayData(x, y, sample_weight, batch_size or 32, shuffle, device, dtypes)
    return distribute.shard_data(data, model)  # unchanged unless distributed


def _check_batch_size(batch_size: Any) -> None:
    """``ValueError`` unless ``batch_size`` is None or a positive int; the message shows
    the value's repr and type (``'4'`` is a str, not the number 4)."""
    if batch_size is None:
        return
    if isinstance(batch_size, (bool, np.bool_)) or \
            not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        shown = repr(batch_size) if isinstance(batch_size, str) else batch_size
        raise ValueError(f"`batch_size` must be a positive integer. Received: "
                         f"batch_size={shown} (of type {type(batch_size).__name__})")


def _flat_targets(compiled: CompiledModel, y: Any) -> List[Any]:
    names = compiled.output_names
    if y is None:
        return [None] * len(names)
    if isinstance(y, dict):
        unknown = [k for k in y if k not in names]
        if unknown:
            raise ValueError(f"Found unexpected keys that do not correspond to any Model "
                             f"output: {unknown}. Expected: {names}")
        return [y.get(n) for n in names]
    if isinstance(y, (list, tuple)):
        if len(y) != len(names):
            raise ValueError(f"The model has {len(names)} output(s) ({names}) but received "
                             f"{len(y)} target array(s).")
        return list(y)
    if len(names) > 1:
        raise ValueError(f"The model has {len(names)} outputs ({names}) but a single target "
                         "array was given: pass a list or a dict of targets.")
    return [y]


def _flat_weights(compiled: CompiledModel, sample_weight: Any) -> List[Any]:
    count = len(compiled.output_names)
    if sample_weight is None:
        return [None] * count
    if isinstance(sample_weight, dict):
        return [sample_weight.get(n) for n in compiled.output_names]
    if isinstance(sample_weight, (list, tuple)):
        return list(sample_weight)
    return [sample_weight] * count


def _flat_outputs(model: Any, outputs: Any) -> List[torch.Tensor]:
    if isinstance(outputs, dict):
        return [outputs[name] for name in model.compiled.output_names]
    return nest.flatten(outputs)


# ------------------------------------------------------------------------- steps
def _ensure_built(model: Any, x: Any) -> None:
    """Build a lazy model (and check input shapes) with one checked, gradient-free call."""
    if model._graph is not None or (getattr(model, "_input_tensor", None) is not None):
        _check_input_shapes(model, x)
        return
    with torch.no_grad():
        try:
            model(x)
        except NotImplementedError:  # no `call` (a GAN-style model): its train_step runs
            if not (_overrides(model, "train_step") or _overrides(model, "test_step")):
                raise


def _check_input_shapes(model: Any, x: Any) -> None:
    """Keras's shape error before the first step (the step itself runs unchecked)."""
    from torchkeras.layers.input_spec import assert_input_compatibility
    inputs = model.inputs
    if model._graph is not None:
        flat = model._flatten_model_inputs(x)
    elif isinstance(x, dict) and hasattr(model, "_input_from_dict"):  # a Sequential
        flat = [model._input_from_dict(x)]
    else:
        flat = nest.flatten(x)
    if len(flat) != len(inputs):
        raise ValueError(f'Layer "{model.name}" expects {len(inputs)} input(s), but it '
                         f"received {len(flat)} input tensors.")
    for index, (tensor, spec_tensor) in enumerate(zip(flat, inputs)):
        shape = tuple(tensor.shape)
        expected = spec_tensor.shape
        if len(shape) != len(expected) or any(
                e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            # Name the first layer that consumes this input, as Keras's message does.
            consumer = _first_consumer(model, spec_tensor)
            if consumer is not None and consumer.input_spec is not None:
                assert_input_compatibility(consumer.input_spec, [(None,) + shape[1:]],
                                           consumer.name)
            raise ValueError(f'Input {index} of layer "{model.name}" is incompatible with the '
                             f"layer: expected shape={expected}, found shape="
                             f"{(None,) + shape[1:]}")


def _first_consumer(model: Any, tensor: Any) -> Any:
    if model._graph is not None:
        for step in model._graph.steps:
            if step.single_input is not None and step.single_input == \
                    model._graph.input_slots[model._graph.inputs.index(tensor)]:
                return step.layer
        return None
    layers = model.layers
    return layers[0] if layers else None


class StepRunner:
    """Runs train/test/predict steps for a compiled model."""

    def __init__(self, model: Any):
        self.model = model
        self.compiled = model.compiled
        self._regularized = None
        self._constrained = None
        self._optimizer_calls = None
        # DDP forward and loss scaling; None in one process (no extra work per step).
        self.distributed = distribute.DistributedStep(
            model, functools.partial(model_call, model, training=True)) \
            if distribute.is_distributed() else None
        # The forward: the model's call, or (mixed precision) a wrapper chosen once here,
        # so the default step does no extra work.
        self.autocast_dtype = _cached_autocast_dtype(model)
        self._forward = functools.partial(model_call, model)
        if self.autocast_dtype is not None:
            self._forward = self._mixed_forward
        compiled = self.compiled
        self.jit = None  # jit_compile: the forward and loss as one compiled region
        from torchkeras.layers.base import _call_parameters
        self._takes_training = bool(_call_parameters(type(model))[0])
        if compiled is not None and compiled.jit_backend is not None and \
                self.distributed is None:
            jit = getattr(compiled, "_jit_step", None)
            if jit is None or jit.model is not model:
                jit = jit_module.JitLossStep(model, compiled.jit_backend, self._loss_step)
                compiled._jit_step = jit  # compiled once per compile(), kept across fits
            self.jit = jit
        from torchkeras.mixed_precision import LossScaleOptimizer
        optimizer = compiled.optimizer if compiled is not None else None
        self.loss_scaler = optimizer if isinstance(optimizer, LossScaleOptimizer) else None

    def _mixed_forward(self, x: Any, training: bool) -> Any:
        """The forward under ``torch.autocast``; outputs as float32 for the loss (Keras's
        advice for mixed precision: a float32 output)."""
        with autocast_for(self.autocast_dtype, _model_device(self.model)):
            outputs = model_call(self.model, x, training)
        return nest.map_structure(to_float32, outputs)

    def _loss_step(self, x: Any, y_true: List[Any], weights: List[Any]
                   ) -> Tuple[torch.Tensor, List[Any], List[Any]]:
        """The training forward and the compiled losses (what ``jit_compile`` compiles)."""
        if self.autocast_dtype is None:
            outputs = self._direct_call(x, True)
        else:
            with autocast_for(self.autocast_dtype, _model_device(self.model)):
                outputs = nest.map_structure(to_float32, self._direct_call(x, True))
        y_pred = _flat_outputs(self.model, outputs)
        total, per_output = self.compiled.losses.compute(y_true, y_pred, weights,
                                                         self.regularization_loss())
        return total, per_output, y_pred

    def _direct_call(self, x: Any, training: bool) -> Any:
        """``model.call`` without :func:`model_call`'s cached signature lookup (a cache
        call breaks a ``torch.compile`` graph)."""
        previous = phase.enter_call_training(training)  # for the layers `call` calls
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
            for value in extra():
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

    def run_train_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        """One training step: the model's own ``train_step`` when it overrides it (Keras's
        customisation point), else the built-in step."""
        if _overrides(self.model, "train_step"):
            optimizer = self.compiled.optimizer
            if optimizer is not None and not optimizer.built and self.model.trainable_weights:
                optimizer.build(self.model.trainable_weights)
            if self.distributed is None:
                self.compiled.custom_logs = self.model.train_step(pack_data(x, y, sample_weight))
            else:  # apply_gradients averages the gradients over processes
                with distribute.averaged_gradients(optimizer):
                    self.compiled.custom_logs = self.model.train_step(
                        pack_data(x, y, sample_weight))
        else:
            self.train_step(x, y, sample_weight)

    def run_test_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        if _overrides(self.model, "test_step"):
            self.compiled.custom_logs = self.model.test_step(pack_data(x, y, sample_weight))
        else:
            self.test_step(x, y, sample_weight)

    def train_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        model, compiled = self.model, self.compiled
        optimizer = compiled.optimizer
        ddp = self.distributed
        if ddp is not None and ddp.empty:  # no samples of this global batch here
            ddp.empty_step(x, self._optimizer_calls or _direct_optimizer_calls(optimizer))
            self.apply_constraints()
            return
        y_true = _flat_targets(compiled, y)
        weights = _flat_weights(compiled, sample_weight)
        if self.jit is None:
            outputs = self._forward(x, True) if ddp is None else ddp.forward(x)
            y_pred = _flat_outputs(model, outputs)
            loss = compiled.losses(y_true, y_pred, weights, self.regularization_loss())
        else:
            if self._regularized is None:
                self._collect()  # before tracing: a traced first-call branch would recompile
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

    def test_step(self, x: Any, y: Any, sample_weight: Any) -> None:
        model, compiled = self.model, self.compiled
        if self.distributed is not None and _empty_batch(x):
            return  # this process holds no sample of this (last, small) global batch
        outputs = self._forward(x, False)
        y_pred = _flat_outputs(model, outputs)
        y_true = _flat_targets(compiled, y)
        weights = _flat_weights(compiled, sample_weight)
        compiled.losses(y_true, y_pred, weights, self.regularization_loss())
        compiled.metrics_container.update_state(y_true, y_pred, weights)


def mixed_autocast_dtype(model: Any) -> Optional[torch.dtype]:
    """The autocast dtype when the model or one of its layers has a mixed policy (looked
    up once per fit/evaluate/predict; its float32 layers then compute in float32), else
    None: the float32 default enters no autocast."""
    dtype = getattr(model, "_autocast_dtype", None)
    if dtype is not None:
        return dtype
    return prepare_mixed(model)


def _cached_autocast_dtype(model: Any) -> Optional[torch.dtype]:
    """:func:`mixed_autocast_dtype`, found once per ``compile()`` (a custom ``train_step``
    calling ``super().train_step`` makes a StepRunner every step)."""
    compiled = model.compiled
    if compiled is None:
        return mixed_autocast_dtype(model)
    cached = compiled.__dict__.get("_autocast_dtype", False)
    if cached is False:
        cached = compiled._autocast_dtype = mixed_autocast_dtype(model)
    return cached


def _empty_batch(x: Any) -> bool:
    leaves = [t for t in nest.flatten(x) if t is not None]
    return bool(leaves) and int(leaves[0].shape[0]) == 0


def model_call(model: Any, x: Any, training: bool) -> Any:
    """``model.call(x, training=...)``, or ``model.call(x)`` for a subclassed model whose
    ``call`` takes no ``training`` argument (as Keras allows)."""
    from torchkeras.layers.base import _call_parameters
    previous = phase.enter_call_training(training)  # the layers `call` calls get it too
    try:
        if _call_parameters(type(model))[0]:
            return model.call(x, training=training)
        return model.call(x)
    finally:
        phase.exit_call_training(previous)


def _overrides(model: Any, method: str) -> bool:
    from torchkeras.engine.model import Model
    return getattr(type(model), method) is not getattr(Model, method)


def pack_data(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Keras's ``data`` for ``train_step``: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None and sample_weight is None:
        return x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _direct_optimizer_calls(optimizer: Any):
    """``zero_grad`` and ``step`` for the hot path, without torch's per-call profiler and
    hook wrapper when no hook is registered (it costs ~50 us a step at batch size 1)."""
    import torch.optim.optimizer as torch_optimizer
    params = [p for group in optimizer.param_groups for p in group["params"]]

    def zero_grad() -> None:
        for param in params:
            param.grad = None

    raw_step = getattr(type(optimizer).step, "__wrapped__", None)
    hooked = (getattr(optimizer, "_optimizer_step_pre_hooks", None) or
              getattr(optimizer, "_optimizer_step_post_hooks", None) or
              getattr(torch_optimizer, "_global_optimizer_pre_hooks", None) or
              getattr(torch_optimizer, "_global_optimizer_post_hooks", None))
    if raw_step is None or hooked:
        return (lambda: optimizer.zero_grad(set_to_none=True)), optimizer.step
    return zero_grad, (lambda: raw_step(optimizer))


def _local_read_logs(model: Any):
    """The bar's mid-epoch reader: this process's values, no collective (the bar refreshes
    on rank 0's clock alone); epoch-end logs are global."""
    if model.compiled is None:
        return None
    return lambda: model.compiled.read_logs(sync=False)


def _resolve_verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    return int(verbose)


def _make_callbacks(model: Any, callbacks: Any, verbose: int, epochs: int, steps: Optional[int],
                    add_history: bool, **extra: Any) -> CallbackList:
    callbacks = [] if callbacks is None else nest.flatten(callbacks)  # one callback or many
    for callback in callbacks:
        if not hasattr(callback, "on_epoch_end"):
            raise TypeError(f"Expected a keras.callbacks.Callback in `callbacks`, received "
                            f"{callback!r}")
    history = None
    if add_history:
        history = History()
        callbacks.append(history)  # tf-keras: after the user's (which may add 'lr' to logs)
    if verbose and not any(isinstance(c, ProgbarLogger) for c in callbacks):
        progbar = ProgbarLogger()
        progbar.read_logs = _local_read_logs(model)
        callbacks.append(progbar)
    else:
        for callback in callbacks:
            if isinstance(callback, ProgbarLogger):
                callback.read_logs = _local_read_logs(model)
    result = CallbackList(callbacks, model=model, verbose=verbose, epochs=epochs, steps=steps,
                          **extra)
    result.history = history
    return result


# --------------------------------------------------------------------------- fit
def fit(model: Any, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
        epochs: int = 1, verbose: Any = "auto", callbacks: Any = None,
        validation_split: float = 0.0, validation_data: Any = None, shuffle: Any = True,
        class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0,
        steps_per_epoch: Optional[int] = None, validation_steps: Optional[int] = None,
        validation_batch_size: Optional[int] = None, validation_freq: Any = 1,
        **kwargs: Any) -> History:
    check_kwargs("fit", kwargs, _FIT_ARGUMENTS)
    compiled = _require_compiled(model, "fit")
    if compiled.losses is None and not _overrides(model, "train_step"):
        raise ValueError("No loss found. You may have forgotten to provide a `loss` argument "
                         "in the `compile()` method.")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"`epochs` must be a non-negative integer. Received: epochs={epochs}")
    verbose = _resolve_verbose(verbose)
    if validation_split and validation_data is None:
        if data_module.is_iterable_source(x):
            raise ValueError("`validation_split` is only supported for Tensors or NumPy "
                             "arrays, found following types in the input: "
                             f"{[type(x)]}")
        (x, y, sample_weight), validation_data = data_module.train_validation_split(
            (data_module.standardize_arrays(x), data_module.standardize_arrays(y),
             data_module.standardize_arrays(sample_weight)), validation_split)
    elif validation_split and not 0 <= validation_split < 1:
        raise ValueError("`validation_split` must be in the range [0, 1). Received: "
                         f"validation_split={validation_split}")
    if class_weight is not None:
        if data_module.is_iterable_source(x):
            raise ValueError("`class_weight` is only supported with array inputs here.")
        sample_weight = data_module.class_weight_to_sample_weight(
            data_module.standardize_arrays(y), class_weight, sample_weight)
    train_data = make_data(model, x, y, sample_weight, batch_size, shuffle)
    val_data = None
    if validation_data is not None:
        val_x, val_y, val_sw = data_module.unpack_batch(tuple(validation_data)) \
            if isinstance(validation_data, (tuple, list)) else (validation_data, None, None)
        val_data = make_data(model, val_x, val_y, val_sw,
                             validation_batch_size or batch_size, False)
    _check_data_at_start(model, train_data, val_data)
    steps = steps_per_epoch or train_data.steps
    callback_list = _make_callbacks(model, callbacks, verbose, epochs, steps, True,
                                    batch_size=batch_size, _in_fit=True)
    runner = StepRunner(model)
    if runner.distributed is not None:
        runner.distributed.shard = getattr(train_data, "shard", None)
    first = True
    batch_logs_needed = callback_list.needs_batch_logs()
    hooks = batch_hooks(  # steps_per_execution: once per execution of N steps, as Keras
        callback_list, "train", compiled.steps_per_execution, callback_list.on_train_batch_begin,
        lambda step: callback_list.on_train_batch_end(
            step, compiled.read_logs() if batch_logs_needed else None))
    model.stop_training = False
    callback_list.on_train_begin()
    override = getattr(model, "_initial_epoch_override", None)
    if override is not None:  # set by BackupAndRestore when it restored a backup
        initial_epoch = max(initial_epoch, override)
        model._initial_epoch_override = None
    logs: Dict[str, Any] = {}
    guard = interrupt_module.DeferredInterrupt.install()  # Ctrl-C stops after the step
    try:
        for epoch in range(initial_epoch, epochs):
            compiled.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            model.train()
            for step, (bx, by, bsw) in enumerate(train_data.batches(steps_per_epoch)):
                if first:
                    _ensure_built(model, bx)
                    compiled.refresh_output_names()
                    _check_labels_once(model, train_data, "y")  # a lazy model: now built
                    _check_labels_once(model, val_data, "validation_data y")
                    first = False
                hooks.before(step)
                runner.run_train_step(bx, by, bsw)
                hooks.after(step)
                guard.check()
                if model.stop_training:
                    break
            hooks.finish()
            logs = compiled.read_logs()
            if val_data is not None and _should_validate(epoch, validation_freq):
                # tf-keras validates through evaluate(callbacks=...): the test hooks run
                # (the progress bar ignores them inside fit).
                callback_list.on_test_begin()
                val_logs = _run_evaluation(model, runner, val_data, validation_steps,
                                           callback_list, guard)
                callback_list.on_test_end(val_logs)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
        guard.check()
    except KeyboardInterrupt:  # keep History so far, end callbacks, then propagate (Keras)
        guard.restore()
        interrupt_module.finish_interrupted_fit(model, callback_list, logs)
        raise
    finally:
        guard.restore()
        model.eval()
    if getattr(compiled.optimizer, "use_ema", False) and compiled.optimizer.built:
        compiled.optimizer.finalize_variable_values(model.trainable_weights)
    callback_list.on_train_end(logs)
    return callback_list.history


def _check_data_at_start(model: Any, data: Any, val_data: Any) -> None:
    """NaN/inf warning and sparse-label range check on in-memory data (once, not per step)."""
    for source, prefix in ((data, ""), (val_data, "validation_data ")):
        if not isinstance(source, data_module.ArrayData):
            continue
        data_checks.warn_non_finite([(prefix + "x", source.x), (prefix + "y", source.y)])
        _check_labels_once(model, source, (prefix + "y").strip())


def _check_labels_once(model: Any, data: Any, argument: str) -> None:
    """The sparse-label range/NaN check of in-memory ``data``: at the start when the
    model's outputs are known, else (a lazy model) after its first batch built it; once."""
    if not isinstance(data, data_module.ArrayData) or data.__dict__.get("_labels_checked") \
            or not model.outputs:
        return
    data._labels_checked = True
    try:
        targets = _flat_targets(model.compiled, data.y)
    except ValueError:  # a target structure the first step reports
        return
    data_checks.check_sparse_labels(model, targets, argument)


def _should_validate(epoch: int, validation_freq: Any) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def _run_evaluation(model: Any, runner: StepRunner, data: Any, steps: Optional[int],
                    callback_list: Optional[CallbackList],
                    guard: Optional[interrupt_module.DeferredInterrupt] = None
                    ) -> Dict[str, float]:
    """Run the test steps over ``data``; the metric results. ``guard``: fit's Ctrl-C
    handler, checked after each step (validation stops within one batch, as training)."""
    compiled = model.compiled
    compiled.reset_metrics()
    model.eval()
    first = True
    hooks = None
    if callback_list is not None:
        logs_needed = callback_list.needs_batch_logs()
        hooks = batch_hooks(callback_list, "test", compiled.steps_per_execution,
                            callback_list.on_test_batch_begin,
                            lambda step: callback_list.on_test_batch_end(
                                step, compiled.read_logs() if logs_needed else None))
    with torch.no_grad():
        for step, (bx, by, bsw) in enumerate(data.batches(steps)):
            if first:
                _ensure_built(model, bx)
                compiled.refresh_output_names()
                _check_labels_once(model, data, "y")  # a lazy model: now built
                first = False
            if hooks is not None:
                hooks.before(step)
            runner.run_test_step(bx, by, bsw)
            if hooks is not None:
                hooks.after(step)
            if guard is not None:
                guard.check()
        if hooks is not None:
            hooks.finish()
    return compiled.read_logs()


# ---------------------------------------------------------------------- evaluate
def evaluate(model: Any, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
             verbose: Any = "auto", sample_weight: Any = None, steps: Optional[int] = None,
             callbacks: Any = None, return_dict: bool = False, **kwargs: Any):
    check_kwargs("evaluate", kwargs, _EVALUATE_ARGUMENTS)
    compiled = _require_compiled(model, "evaluate")
    if compiled.losses is None and not _overrides(model, "test_step"):
        raise ValueError("No loss found. You may have forgotten to provide a `loss` argument "
                         "in the `compile()` method.")
    verbose = _resolve_verbose(verbose)
    data = make_data(model, x, y, sample_weight, batch_size, False)
    _check_data_at_start(model, data, None)
    callback_list = _make_callbacks(model, callbacks, verbose, 1, steps or data.steps, False)
    callback_list.on_test_begin()
    logs = _run_evaluation(model, StepRunner(model), data, steps, callback_list)
    callback_list.on_test_end(logs)
    if return_dict:
        return dict(logs)
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


# ----------------------------------------------------------------------- predict
def predict(model: Any, x: Any, batch_size: Optional[int] = None, verbose: Any = "auto",
            steps: Optional[int] = None, callbacks: Any = None, **kwargs: Any):
    check_kwargs("predict", kwargs, _PREDICT_ARGUMENTS)
    verbose = _resolve_verbose(verbose)
    data = make_data(model, x, None, None, batch_size, False)
    callback_list = _make_callbacks(model, callbacks, verbose, 1, steps or data.steps, False)
    callback_list.on_predict_begin()
    model.eval()
    collected: List[List[torch.Tensor]] = []
    structure = None
    first = True
    forward = functools.partial(model_call, model)
    compiled = getattr(model, "compiled", None)
    logs_needed = callback_list.needs_batch_logs()

    def batch_end(step: int) -> None:  # Keras: logs {'outputs': this execution's outputs}
        logs = None
        if logs_needed:
            batches = collected[hooks.first_of_execution(step) - step - 1:]
            logs = {"outputs": nest.pack_sequence_as(structure, [
                torch.cat([batch[i] for batch in batches]).cpu().numpy()
                for i in range(len(batches[0]))])}
        callback_list.on_predict_batch_end(step, logs)

    hooks = batch_hooks(callback_list, "predict",
                        compiled.steps_per_execution if compiled is not None else 1,
                        callback_list.on_predict_batch_begin, batch_end)
    with torch.no_grad():
        for step, (bx, _, _) in enumerate(data.batches(steps)):
            if first:
                _ensure_built(model, bx)
                first = False
                autocast_dtype = mixed_autocast_dtype(model)
                if autocast_dtype is not None:
                    forward = functools.partial(_predict_mixed, model, autocast_dtype)
            hooks.before(step)
            outputs = model.predict_step(bx) if _overrides(model, "predict_step") else \
                forward(bx, False)
            structure = outputs
            # detach(): a new tensor object over the same storage, without the logits an
            # output keeps for the losses (_keras_logits); holding those for every batch
            # until the concatenation tripled predict's peak memory growth (MLP, 60,000 rows).
            collected.append([t.detach() if isinstance(t, torch.Tensor) else t
                              for t in nest.flatten(outputs)])
            hooks.after(step)
        hooks.finish()
    callback_list.on_predict_end()
    if not collected:
        raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). "
                         "Please use `Model.compile(..., run_eagerly=True)`, or "
                         "`tf.config.run_functions_eagerly(True)` for more information of "
                         "where went wrong, or file a issue/bug to `tf.keras`.")
    flat = [torch.cat([batch[i] for batch in collected]) for i in range(len(collected[0]))]
    if getattr(data, "shard", None) is not None:  # every process gets all rows, in order
        flat = distribute.gather_batches(flat, [len(batch[0]) for batch in collected])
    result = nest.pack_sequence_as(structure, [t.cpu().numpy() for t in flat])
    return result


def _predict_mixed(model: Any, dtype: torch.dtype, x: Any, training: bool) -> Any:
    """A mixed-precision model's predict forward: under autocast; bfloat16 outputs become
    float32 (NumPy has no bfloat16), float16 ones stay float16 as in Keras."""
    with autocast_for(dtype, _model_device(model)):
        outputs = model_call(model, x, training)
    return nest.map_structure(
        lambda t: t.float() if isinstance(t, torch.Tensor) and t.dtype == torch.bfloat16
        else t, outputs)


# --------------------------------------------------------------- batch methods
def _single_batch(model: Any, x: Any, y: Any, sample_weight: Any, class_weight: Any = None):
    if class_weight is not None:
        sample_weight = data_module.class_weight_to_sample_weight(
            data_module.standardize_arrays(y), class_weight, sample_weight)
    data = make_data(model, x, y, sample_weight, None, False)
    data.batch_size = data.size
    data.shard = None  # each process runs the whole batch (DDP averages equal gradients)
    return next(iter(data.batches()))


def _batch_result(model: Any, return_dict: bool):
    logs = model.compiled.read_logs()
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def train_on_batch(model: Any, x: Any, y: Any = None, sample_weight: Any = None,
                   class_weight: Any = None, reset_metrics: bool = True,
                   return_dict: bool = False):
    compiled = _require_compiled(model, "train_on_batch")
    if reset_metrics:  # tf-keras: before the step (fit leaves its last epoch's totals)
        compiled.reset_metrics()
    bx, by, bsw = _single_batch(model, x, y, sample_weight, class_weight)
    _ensure_built(model, bx)
    compiled.refresh_output_names()
    runner = getattr(model, "_step_runner", None) or StepRunner(model)
    model.train()
    runner.run_train_step(bx, by, bsw)
    model.eval()
    return _batch_result(model, return_dict)


def test_on_batch(model: Any, x: Any, y: Any = None, sample_weight: Any = None,
                  reset_metrics: bool = True, return_dict: bool = False):
    compiled = _require_compiled(model, "test_on_batch")
    if reset_metrics:  # tf-keras: before the step, not after
        compiled.reset_metrics()
    bx, by, bsw = _single_batch(model, x, y, sample_weight)
    _ensure_built(model, bx)
    compiled.refresh_output_names()
    model.eval()
    with torch.no_grad():
        StepRunner(model).run_test_step(bx, by, bsw)
    return _batch_result(model, return_dict)


def predict_on_batch(model: Any, x: Any):
    data = make_data(model, x, None, None, None, False)
    data.batch_size = data.size
    bx, _, _ = next(iter(data.batches()))
    _ensure_built(model, bx)
    model.eval()
    with torch.no_grad():
        outputs = model_call(model, bx, False)
    return to_numpy(outputs)


# ------------------------------------------------------ Keras's overridable steps
def default_train_step(model: Any, data: Any) -> Dict[str, Any]:
    """What ``Model.train_step`` does unless overridden; returns the metric results."""
    x, y, sample_weight = data_module.unpack_batch(data)
    StepRunner(model).train_step(x, y, sample_weight)
    return {m.name: m.result() for m in model.metrics}


def default_test_step(model: Any, data: Any) -> Dict[str, Any]:
    x, y, sample_weight = data_module.unpack_batch(data)
    StepRunner(model).test_step(x, y, sample_weight)
    return {m.name: m.result() for m in model.metrics}


def compute_loss(model: Any, x: Any = None, y: Any = None, y_pred: Any = None,
                 sample_weight: Any = None) -> torch.Tensor:
    """The compiled loss (with regularization) for ``y_pred``; updates the loss trackers."""
    compiled = _require_compiled(model, "compute_loss")
    return compiled.losses(_flat_targets(compiled, y), _flat_outputs(model, y_pred),
                           _flat_weights(compiled, sample_weight),
                           StepRunner(model).regularization_loss())


def compute_metrics(model: Any, x: Any, y: Any, y_pred: Any,
                    sample_weight: Any = None) -> Dict[str, Any]:
    """Update the compiled metrics and return every metric's result."""
    compiled = _require_compiled(model, "compute_metrics")
    with torch.no_grad():
        compiled.metrics_container.update_state(_flat_targets(compiled, y),
                                                _flat_outputs(model, y_pred),
                                                _flat_weights(compiled, sample_weight))
    return {m.name: m.result() for m in model.metrics}


class CompiledLoss:
    """``model.compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``
    as Keras 2's custom ``train_step`` examples use it."""

    def __init__(self, model: Any):
        self.model = model

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None,
                 regularization_losses: Any = None) -> torch.Tensor:
        compiled = _require_compiled(self.model, "compiled_loss")
        regularization = None
        for value in regularization_losses or []:
            regularization = value if regularization is None else regularization + value
        return compiled.losses(_flat_targets(compiled, y_true),
                               _flat_outputs(self.model, y_pred),
                               _flat_weights(compiled, sample_weight), regularization)


class CompiledMetrics:
    """``model.compiled_metrics.update_state(y, y_pred, sample_weight=None)``."""

    def __init__(self, model: Any):
        self.model = model

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        compute_metrics(self.model, None, y_true, y_pred, sample_weight)

    @property
    def metrics(self) -> list:
        compiled = self.model.compiled
        return compiled.metrics_container.metrics if compiled is not None else []
