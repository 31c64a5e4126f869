"""Reading CIFAR's pickled batches (the files of ``cifar-10-python.tar.gz``)."""
from __future__ import annotations

import os
from typing import Tuple

import numpy as np

from torchkeras.datasets import _safe_pickle


def load_batch(fpath: str, label_key: str = "labels") -> Tuple[np.ndarray, list]:
    """``(data (n, 3, 32, 32) uint8, labels)`` from one CIFAR batch file.

    The batch is a pickled dict of bytes, strings, lists and a NumPy array; it is read with
    the restricted unpickler (``_safe_pickle``), so a planted file cannot run code."""
    hint = (f"Delete the folder {os.path.dirname(os.path.abspath(fpath))} so that the "
            "original archive is downloaded and extracted again.")
    with open(fpath, "rb") as handle:
        d = _safe_pickle.load(handle, fpath, hint, encoding="bytes")
    if not isinstance(d, dict):
        raise ValueError(f"{fpath} is not a CIFAR batch: expected a pickled dict, received "
                         f"{type(d).__name__}. {hint}")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]
