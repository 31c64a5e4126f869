"""``EarlyStopping``: stop training when a monitored value stops improving."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import numpy as np

from torchkeras.callbacks.base import Callback
from torchkeras.distribute.environment import is_chief


def print_msg(message: str) -> None:
    """Keras's ``io_utils.print_msg`` (stdout, one line; under torchrun rank 0 only)."""
    if is_chief():
        print(message, flush=True)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    ``mode='auto'`` maximises monitors ending in ``acc``, ``accuracy`` or ``auc`` and
    minimises the rest; an improvement must beat the best value by more than ``min_delta``.
    With ``restore_best_weights`` the weights of the best epoch are restored at the end of
    training (Keras 2: also when training was not stopped early). Epochs before
    ``start_from_epoch`` are not monitored.

    Example:
        >>> stop = EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[stop])
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: Optional[float] = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: Optional[List[np.ndarray]] = None
        self.start_from_epoch = start_from_epoch
        if mode not in ("auto", "min", "max"):
            logging.warning("EarlyStopping mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        if mode == "min":
            self.monitor_op = np.less
        elif mode == "max":
            self.monitor_op = np.greater
        elif monitor.endswith(("acc", "accuracy", "auc")):
            self.monitor_op = np.greater
        else:
            self.monitor_op = np.less
        if self.monitor_op is np.less:
            self.min_delta *= -1
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_epoch = 0

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self.wait = 0  # instances can be reused
        self.stopped_epoch = 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()  # no progress ever: epoch 1's
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg("Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Optional[Dict[str, Any]]) -> Any:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            logging.warning("Early stopping conditioned on metric `%s` which is not available. "
                            "Available metrics are: %s", self.monitor, ",".join(logs.keys()))
        return value

    def _is_improvement(self, monitor_value: float, reference_value: float) -> bool:
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
