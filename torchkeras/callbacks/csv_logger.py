"""``CSVLogger``: stream each epoch's logs to a CSV file (Keras 2's exact text)."""
from __future__ import annotations

import collections
import csv
import os
from typing import Any, Dict, List, Optional

import numpy as np

from torchkeras.callbacks.base import Callback
from torchkeras.distribute.environment import is_chief


def _handle_value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
            isinstance(value, np.ndarray) and value.ndim == 0):
        return f"\"[{', '.join(map(str, value))}]\""
    return value


class CSVLogger(Callback):
    """Writes ``epoch`` and the sorted log keys, one row per epoch.

    The columns are fixed at the first epoch (``val_`` columns are added, filled with
    ``NA``, when the first epoch has no validation); ``append=True`` continues an existing
    file without repeating its header.

    Example:
        >>> model.fit(x, y, callbacks=[CSVLogger('training.log', separator=';')])
    """

    def __init__(self, filename: Any, separator: str = ",", append: bool = False) -> None:
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Optional[csv.DictWriter] = None
        self.keys: Optional[List[str]] = None
        self.append_header = True
        self.csv_file = None
        super().__init__()

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if not is_chief():  # under torchrun only rank 0 writes the log
            return
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, "r") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="")

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.csv_file is None:  # not rank 0
            return
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(["val_" + key for key in self.keys])
        if not self.writer:
            class CustomDialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=CustomDialect)
            if self.append_header:
                self.writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        row.update((key, _handle_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None
