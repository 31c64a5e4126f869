"""The batches ``adapt()`` reads: NumPy arrays and lists in batches of ``batch_size``
(Keras 2's default 32), a ``Dataset`` or any other iterable element by element (each element
one batch; of an ``(x, y)`` element only ``x``)."""
from __future__ import annotations

import itertools
from typing import Any, Iterator, List, Optional

import numpy as np
import torch

from torchkeras.data.dataset import Dataset

__all__: List[str] = []


def _as_array(batch: Any) -> np.ndarray:
    if isinstance(batch, tuple) and not hasattr(batch, "_fields"):
        batch = batch[0]  # (x, y) or (x, y, sample_weight): the features
    if isinstance(batch, torch.Tensor):
        return batch.detach().cpu().numpy()
    return np.asarray(batch)


def adapt_batches(data: Any, batch_size: Optional[int] = None,
                  steps: Optional[int] = None) -> Iterator[np.ndarray]:
    """Yield the batches of ``data`` as NumPy arrays, at most ``steps`` of them."""
    if isinstance(data, (np.ndarray, torch.Tensor, list)):
        array = _as_array(data)
        size = batch_size or 32
        batches: Iterator[np.ndarray] = (array[i:i + size]
                                         for i in range(0, max(len(array), 1), size))
    elif isinstance(data, Dataset) or hasattr(data, "__iter__"):
        if batch_size is not None:
            raise ValueError("`batch_size` must not be set when `adapt` is given a dataset or "
                             f"an iterable of batches. Received: batch_size={batch_size}")
        batches = (_as_array(element) for element in data)
    else:
        raise TypeError(f"adapt() expects a NumPy array, a list, a tensor, a Dataset or an "
                        f"iterable of batches. Received: {type(data).__name__}")
    return itertools.islice(batches, steps) if steps is not None else batches
