"""``LearningRateScheduler``: set the learning rate at the start of every epoch."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import numpy as np
import torch

from torchkeras.callbacks.base import Callback
from torchkeras.callbacks.early_stopping import print_msg


def get_lr(optimizer: Any) -> np.float32:
    """The optimizer's learning rate as Keras 2's ``backend.get_value(optimizer.lr)``."""
    if not hasattr(optimizer, "lr") and hasattr(optimizer, "param_groups"):
        return np.float32(optimizer.param_groups[0]["lr"])  # a plain torch optimizer
    return np.float32(float(optimizer.lr))


def set_lr(optimizer: Any, value: Any) -> None:
    """Keras 2's ``backend.set_value(optimizer.lr, value)`` (also on a torch optimizer)."""
    value = float(value)
    if hasattr(optimizer, "learning_rate"):
        optimizer.learning_rate = value
    else:
        for group in optimizer.param_groups:
            group["lr"] = value


class LearningRateScheduler(Callback):
    """``schedule(epoch, lr)`` (or ``schedule(epoch)``) gives each epoch's learning rate.

    The learning rate is also written to the epoch logs as ``'lr'`` (Keras 2), so History
    and CSVLogger record it.

    Example:
        >>> LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * 0.9)
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "lr") and not hasattr(optimizer, "param_groups"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        try:  # new API
            lr = self.schedule(epoch, float(get_lr(optimizer)))
        except TypeError:  # old API: schedule(epoch)
            lr = self.schedule(epoch)
        if isinstance(lr, torch.Tensor):
            if not lr.dtype.is_floating_point:
                raise ValueError(f"The dtype of `lr` Tensor should be float. Got: {lr.dtype}")
            lr = float(lr)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')
        set_lr(optimizer, lr)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                      f"{lr}.")

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if logs is not None:
            logs["lr"] = get_lr(self.model.optimizer)
