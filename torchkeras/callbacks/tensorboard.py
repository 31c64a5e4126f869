"""``TensorBoard``: write epoch (and batch) logs and weight histograms for TensorBoard."""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

from torchkeras.callbacks.base import Callback
from torchkeras.distribute import environment as distribute


def _summary_writer_class() -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter  # optional: tensorboard
    except ImportError as error:  # torch needs the `tensorboard` package for its writer
        raise ImportError("The TensorBoard callback requires the `tensorboard` package "
                          "(torch.utils.tensorboard writes its event files). Install it with "
                          "`pip install tensorboard`.") from error
    return SummaryWriter


class TensorBoard(Callback):
    """Logs to ``log_dir/train`` and ``log_dir/validation`` as tf-keras does: scalars
    ``epoch_<name>`` each epoch, ``batch_<name>`` every ``update_freq`` batches when it is an
    integer, and weight histograms every ``histogram_freq`` epochs.

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
        self._writer_class = _summary_writer_class()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: Dict[str, Any] = {}
        self._global_batch = 0

    def _writer(self, name: str) -> Any:
        if not distribute.is_chief():  # under torchrun only rank 0 writes event files
            return _NullWriter()
        if name not in self._writers:
            self._writers[name] = self._writer_class(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _implements_batch_hooks(self) -> bool:
        return isinstance(self.update_freq, int)

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._global_batch = 0

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._global_batch += 1
        if isinstance(self.update_freq, int) and self._global_batch % self.update_freq == 0:
            writer = self._writer("train")
            for key, value in (logs or {}).items():
                writer.add_scalar("batch_" + key, float(value), self._global_batch)

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        for key, value in (logs or {}).items():
            if key.startswith("val_"):
                self._writer("validation").add_scalar("epoch_" + key[4:], float(value), epoch)
            else:
                self._writer("train").add_scalar("epoch_" + key, float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            writer = self._writer("train")
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = weight.name.replace(":", "_")
                    writer.add_histogram(name, weight.numpy(), epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


class _NullWriter:
    """Stands in for a SummaryWriter on non-zero ranks: writes nothing."""

    def add_scalar(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_histogram(self, *args: Any, **kwargs: Any) -> None:
        pass
