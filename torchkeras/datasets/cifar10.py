"""``keras.datasets.cifar10``: 32x32 colour images in 10 classes (``cifar-10-batches-py``)."""
from __future__ import annotations

import os
from typing import Optional

import numpy as np

from torchkeras import backend
from torchkeras.datasets._files import fetch
from torchkeras.datasets.cifar import load_batch


def load_data(cache_dir: Optional[str] = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (n, 32, 32, 3) (channels_last)
    and uint8 labels (n, 1), read from ``~/.keras/datasets/cifar-10-batches-py``."""
    path = fetch("cifar-10-batches-py", "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                 untar=True, cache_dir=cache_dir, file_hash=(
                     "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"))
    parts = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test), (len(y_test), 1)).astype(y_train.dtype)
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test)
