"""Reading CIFAR's pickled batches (the files of ``cifar-10-python.tar.gz``)."""
from __future__ import annotations

import pickle
from typing import Tuple

import numpy as np


def load_batch(fpath: str, label_key: str = "labels") -> Tuple[np.ndarray, list]:
    """``(data (n, 3, 32, 32) uint8, labels)`` from one CIFAR batch file."""
    with open(fpath, "rb") as handle:
        d = pickle.load(handle, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]
