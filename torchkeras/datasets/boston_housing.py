"""``keras.datasets.boston_housing``: 13 features, house prices (``boston_housing.npz``)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from torchkeras.datasets._files import ORIGIN, fetch
from torchkeras.datasets._npz import load_npz


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113,
              cache_dir: Optional[str] = None):
    """Shuffled with ``RandomState(seed)`` and split at ``1 - test_split``, as Keras."""
    assert 0 <= test_split < 1
    path = fetch(path, ORIGIN + "boston_housing.npz", cache_dir=cache_dir, file_hash=(
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"))
    f = load_npz(path)
    x, y = f["x"], f["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
