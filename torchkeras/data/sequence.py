"""``keras.utils.Sequence``: an indexable batch source for fit/evaluate/predict."""
from __future__ import annotations

from typing import Any


class Sequence:
    """Subclass and implement ``__getitem__(index) -> (x, y)`` and ``__len__()`` (number of
    batches); ``on_epoch_end`` runs after each epoch."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def on_epoch_end(self) -> None:
        pass

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


class PyDataset(Sequence):
    """Keras 3's name for ``Sequence`` (``workers``/``use_multiprocessing`` are accepted)."""

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size
