"""The tf.SparseTensor stand-in, tf.sparse.to_dense, and SparseTensor elements in tf.data
(batch, unbatch, sparse_batch, element_spec; parity with TF in compat/test_sparse_data.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset, SparseTensorSpec, TensorSpec, experimental
from torchkeras.data.sparse import SparseTensor, to_dense


def test_to_dense_numbers_and_strings():
    sparse = SparseTensor([[0, 1], [1, 0]], torch.tensor([5, 7]), [2, 3])
    assert SparseTensor([[0]], [1], [2]).dtype == torch.int32  # as tf.constant
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


# ------------------------------------------------------------- batching in tf.data
def _varlen(n: int) -> SparseTensor:
    """n values in a computed dense_shape [n + 1] (static shape unknown, as in a traced map)."""
    return SparseTensor(torch.arange(n).reshape(-1, 1), torch.arange(n), torch.tensor([n + 1]))


def test_batch_stacks_indices_in_element_order_and_takes_the_largest_shape():
    dataset = Dataset.range(4).map(lambda x: _varlen(int(x)))
    assert repr(dataset.element_spec) == "SparseTensorSpec(TensorShape([None]), tf.int64)"
    batched = dataset.batch(3)
    assert repr(batched.element_spec) == "SparseTensorSpec(TensorShape([None, None]), tf.int64)"
    assert int(batched.cardinality()) == 2
    first, second = list(batched)
    assert first.indices.tolist() == [[1, 0], [2, 0], [2, 1]]
    assert first.values.tolist() == [0, 0, 1] and first.dense_shape.tolist() == [3, 3]
    assert second.dense_shape.tolist() == [1, 4]
    assert str(dataset.batch(3, drop_remainder=True).element_spec) == \
        "SparseTensorSpec(TensorShape([3, None]), tf.int64)"


def test_unbatch_keeps_the_inner_dense_shape_and_the_spec():
    rows = list(Dataset.range(4).map(lambda x: _varlen(int(x))).batch(3).unbatch())
    assert [r.dense_shape.tolist() for r in rows] == [[3], [3], [3], [4]]
    assert [r.values.tolist() for r in rows] == [[], [0], [0, 1], [0, 1, 2]]
    sparse = SparseTensor([[0, 1], [2, 2]], [1, 2], [3, 4])
    slices = Dataset.from_tensor_slices(sparse)
    assert str(slices.element_spec) == "SparseTensorSpec(TensorShape([4]), tf.int32)"
    assert int(slices.cardinality()) == 3
    assert [r.indices.tolist() for r in slices] == [[[1]], [], [[2]]]


def test_batch_of_mixed_sparse_and_dense_or_ranks_says_which_component():
    mixed = Dataset.range(2).map(lambda x: SparseTensor([[0]], [1], [1]) if int(x) == 0
                                 else torch.tensor([1]))
    with pytest.raises(TypeError, match="`Dataset.batch`: component 0 mixes SparseTensor"):
        list(mixed.batch(2))
    ranks = Dataset.range(2).map(lambda x: SparseTensor([[0] * (int(x) + 1)], [1],
                                                        [1] * (int(x) + 1)))
    with pytest.raises(ValueError, match=r"different ranks in component 0: ranks \[1, 2\]"):
        list(ranks.batch(2))


def test_sparse_batch_fixed_row_shape_and_errors():
    dataset = Dataset.from_generator(lambda: (np.arange(n, dtype=np.int32) for n in (2, 1, 3)),
                                     output_signature=TensorSpec([None], "int32"))
    batched = dataset.sparse_batch(2, [4])
    assert str(batched.element_spec) == "SparseTensorSpec(TensorShape([None, 4]), tf.int32)"
    first = next(iter(batched))
    assert first.indices.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert first.values.tolist() == [0, 1, 0] and first.dense_shape.tolist() == [2, 4]
    with pytest.raises(ValueError, match=r"`Dataset.sparse_batch`: Input element had shape "
                                         r"\(\[3\]\) that is larger than the row shape"):
        list(dataset.sparse_batch(3, [2]))
    with pytest.raises(ValueError, match="incompatible with the row shape"):
        list(dataset.sparse_batch(2, [2, 2]))
    with pytest.raises(ValueError, match="`row_shape` dimensions must be >= 0"):
        dataset.sparse_batch(2, [-1])
    with pytest.raises(ValueError, match="`batch_size` must be greater than zero"):
        dataset.sparse_batch(0, [4])
    pairs = Dataset.from_tensor_slices((np.zeros((2, 2)), np.zeros(2)))
    with pytest.raises(TypeError, match="`Dataset.sparse_batch` expects a dataset of single"):
        pairs.sparse_batch(2, [2]).element_spec  # noqa: B018


def test_dense_to_sparse_batch_is_sparse_batch():
    dataset = Dataset.from_tensor_slices(np.ones((3, 2), np.float32))
    out = list(dataset.apply(experimental.dense_to_sparse_batch(2, [3])))
    assert [o.dense_shape.tolist() for o in out] == [[2, 3], [1, 3]]
    assert out[0].indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_as_numpy_iterator_gives_the_dense_array_as_tf():
    dataset = Dataset.from_tensors(SparseTensor([[1]], [5], [3]))
    assert next(dataset.as_numpy_iterator()).tolist() == [0, 5, 0]


def test_spec_compatibility_and_equality():
    spec = SparseTensorSpec([None, 3], "int32")
    assert spec == SparseTensorSpec([None, 3], "int32") and spec != TensorSpec([None, 3], "int32")
    assert spec.is_compatible_with(SparseTensor([[0, 1]], [1], [2, 3]))
    assert not spec.is_compatible_with(SparseTensor([[0, 1]], [1], [2, 4]))
    assert not spec.is_compatible_with(torch.zeros(2, 3, dtype=torch.int32))


def test_to_torch_is_a_coalesced_coo_tensor_with_cast_values():
    from torchkeras.data.sparse import to_torch
    sp = SparseTensor([[1, 0], [0, 2], [1, 0]], [1, 2, 3], [2, 3])  # a repeated index
    tensor = to_torch(sp, torch.float32)
    assert tensor.is_sparse and tensor.dtype == torch.float32 and tuple(tensor.shape) == (2, 3)
    np.testing.assert_array_equal(tensor.to_dense().numpy(), [[0, 0, 2], [4, 0, 0]])
    with pytest.raises(ValueError, match="SparseTensor of strings"):
        to_torch(SparseTensor([[0]], np.array([b"a"], dtype=object), [1]))


def test_take_rows_by_slice_and_by_index():
    from torchkeras.data.sparse import take_rows, to_torch
    dense = np.arange(12, dtype="float32").reshape(4, 3) * (np.arange(12).reshape(4, 3) % 2)
    rows = np.argwhere(dense)
    tensor = to_torch(SparseTensor(rows, dense[dense != 0], [4, 3]))
    np.testing.assert_array_equal(take_rows(tensor, slice(1, 3)).to_dense().numpy(),
                                  dense[1:3])
    np.testing.assert_array_equal(take_rows(tensor, slice(3, 10)).to_dense().numpy(),
                                  dense[3:])
    np.testing.assert_array_equal(take_rows(tensor, torch.tensor([3, 0])).to_dense().numpy(),
                                  dense[[3, 0]])
