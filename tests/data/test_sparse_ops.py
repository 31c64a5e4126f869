"""tf.sparse functions: errors and edge cases (results against TF in
compat/test_sparse_data.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import sparse_ops
from torchkeras.data.sparse import SparseTensor


def _sparse() -> SparseTensor:
    return SparseTensor([[0, 1], [1, 0], [2, 2]], [1, 2, 3], [3, 4])


def test_from_dense_round_trip_and_empty():
    dense = torch.tensor([[0, 3], [4, 0]])
    assert torch.equal(sparse_ops.to_dense(sparse_ops.from_dense(dense)), dense)
    empty = sparse_ops.from_dense(torch.zeros(2, 2))
    assert empty.indices.shape == (0, 2) and empty.shape == (2, 2)


def test_reorder_sorts_row_major_and_keeps_strings():
    unordered = SparseTensor([[1, 0], [0, 2]], np.array([b"b", b"a"], dtype=object), [2, 3])
    ordered = sparse_ops.reorder(unordered)
    assert ordered.indices.tolist() == [[0, 2], [1, 0]] and ordered.values.tolist() == [b"a", b"b"]


def test_errors_name_the_function():
    with pytest.raises(ValueError, match="`tf.sparse.reshape`: Input to reshape is a "
                                         "SparseTensor with 12 dense values"):
        sparse_ops.reshape(_sparse(), [5, 2])
    with pytest.raises(ValueError, match="at most one dimension can be -1"):
        sparse_ops.reshape(_sparse(), [-1, -1])
    with pytest.raises(ValueError, match=r"`tf.sparse.reset_shape`: new_shape \[2, 4\]"):
        sparse_ops.reset_shape(_sparse(), [2, 4])
    with pytest.raises(ValueError, match="`tf.sparse.concat`: the SparseTensors' shapes"):
        sparse_ops.concat(0, [_sparse(), SparseTensor([[0, 0]], [1], [1, 5])])
    with pytest.raises(ValueError, match="`tf.sparse.add`: operands' shapes do not match"):
        sparse_ops.add(_sparse(), SparseTensor([[0, 0]], [1], [1, 5]))
    with pytest.raises(ValueError, match="`tf.sparse.expand_dims`: axis 4 is out of range"):
        sparse_ops.expand_dims(_sparse(), 4)
    with pytest.raises(TypeError, match="`tf.sparse.slice` expects a SparseTensor"):
        sparse_ops.slice(torch.zeros(2, 2), [0, 0], [1, 1])
    with pytest.raises(ValueError, match="`tf.sparse.map_values`: no SparseTensor"):
        sparse_ops.map_values(torch.abs, torch.zeros(2))


def test_concat_expanding_other_dims_and_add_threshold():
    joined = sparse_ops.concat(1, [_sparse(), SparseTensor([[0, 0]], [9], [1, 2])],
                               expand_nonconcat_dims=True)
    assert joined.shape == (3, 6) and joined.indices.tolist()[:2] == [[0, 1], [0, 4]]
    summed = sparse_ops.add(_sparse(), SparseTensor([[0, 1]], [-1], [3, 4]), threshold=1)
    assert summed.indices.tolist() == [[1, 0], [2, 2]]  # the 0 sum is dropped


def test_transpose_reductions_and_scalar_multiply():
    assert sparse_ops.transpose(_sparse()).indices.tolist() == [[0, 1], [1, 0], [2, 2]]
    with pytest.raises(ValueError, match=r"`tf.sparse.transpose`: perm \[0, 0\]"):
        sparse_ops.transpose(_sparse(), [0, 0])
    negative = SparseTensor([[0], [2]], [-4, -2], [3])
    assert sparse_ops.reduce_max(negative).item() == -2  # implicit zeros are not values
    assert sparse_ops.reduce_sum(_sparse(), axis=1).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="output_is_sparse=True"):
        sparse_ops.reduce_max(negative, output_is_sparse=True)
    assert (_sparse() * 2).values.tolist() == [2, 4, 6]
    with pytest.raises(TypeError, match="multiplies a SparseTensor by a scalar only"):
        _sparse() * torch.ones(3, 4)
