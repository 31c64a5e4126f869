"""``keras.datasets.fashion_mnist``: 28x28 clothing images, Keras's four idx ``.gz`` files in
``~/.keras/datasets/fashion-mnist/``."""
from __future__ import annotations

import gzip
import os
from typing import Optional

import numpy as np

from torchkeras.datasets._files import ORIGIN, fetch

FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def _read(path: str, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        return np.frombuffer(handle.read(), np.uint8, offset=offset)


def load_data(cache_dir: Optional[str] = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 (60000, 28, 28) / (10000, 28, 28)."""
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [fetch(name, ORIGIN + name, cache_dir=cache_dir, cache_subdir=subdir)
             for name in FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
