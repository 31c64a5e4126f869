"""The 8x8 handwritten digits (UCI), bundled with torchkeras: real data with no download.

>>> (x_train, y_train), (x_test, y_test) = digits.load_data()
>>> x_train.shape, y_train.shape
((1437, 8, 8), (1437,))
"""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import Tuple

import numpy as np

_PATH = Path(__file__).resolve().parent / "data" / "digits.csv.gz"
_NUM_TEST = 360

Split = Tuple[np.ndarray, np.ndarray]


def load_data() -> Tuple[Split, Split]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (n, 8, 8) with values 0..16
    and uint8 labels 0..9, in the style of ``keras.datasets.mnist.load_data()``. The last
    360 samples are the test split."""
    with gzip.open(_PATH, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 8, 8)
    labels = table[:, -1]
    split = len(table) - _NUM_TEST
    return (images[:split], labels[:split]), (images[split:], labels[split:])
