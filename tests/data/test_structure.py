"""``flatten_up_to``: a value's parts at the leaves of an element structure (a shape tuple
at a leaf stays whole, as tf.nest's ``flatten_up_to``)."""
from __future__ import annotations

import numpy as np
import torch

from torchkeras.data.structure import flatten_up_to

LEAF = torch.zeros(2)


def test_leaf_takes_the_whole_part():
    assert flatten_up_to(LEAF, (None,)) == [(None,)]
    assert flatten_up_to((LEAF, {"b": LEAF, "a": LEAF}), ((None,), {"a": [3], "b": ()})) == \
        [(None,), [3], ()]


def test_mismatch_is_none():
    assert flatten_up_to((LEAF, LEAF), (None,)) is None
    assert flatten_up_to({"a": LEAF}, {"b": 1}) is None
    assert flatten_up_to((LEAF,), [None]) is None


def test_value_type_names_the_python_type_of_the_values():
    from torchkeras.data.ragged import RaggedTensor
    from torchkeras.data.sparse import SparseTensor
    from torchkeras.data.structure import RaggedTensorSpec, SparseTensorSpec, TensorSpec
    assert TensorSpec((2,), "int32").value_type is torch.Tensor
    assert TensorSpec((), "string").value_type is np.ndarray
    assert RaggedTensorSpec((2, None), "int32").value_type is RaggedTensor
    assert SparseTensorSpec((2,), "int32").value_type is SparseTensor
