"""``keras.datasets.mnist``: 28x28 handwritten digits, from Keras's ``mnist.npz``."""
from __future__ import annotations

from typing import Optional

from torchkeras.datasets._files import ORIGIN, fetch
from torchkeras.datasets._npz import load_npz


def load_data(path: str = "mnist.npz", cache_dir: Optional[str] = None):
    """``(x_train, y_train), (x_test, y_test)``: uint8 arrays (60000, 28, 28) / (10000, 28, 28)
    and uint8 labels, read from ``~/.keras/datasets/mnist.npz`` (downloaded if missing)."""
    path = fetch(path, ORIGIN + "mnist.npz", cache_dir=cache_dir, file_hash=(
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"))
    f = load_npz(path)
    return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
