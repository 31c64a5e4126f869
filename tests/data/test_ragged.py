import numpy as np
import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.data.ragged import RaggedTensor, constant


def test_constant_types_rows_as_tf_constant():
    ints = constant([[1, 2], [], [3]])
    assert [r.dtype for r in ints] == [torch.int32] * 3 and ints.shape == (3, None)
    assert constant([[1, 2.5], [3]])[1].dtype == torch.float32
    assert constant([[1, 2]], dtype="int64")[0].dtype == torch.int64
    assert constant([["a", "bc"], ["d"]]).to_list() == [[b"a", b"bc"], [b"d"]]
    with pytest.raises(ValueError, match="tf.ragged.constant.*nested list"):
        constant(3)


def test_to_tensor_pads_cuts_and_keeps_inner_dimensions():
    rows = RaggedTensor([torch.ones(2, 3), torch.full((4, 3), 2.0)])
    assert rows.shape == (2, None, 3) and rows.bounding_shape().tolist() == [2, 4, 3]
    dense = rows.to_tensor(default_value=-1.0)
    assert dense.shape == (2, 4, 3) and dense[0, 2:].eq(-1).all() and dense[1].eq(2).all()
    assert rows.to_tensor(shape=[None, 3, None]).shape == (2, 3, 3)
    assert rows.flat_values.shape == (6, 3)


def test_ragged_batch_then_unbatch_gives_the_rows_back():
    ds = Dataset.range(1, 5).map(lambda n: torch.arange(int(n)))
    batched = ds.ragged_batch(3)
    assert len(batched) == 2
    assert [r.tolist() for r in batched.unbatch()] == [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3]]


def test_more_than_one_ragged_dimension_says_so():
    nested = RaggedTensor([RaggedTensor([torch.ones(1)]), RaggedTensor([torch.ones(2)])])
    assert nested.to_list() == [[[1.0]], [[1.0, 1.0]]]
    with pytest.raises(ValueError, match="to_tensor.*one ragged dimension"):
        nested.to_tensor()


def test_slices_of_a_string_ragged_tensor_are_string_arrays():
    rows = list(Dataset.from_tensor_slices(constant([["a", "b"], ["c"]])))
    assert [np.asarray(r).tolist() for r in rows] == [["a", "b"], ["c"]]


def test_batch_of_rows_sliced_from_a_ragged_tensor_is_ragged():
    rows = Dataset.from_tensor_slices({"d": constant([[1, 2], [], [3]]), "y": [1, 0, 1]})
    first, last = list(rows.batch(2))
    assert isinstance(first["d"], RaggedTensor) and first["d"].to_list() == [[1, 2], []]
    assert isinstance(last["d"], RaggedTensor) and first["y"].tolist() == [1, 0]
    assert "RaggedTensorSpec" in repr(rows.element_spec["d"])
