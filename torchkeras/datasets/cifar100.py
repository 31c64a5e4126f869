"""``keras.datasets.cifar100``: 32x32 colour images in 100 (or 20 coarse) classes."""
from __future__ import annotations

import os
from typing import Optional

import numpy as np

from torchkeras import backend
from torchkeras.datasets._files import fetch
from torchkeras.datasets.cifar import load_batch


def load_data(label_mode: str = "fine", cache_dir: Optional[str] = None):
    """``(x_train, y_train), (x_test, y_test)`` with ``label_mode`` ``'fine'`` or ``'coarse'``."""
    if label_mode not in ["fine", "coarse"]:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = fetch("cifar-100-python", "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                 untar=True, cache_dir=cache_dir, file_hash=(
                     "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"))
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_mode + "_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_mode + "_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
