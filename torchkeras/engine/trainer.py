"""compile / fit / evaluate / predict and the ``*_on_batch`` methods: the public loops.

The step they run is :mod:`torchkeras.engine.step_runner` (the hot path: the model's
precomputed plan forward, the loss from logits when the output is a sigmoid/softmax as
tf.keras does, backward, a foreach optimizer update, metric totals accumulated in device
tensors); the state ``compile()`` creates is :mod:`torchkeras.engine.compiled_model`.
Nothing in a step reads a value back to the host; the progress bar reads the totals when
it refreshes and at the end of an epoch.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import numpy as np
import torch

from torchkeras.graph.shapes import conform_ranks
from torchkeras import distribute
from torchkeras.backend.messages import did_you_mean
from torchkeras.backend.threads import apply_thread_policy
from torchkeras.callbacks import CallbackList, History, ProgbarLogger
from torchkeras.engine import data as data_module
from torchkeras.engine import data_checks, interrupt as interrupt_module
from torchkeras.engine.batch_hooks import batch_hooks
from torchkeras.engine.compiled_model import CompiledModel, flat_targets, require_compiled
from torchkeras.engine.step_runner import StepRunner, mixed_autocast_dtype, model_call, \
    has_added_losses, overrides, runner_for
from torchkeras.graph.convert import to_numpy
from torchkeras.layers.base import accepts_string_inputs
from torchkeras.layers.input_spec import assert_input_compatibility
from torchkeras.layers.autocast import autocast_for
from torchkeras.callbacks.backup_and_restore import resumed_epoch
from torchkeras.layers.embedding import accepts_integer_inputs
from torchkeras.backend import nest

if TYPE_CHECKING:  # for annotations only: model.py imports this module
    from torchkeras.engine.model import Model

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
def compile_model(model: "Model", optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                  loss_weights: Any = None, weighted_metrics: Any = None,
                  run_eagerly: Optional[bool] = None, steps_per_execution: Any = None,
                  jit_compile: Optional[bool] = None, **kwargs: Any) -> None:
    check_kwargs("compile", kwargs, _COMPILE_ARGUMENTS)
    if isinstance(loss, (list, tuple)) and len(loss) == 1 and model.functional_graph is None \
            and not isinstance(model.outputs, list):
        loss = loss[0]
    compiled = CompiledModel(model, optimizer, loss, metrics, loss_weights, weighted_metrics,
                             jit_compile, steps_per_execution)
    model.compiled = compiled
    model.optimizer = compiled.optimizer
    model.stop_training = False


# ------------------------------------------------------------------------- data
def _input_dtypes(model: "Model") -> Any:
    """The dtype of each model input (by input name when the names are unique), or None."""
    inputs = model.inputs
    if inputs:
        dtypes = [data_module.STRING_COLUMN if t.dtype == "string" and tuple(t.shape[1:]) == (1,)
                  else t.dtype for t in inputs]
        names = list(model.input_names)
        return dict(zip(names, dtypes)) if len(set(names)) == len(names) else dtypes
    layers = model.layers
    if layers and accepts_integer_inputs(layers[0]):
        return ["int64"]
    if layers and accepts_string_inputs(layers[0]):
        return ["string"]
    return None


def _model_device(model: "Model") -> torch.device:
    return model._input_device()


def make_data(model: "Model", x: Any, y: Any, sample_weight: Any, batch_size: Optional[int],
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


# ------------------------------------------------------------------------- steps
def _ensure_built(model: "Model", x: Any) -> None:
    """Build a lazy model (and check input shapes) with one checked, gradient-free call."""
    if model.inputs is not None:  # functional, or a built Sequential
        flat = nest.flatten(x)
        if model.is_sequential and model.input_spec is None and len(flat) == 1:
            # No Input: tf-keras rebuilds for a novel shape; the layers check it in the step.
            model._maybe_build(tuple(flat[0].shape))
            return
        _check_input_shapes(model, x)
        return
    with torch.no_grad():
        try:
            model._note_outputs(model(x))  # a subclassed model's output structure
        except NotImplementedError:  # no `call` (a GAN-style model): its train_step runs
            if not (overrides(model, "train_step") or overrides(model, "test_step")):
                raise


def _check_input_shapes(model: "Model", x: Any) -> None:
    """Keras's shape error before the first step (the step itself runs unchecked)."""
    inputs = model.inputs
    if model.functional_graph is not None:
        flat = model._flatten_model_inputs(x)
    elif isinstance(x, dict) and model.is_sequential:
        flat = [model._input_from_dict(x)]
    else:
        flat = nest.flatten(x)
    flat = conform_ranks(flat, inputs)  # (batch,) feeds Input((1,)) as in tf-keras
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


def _first_consumer(model: "Model", tensor: Any) -> Any:
    graph = model.functional_graph
    if graph is not None:
        for step in graph.steps:
            if step.single_input is not None and step.single_input == \
                    graph.input_slots[graph.inputs.index(tensor)]:
                return step.layer
        return None
    layers = model.layers
    return layers[0] if layers else None


def _local_read_logs(model: "Model"):
    """The bar's mid-epoch reader: this process's values, no collective (the bar refreshes
    on rank 0's clock alone); epoch-end logs are global."""
    if model.compiled is None:
        return None
    return lambda: model.compiled.read_logs(sync=False)


def _resolve_verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    return int(verbose)


def _make_callbacks(model: "Model", callbacks: Any, verbose: int, epochs: int, steps: Optional[int],
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
def fit(model: "Model", x: Any = None, y: Any = None, batch_size: Optional[int] = None,
        epochs: int = 1, verbose: Any = "auto", callbacks: Any = None,
        validation_split: float = 0.0, validation_data: Any = None, shuffle: Any = True,
        class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0,
        steps_per_epoch: Optional[int] = None, validation_steps: Optional[int] = None,
        validation_batch_size: Optional[int] = None, validation_freq: Any = 1,
        **kwargs: Any) -> History:
    check_kwargs("fit", kwargs, _FIT_ARGUMENTS)
    apply_thread_policy()
    compiled = require_compiled(model, "fit")
    if compiled.loss_spec[0] is None and not overrides(model, "train_step") and \
            not overrides(model, "compute_loss") and not has_added_losses(model):
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
    if isinstance(train_data, data_module.IterableData):
        train_data.keep_stream_across_epochs(steps_per_epoch)
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
    runner = runner_for(model)
    runner.refresh()  # a new fit looks the weights up again (layers may have changed)
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
    override = resumed_epoch(callback_list)
    if override is not None:  # BackupAndRestore restored a backup
        initial_epoch = max(initial_epoch, override)
    logs: Dict[str, Any] = {}
    guard = interrupt_module.DeferredInterrupt.install()  # Ctrl-C stops after the step
    try:
        for epoch in range(initial_epoch, epochs):
            compiled.reset_metrics()
            apply_thread_policy(min_interval=1.0)  # a neighbour may have come or gone
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
                runner.dispatch_train_step(bx, by, bsw)
                hooks.after(step)
                guard.check()
                if model.stop_training:
                    break
                # A neighbour may start mid-epoch: re-check at most once a second (under 0.5 µs
                # a step when it is too soon; a check reads /proc, ~0.1 ms).
                apply_thread_policy(min_interval=1.0)
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
        if runner.distributed is not None:
            runner.distributed.shard = None  # the kept runner: later *_on_batch run unsharded
    if getattr(compiled.optimizer, "use_ema", False) and compiled.optimizer.built:
        compiled.optimizer.finalize_variable_values(model.trainable_weights)
    callback_list.on_train_end(logs)
    return callback_list.history


def _check_data_at_start(model: "Model", data: Any, val_data: Any) -> None:
    """NaN/inf warning and sparse-label range check on in-memory data (once, not per step)."""
    for source, prefix in ((data, ""), (val_data, "validation_data ")):
        if not isinstance(source, data_module.ArrayData):
            continue
        data_checks.warn_non_finite([(prefix + "x", source.x), (prefix + "y", source.y)])
        _check_labels_once(model, source, (prefix + "y").strip())


def _check_labels_once(model: "Model", data: Any, argument: str) -> None:
    """The sparse-label range/NaN check of in-memory ``data``: at the start when the
    model's outputs are known, else (a lazy model) after its first batch built it; once."""
    if not isinstance(data, data_module.ArrayData) or data.__dict__.get("_labels_checked") \
            or not model.outputs:
        return
    data._labels_checked = True
    try:
        targets = flat_targets(model.compiled, data.y)
    except ValueError:  # a target structure the first step reports
        return
    data_checks.check_sparse_labels(model, targets, argument)


def _should_validate(epoch: int, validation_freq: Any) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def _run_evaluation(model: "Model", runner: StepRunner, data: Any, steps: Optional[int],
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
            runner.dispatch_test_step(bx, by, bsw)
            if hooks is not None:
                hooks.after(step)
            if guard is not None:
                guard.check()
        if hooks is not None:
            hooks.finish()
    return compiled.read_logs()


# ---------------------------------------------------------------------- evaluate
def evaluate(model: "Model", x: Any = None, y: Any = None, batch_size: Optional[int] = None,
             verbose: Any = "auto", sample_weight: Any = None, steps: Optional[int] = None,
             callbacks: Any = None, return_dict: bool = False, **kwargs: Any):
    check_kwargs("evaluate", kwargs, _EVALUATE_ARGUMENTS)
    apply_thread_policy()
    compiled = require_compiled(model, "evaluate")
    if compiled.loss_spec[0] is None and not overrides(model, "test_step") and \
            not overrides(model, "compute_loss") and not has_added_losses(model):
        raise ValueError("No loss found. You may have forgotten to provide a `loss` argument "
                         "in the `compile()` method.")
    verbose = _resolve_verbose(verbose)
    data = make_data(model, x, y, sample_weight, batch_size, False)
    _check_data_at_start(model, data, None)
    callback_list = _make_callbacks(model, callbacks, verbose, 1, steps or data.steps, False)
    callback_list.on_test_begin()
    runner = runner_for(model)
    runner.refresh()
    logs = _run_evaluation(model, runner, data, steps, callback_list)
    callback_list.on_test_end(logs)
    if return_dict:
        return dict(logs)
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


# ----------------------------------------------------------------------- predict
def predict(model: "Model", x: Any, batch_size: Optional[int] = None, verbose: Any = "auto",
            steps: Optional[int] = None, callbacks: Any = None, **kwargs: Any):
    check_kwargs("predict", kwargs, _PREDICT_ARGUMENTS)
    apply_thread_policy()
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
            outputs = model.predict_step(bx) if overrides(model, "predict_step") else \
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
    flat = [_concat_outputs([batch[i] for batch in collected])
            for i in range(len(collected[0]))]
    if getattr(data, "shard", None) is not None:  # every process gets all rows, in order
        flat = distribute.gather_batches(flat, [len(batch[0]) for batch in collected])
    result = nest.pack_sequence_as(structure, [t.cpu().numpy() if isinstance(
        t, torch.Tensor) else t for t in flat])
    return result


def _concat_outputs(parts: List[Any]) -> Any:
    """One predict output's batches joined: tensors, or (a string layer's output) a NumPy
    object array of ``bytes``, as TF's predict gives string outputs."""
    if isinstance(parts[0], torch.Tensor):
        return torch.cat(parts)
    joined = np.concatenate([np.asarray(p) for p in parts])
    if joined.dtype.kind not in "OUS":
        return joined
    out = np.empty(joined.shape, dtype=object)
    for index, item in np.ndenumerate(joined):
        out[index] = item.encode("utf-8") if isinstance(item, str) else item
    return out


def _predict_mixed(model: "Model", dtype: torch.dtype, x: Any, training: bool) -> Any:
    """A mixed-precision model's predict forward: under autocast; bfloat16 outputs become
    float32 (NumPy has no bfloat16), float16 ones stay float16 as in Keras."""
    with autocast_for(dtype, _model_device(model)):
        outputs = model_call(model, x, training)
    return nest.map_structure(
        lambda t: t.float() if isinstance(t, torch.Tensor) and t.dtype == torch.bfloat16
        else t, outputs)


# --------------------------------------------------------------- batch methods
def _single_batch(model: "Model", x: Any, y: Any, sample_weight: Any, class_weight: Any = None):
    if class_weight is not None:
        sample_weight = data_module.class_weight_to_sample_weight(
            data_module.standardize_arrays(y), class_weight, sample_weight)
    data = make_data(model, x, y, sample_weight, None, False)
    data.batch_size = data.size
    data.shard = None  # each process runs the whole batch (DDP averages equal gradients)
    return next(iter(data.batches()))


def _batch_result(model: "Model", return_dict: bool):
    logs = model.compiled.read_logs()
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def train_on_batch(model: "Model", x: Any, y: Any = None, sample_weight: Any = None,
                   class_weight: Any = None, reset_metrics: bool = True,
                   return_dict: bool = False):
    compiled = require_compiled(model, "train_on_batch")
    if reset_metrics:  # tf-keras: before the step (fit leaves its last epoch's totals)
        compiled.reset_metrics()
    bx, by, bsw = _single_batch(model, x, y, sample_weight, class_weight)
    _ensure_built(model, bx)
    compiled.refresh_output_names()
    runner = runner_for(model)  # made once per compile(), not per call
    if runner.distributed is not None:
        runner.distributed.shard = None  # each process runs the whole batch
    model.train()
    runner.dispatch_train_step(bx, by, bsw)
    model.eval()
    return _batch_result(model, return_dict)


def test_on_batch(model: "Model", x: Any, y: Any = None, sample_weight: Any = None,
                  reset_metrics: bool = True, return_dict: bool = False):
    compiled = require_compiled(model, "test_on_batch")
    if reset_metrics:  # tf-keras: before the step, not after
        compiled.reset_metrics()
    bx, by, bsw = _single_batch(model, x, y, sample_weight)
    _ensure_built(model, bx)
    compiled.refresh_output_names()
    model.eval()
    with torch.no_grad():
        runner_for(model).dispatch_test_step(bx, by, bsw)
    return _batch_result(model, return_dict)


def predict_on_batch(model: "Model", x: Any):
    data = make_data(model, x, None, None, None, False)
    data.batch_size = data.size
    bx, _, _ = next(iter(data.batches()))
    _ensure_built(model, bx)
    model.eval()
    with torch.no_grad():
        outputs = model_call(model, bx, False)
    return to_numpy(outputs)
