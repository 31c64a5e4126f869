"""``TensorBoard``: write epoch (and batch) logs and weight histograms for TensorBoard."""
from __future__ import annotations

import os
import time
import warnings
from typing import Any, Dict, List, Optional, Tuple

import torch
import torch.profiler

from torchkeras.callbacks.base import Callback
from torchkeras.distribute import environment as distribute
from torchkeras.optimizers.schedules import LearningRateSchedule

# tf-keras 2's TensorBoard accepts these TF 1 arguments with a warning; any other is an error.
_V1_ARGUMENTS = {
    "write_grads": "`write_grads` will be ignored in TensorFlow 2.0 for the `TensorBoard` "
                   "Callback.",
    "batch_size": "`batch_size` is no longer needed in the `TensorBoard` Callback and will be "
                  "ignored in TensorFlow 2.0.",
    "embeddings_layer_names": "`embeddings_layer_names` is not supported in TensorFlow 2.0. "
                              "Instead, all `Embedding` layers will be visualized.",
    "embeddings_data": "`embeddings_data` is not supported in TensorFlow 2.0. Instead, all "
                       "`Embedding` variables will be visualized.",
}


def _summary_writer_class() -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter  # optional: tensorboard
    except ImportError as error:  # torch needs the `tensorboard` package for its writer
        raise ImportError("The TensorBoard callback requires the `tensorboard` package "
                          "(torch.utils.tensorboard writes its event files). Install it with "
                          "`pip install tensorboard`.") from error
    return SummaryWriter


def _validate_kwargs(kwargs: Dict[str, Any]) -> None:
    for name, message in _V1_ARGUMENTS.items():
        if kwargs.get(name, False):
            warnings.warn(message, stacklevel=3)
    unrecognized = set(kwargs) - set(_V1_ARGUMENTS)
    if unrecognized:
        raise ValueError(f"Unrecognized arguments in `TensorBoard` Callback: {unrecognized}. "
                         f"Supported kwargs are: {set(_V1_ARGUMENTS)}")


def parse_profile_batch(profile_batch: Any) -> Tuple[int, int]:
    """tf-keras's ``profile_batch``: ``0`` (off), a batch number, ``(start, stop)`` or
    ``"start,stop"`` (batches counted from 1)."""
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. "
               "A pair of positive integers signifies a range of batches to profile. Found: "
               f"{profile_batch}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(part) for part in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        value = value[0] if len(value) == 1 else value
    if isinstance(value, int) and not isinstance(value, bool):
        start, stop = value, value
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        start, stop = value
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return int(start), int(stop)


def _example_inputs(model: Any) -> Any:
    """Zeros shaped like the model's inputs (batch of 1), for tracing its graph."""
    inputs = model.inputs
    tensors = [torch.zeros([1 if d is None else d for d in t.shape],
                           dtype=getattr(torch, str(t.dtype)),
                           device=model._input_device()) for t in inputs]
    return tensors[0] if len(tensors) == 1 else tensors


class TensorBoard(Callback):
    """Logs to ``log_dir/train`` and ``log_dir/validation`` with tf-keras's tags: scalars
    ``epoch_<name>`` each epoch, ``batch_<name>`` every ``update_freq`` batches when it is an
    integer, ``evaluation_<name>_vs_iterations`` after each evaluation, weight histograms
    ``<layer>/<weight>_0/histogram`` every ``histogram_freq`` epochs, the model's graph
    (``write_graph``, through torch's ``add_graph``) and a ``torch.profiler`` trace of the
    batches ``profile_batch`` names (in ``log_dir/plugins/profile``, for the PyTorch Profiler
    TensorBoard plugin). ``write_images`` and ``embeddings_*`` warn that they are not
    supported.

    Needs the ``tensorboard`` package (through ``torch.utils.tensorboard``).

    Example:
        >>> model.fit(x, y, callbacks=[TensorBoard(log_dir='./logs', histogram_freq=1)])
    """

    def __init__(self, log_dir: Any = "logs", histogram_freq: int = 0,
                 write_graph: bool = True, write_images: bool = False,
                 write_steps_per_second: bool = False, update_freq: Any = "epoch",
                 profile_batch: Any = 0, embeddings_freq: int = 0,
                 embeddings_metadata: Any = None, **kwargs: Any) -> None:
        super().__init__()
        _validate_kwargs(kwargs)
        self._writer_class = _summary_writer_class()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self._start_batch, self._stop_batch = parse_profile_batch(profile_batch)
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        for name, used in (("write_images", write_images), ("embeddings_freq", embeddings_freq),
                           ("embeddings_metadata", embeddings_metadata is not None)):
            if used:
                warnings.warn(f"`TensorBoard({name}=...)` is not supported by torchkeras yet "
                              "and is ignored.", stacklevel=2)
        self._writers: Dict[str, Any] = {}
        self._global_batch = 0
        self._profiler: Any = None
        self._graph_pending = False
        self._batch_start = 0.0
        self._epoch_start = 0.0
        self._epoch_batches = 0

    @property
    def profile_dir(self) -> str:
        """Where ``profile_batch`` traces go (``*.pt.trace.json``)."""
        return os.path.join(self.log_dir, "plugins", "profile")

    def _writer(self, name: str) -> Any:
        if not distribute.is_chief():  # under torchrun only rank 0 writes event files
            return _NullWriter()
        if name not in self._writers:
            self._writers[name] = self._writer_class(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _implements_batch_hooks(self) -> bool:  # per-batch logs only for batch scalars
        return isinstance(self.update_freq, int)

    # ---------------------------------------------------------------- training
    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._global_batch = 0
        self._graph_pending = bool(self.write_graph)

    def on_train_batch_begin(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._global_batch += 1
        if self.write_steps_per_second:
            self._batch_start = time.time()
        if self._start_batch and self._global_batch == self._start_batch:
            self._start_profiler()

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self._graph_pending:  # tf-keras writes the graph after the first batch too
            self._graph_pending = False
            self._write_graph()
        self._epoch_batches += 1
        writer = None
        if self.write_steps_per_second:
            writer = self._writer("train")
            elapsed = max(time.time() - self._batch_start, 1e-9)
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, self._global_batch)
        if isinstance(self.update_freq, int) and self._global_batch % self.update_freq == 0:
            writer = writer or self._writer("train")
            for key, value in (logs or {}).items():
                writer.add_scalar("batch_" + key, float(value), self._global_batch)
        if self._profiler is not None and self._global_batch >= self._stop_batch:
            self._stop_profiler()

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._epoch_start = time.time()
        self._epoch_batches = 0

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        train_logs = {k: v for k, v in (logs or {}).items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in (logs or {}).items() if k.startswith("val_")}
        train_logs.update(self._learning_rate())
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start, 1e-9)
            train_logs["steps_per_second"] = self._epoch_batches / elapsed
        for writer_name, values in (("train", train_logs), ("validation", val_logs)):
            for key, value in values.items():
                self._writer(writer_name).add_scalar("epoch_" + key, float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        self._flush()

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self._profiler is not None:
            self._stop_profiler()
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -------------------------------------------------------------- evaluation
    def on_test_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        step = int(optimizer.iterations)
        writer = self._writer("validation")
        for name, value in (logs or {}).items():
            writer.add_scalar("evaluation_" + name + "_vs_iterations", float(value), step)
        writer.flush()

    # ------------------------------------------------------------------ pieces
    def _learning_rate(self) -> Dict[str, float]:
        """tf-keras logs ``epoch_learning_rate`` when the optimizer follows a schedule."""
        optimizer = getattr(self.model, "optimizer", None)
        schedule = getattr(optimizer, "learning_rate_schedule", None)
        if isinstance(schedule, LearningRateSchedule):
            return {"learning_rate": float(schedule(int(optimizer.iterations)))}
        return {}

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.name.replace(":", "_") + "/histogram"  # tf-keras's tag
                writer.add_histogram(name, weight.numpy(), epoch)

    def _write_graph(self) -> None:
        """The model's graph (TensorBoard's Graphs tab), traced by torch on zeros shaped
        like the model's inputs."""
        if not getattr(self.model, "inputs", None):
            warnings.warn("`TensorBoard(write_graph=True)`: the graph of a model without "
                          "known inputs (a subclassed model) is not written.", stacklevel=2)
            return
        was_training = self.model.training
        self.model.eval()
        try:
            example = _example_inputs(self.model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the tracer's own TracerWarnings
                self._writer("train").add_graph(self.model, (example,))
        except Exception as error:  # noqa: BLE001 - tracing is best effort, training goes on
            warnings.warn(f"`TensorBoard(write_graph=True)`: torch could not trace the model "
                          f"({type(error).__name__}: {error}); no graph is written.",
                          stacklevel=2)
        finally:
            self.model.train(was_training)

    def _start_profiler(self) -> None:
        if self._profiler is not None or not distribute.is_chief():
            return
        activities: List[Any] = [torch.profiler.ProfilerActivity.CPU]
        if torch.cuda.is_available():
            activities.append(torch.profiler.ProfilerActivity.CUDA)
        self._profiler = torch.profiler.profile(
            activities=activities,
            on_trace_ready=torch.profiler.tensorboard_trace_handler(self.profile_dir))
        self._profiler.start()

    def _stop_profiler(self) -> None:
        profiler, self._profiler = self._profiler, None
        profiler.stop()  # the trace handler writes the trace file

    def _flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()


class _NullWriter:
    """Stands in for a SummaryWriter on non-zero ranks: writes nothing."""

    def add_scalar(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_histogram(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_graph(self, *args: Any, **kwargs: Any) -> None:
        pass

    def flush(self) -> None:
        pass
