"""``History``: the per-epoch logs ``fit`` returns."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from torchkeras.callbacks.base import Callback


class History(Callback):
    """``history.history`` maps each log key (``loss``, metrics, ``val_*``) to one value per
    epoch, in the order Keras 2 records them; ``history.epoch`` lists the epochs."""

    def __init__(self) -> None:
        super().__init__()
        self.history: Dict[str, List[float]] = {}
        self.epoch: List[int] = []

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
