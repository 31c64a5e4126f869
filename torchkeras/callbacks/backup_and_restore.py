"""``BackupAndRestore``: resume an interrupted ``fit`` from the last backup."""
from __future__ import annotations

import logging
import os
import pickle
import re
from typing import Any, Dict, Iterable, Optional

import numpy as np
import torch

from torchkeras.callbacks.base import Callback
from torchkeras.distribute import environment as distribute

_BACKUP_FILE = "training_state.pt"


class BackupAndRestore(Callback):
    """Back up the model and optimizer state to ``backup_dir`` and restore it on the next
    ``fit``, which then continues with the epoch after the last completed one.

    ``save_freq='epoch'`` backs up at each epoch end; an integer backs up every that many
    batches (a run interrupted mid-epoch restarts that epoch with the state of the last
    backup). ``delete_checkpoint`` removes the backup when training ends normally.
    The backup is one ``torch.save`` file (the model's weights in Keras order as tensors, the
    optimizer's ``state_dict`` and the counters), written to a temporary name and renamed, so it is never half-written.
    It is read with ``torch.load(weights_only=True)``: a file planted in ``backup_dir`` runs
    no code, and a damaged or foreign one is an error saying how to start over.

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[BackupAndRestore('/tmp/backup')])
    """

    def __init__(self, backup_dir: Any, save_freq: Any = "epoch",
                 delete_checkpoint: bool = True, save_before_preemption: bool = False) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.save_before_preemption = save_before_preemption
        self._batches_count = 0
        self._current_epoch = 0
        self._restored_epoch: Optional[int] = None  # the epoch to resume: see resumed_epoch()
        if not save_freq and not save_before_preemption:
            raise ValueError("Either `save_freq` or `save_before_preemption` must be set.")
        if save_freq != "epoch" and save_freq is not False and not isinstance(save_freq, int):
            raise ValueError("Unrecognized save_freq value: "
                             f"{save_freq}. Expected save_freq are 'epoch' or integer values")

    @property
    def _backup_path(self) -> str:
        return os.path.join(self.backup_dir, _BACKUP_FILE)

    def _implements_batch_hooks(self) -> bool:
        return self.save_freq != "epoch" and bool(self.save_freq)

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self._restored_epoch = None
        model = self.model
        optimizer = getattr(model, "optimizer", None)
        if not getattr(model, "built", False):
            logging.warning("To use the BackupAndRestore callback, you model must be built "
                            "before you call `fit()`. Model %s is unbuilt. You can build it "
                            "beforehand by calling it on a batch of data.", model)
            return
        if optimizer is not None and hasattr(optimizer, "build") and not optimizer.built:
            optimizer.build(model.trainable_weights)
        if not os.path.exists(self._backup_path):
            return
        state = self._read_backup()
        try:
            model.set_weights([w.numpy() for w in state["weights"]])
            if optimizer is not None and state.get("optimizer") is not None:
                optimizer.load_state_dict(state["optimizer"])
        except (ValueError, KeyError, IndexError, TypeError, RuntimeError) as error:
            raise self._cannot_restore(f"it does not match this model and optimizer "
                                       f"({error})") from error
        epoch, completed = state["epoch"], state["epoch_completed"]
        self._restored_epoch = epoch + 1 if completed else epoch

    def _cannot_restore(self, reason: str) -> ValueError:
        return ValueError(
            f"BackupAndRestore cannot restore the training state from {self._backup_path}: "
            f"{reason}. The file is damaged or was not written by this model's "
            "BackupAndRestore (it is read with torch.load(weights_only=True), which runs no "
            f"code from it). To start training over, delete the directory "
            f"backup_dir='{self.backup_dir}' (or that file) and call fit() again.")

    def _read_backup(self) -> Dict[str, Any]:
        """The backup's state dict, loaded with ``weights_only=True`` and checked."""
        try:
            state = torch.load(self._backup_path, map_location="cpu", weights_only=True)
        except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError,
                TypeError, KeyError, AttributeError, IndexError) as error:
            raise self._cannot_restore(_load_failure(error)) from error
        valid = (isinstance(state, dict) and isinstance(state.get("weights"), list) and
                 all(isinstance(w, torch.Tensor) for w in state["weights"]) and
                 isinstance(state.get("optimizer"), (dict, type(None))) and
                 type(state.get("epoch")) is int and
                 isinstance(state.get("epoch_completed"), bool))
        if not valid:
            raise self._cannot_restore("it does not hold a training state (weights, "
                                       "optimizer, epoch, epoch_completed)")
        return state

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.save_freq and self.save_freq != "epoch":
            self._batches_count += 1
            if self._batches_count >= self.save_freq:
                self._batches_count = 0
                steps = self.params.get("steps")
                self._backup(self._current_epoch, completed=steps is not None and
                             batch == steps - 1)

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.save_freq == "epoch":
            self._backup(epoch, completed=True)

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        distribute.barrier()  # every rank has finished before rank 0 deletes the backup
        if not distribute.is_chief():
            return
        if self.delete_checkpoint and os.path.exists(self._backup_path):
            os.remove(self._backup_path)
            try:
                os.rmdir(self.backup_dir)  # only when empty
            except OSError:
                pass

    def _backup(self, epoch: int, completed: bool) -> None:
        if not distribute.is_chief():  # under torchrun rank 0 writes the one backup
            return
        optimizer = getattr(self.model, "optimizer", None)
        state = {
            # Keras order (independent of layer names), as tensors: weights_only=True loads them
            "weights": [torch.from_numpy(np.ascontiguousarray(w))
                        for w in self.model.get_weights()],
            "optimizer": optimizer.state_dict() if optimizer is not None and
            getattr(optimizer, "built", True) else None,
            "epoch": int(epoch),
            "epoch_completed": bool(completed),
        }
        os.makedirs(self.backup_dir, exist_ok=True)
        temporary = self._backup_path + ".tmp"
        torch.save(state, temporary)
        os.replace(temporary, self._backup_path)


def resumed_epoch(callbacks: Iterable[Any]) -> Optional[int]:
    """The epoch ``fit`` continues from when a :class:`BackupAndRestore` among ``callbacks``
    restored a backup in ``on_train_begin`` (the last one that did), else ``None``. Reading
    it consumes it, so only the ``fit`` that restored resumes."""
    epoch = None
    for callback in callbacks:
        if isinstance(callback, BackupAndRestore) and callback._restored_epoch is not None:
            epoch, callback._restored_epoch = callback._restored_epoch, None
    return epoch


def _load_failure(error: BaseException) -> str:
    """The useful line of ``torch.load``'s error (not its advice to use weights_only=False)."""
    text = str(error)
    found = re.search(r"WeightsUnpickler error:\s*(.+?)(?:\.\s|\n|$)", text)
    if found:
        return f"{type(error).__name__}: {found.group(1)}"
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"
