"""The tf.SparseTensor stand-in and tf.sparse.to_dense."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.data.sparse import SparseTensor, to_dense


def test_to_dense_numbers_and_strings():
    sparse = SparseTensor([[0, 1], [1, 0]], torch.tensor([5, 7]), [2, 3])
    assert to_dense(sparse).tolist() == [[0, 5, 0], [7, 0, 0]]
    assert to_dense(sparse, default_value=-1).tolist() == [[-1, 5, -1], [7, -1, -1]]
    assert sparse.shape == (2, 3) and sparse.dtype == torch.int64
    strings = SparseTensor([[1]], np.array([b"x"], dtype=object), [2])
    assert to_dense(strings).tolist() == [b"", b"x"]


def test_errors():
    with pytest.raises(ValueError, match="2 indices but 1 values"):
        SparseTensor([[0], [1]], torch.tensor([1]), [2])
    with pytest.raises(TypeError, match="expects a SparseTensor"):
        to_dense(torch.zeros(2))


def test_passes_through_dataset_map():
    dataset = Dataset.range(2).map(lambda x: {"s": SparseTensor([[0]], x.reshape(1), [3])})
    dense = [to_dense(element["s"]).tolist() for element in dataset]
    assert dense == [[0, 0, 0], [1, 0, 0]]
