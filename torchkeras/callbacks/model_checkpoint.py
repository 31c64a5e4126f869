"""``ModelCheckpoint``: save the model (or its weights) during training."""
from __future__ import annotations

import inspect
import logging
import os
from typing import Any, Dict, Optional

import numpy as np

from torchkeras.backend.messages import did_you_mean
from torchkeras.callbacks.base import Callback
from torchkeras.callbacks.early_stopping import print_msg
from torchkeras.distribute import environment as distribute


class ModelCheckpoint(Callback):
    """Save with ``model.save(path)`` or ``model.save_weights(path)`` every epoch or every
    ``save_freq`` batches.

    ``filepath`` may hold ``{epoch:02d}``, ``{batch}`` and any log key (``{val_loss:.2f}``);
    ``epoch`` and ``batch`` count from 1. ``save_best_only`` saves only when ``monitor``
    improves (``mode='auto'``: maximise monitors containing ``acc`` or starting with
    ``fmeasure``); ``initial_value_threshold`` is the value to beat first.

    Example:
        >>> ModelCheckpoint('w-{epoch:02d}-{val_loss:.2f}.h5', save_best_only=True)
    """

    def __init__(self, filepath: Any, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq: Any = "epoch", options: Any = None,
                 initial_value_threshold: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0
        self.best = initial_value_threshold
        self._options = options
        self.load_weights_on_restart = kwargs.pop("load_weights_on_restart", False)
        if self.load_weights_on_restart:
            logging.warning("`load_weights_on_restart` argument is deprecated. Please use "
                            "`model.load_weights()` for loading weights before the start of "
                            "`model.fit()`.")
        self.period = 1
        if "period" in kwargs:  # other unknown keywords are ignored, as in tf-keras
            self.period = kwargs.pop("period")
            logging.warning("`period` argument is deprecated. Please use `save_freq` to "
                            "specify the frequency in number of batches seen.")
        if kwargs:  # tf-keras ignores them silently; a misspelt option deserves a word
            valid = list(inspect.signature(ModelCheckpoint.__init__).parameters)
            for key in kwargs:
                logging.warning("ModelCheckpoint: unknown keyword argument '%s' is ignored.%s",
                                key, did_you_mean(key, valid))
        if mode not in ("auto", "min", "max"):
            logging.warning("ModelCheckpoint mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        maximize = mode == "max" or (mode == "auto" and (
            "acc" in self.monitor or self.monitor.startswith("fmeasure")))
        self.monitor_op = np.greater if maximize else np.less
        if self.best is None:
            self.best = -np.inf if maximize else np.inf
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {self.save_freq}. "
                             'Expected save_freq are "epoch" or integer')

    def _implements_batch_hooks(self) -> bool:
        """Batch logs are needed only when saving every ``save_freq`` batches."""
        return self.save_freq != "epoch"

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.load_weights_on_restart and os.path.exists(self.filepath):
            try:
                self.model.load_weights(self.filepath)
            except (IOError, ValueError) as e:
                raise ValueError(f"Error loading file from {self.filepath}. Reason: {e}")

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch: int, batch: Optional[int], logs: Optional[Dict[str, Any]]
                    ) -> None:
        logs = dict(logs or {})
        if not (isinstance(self.save_freq, int) or self.epochs_since_last_save >= self.period):
            return
        self.epochs_since_last_save = 0
        filepath = self._get_file_path(epoch, batch, logs)
        dirname = os.path.dirname(filepath)
        if dirname and not os.path.exists(dirname):
            os.makedirs(dirname, exist_ok=True)
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            self._save_handler(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            logging.warning("Can save best model only with %s available, skipping.",
                            self.monitor)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                          f"to {current:.5f}, saving model to {filepath}")
            self.best = current
            self._save_handler(filepath)
        elif self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                      f"{self.best:.5f}")

    def _save_handler(self, filepath: str) -> None:
        if distribute.is_chief():  # under torchrun rank 0 writes, the others wait for it
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)
        distribute.barrier()

    def _get_file_path(self, epoch: int, batch: Optional[int], logs: Dict[str, Any]) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}")
