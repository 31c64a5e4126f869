"""``flatten_up_to``: a value's parts at the leaves of an element structure (a shape tuple
at a leaf stays whole, as tf.nest's ``flatten_up_to``)."""
from __future__ import annotations

import numpy as np
import torch

from torchkeras.data import structure
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


def test_string_scalars_take_new_axes_and_indexed_strings_keep_numpy():
    # guide/data.ipynb's tf_parse: tf.io.parse_example(eg[tf.newaxis], ...)[key][0].numpy()
    from torchkeras.data.structure import BytesValue, StringArray, StringValue, with_numpy
    scalar = with_numpy(b"record")
    assert isinstance(scalar, BytesValue)
    expanded = scalar[None]
    assert isinstance(expanded, StringArray) and expanded.shape == (1,)
    assert expanded.numpy().tolist() == [b"record"] and scalar[..., None].shape == (1,)
    assert with_numpy("abc")[None].numpy().tolist() == [b"abc"]
    assert scalar[1:3] == b"ec" and isinstance(with_numpy("abc"), StringValue)  # slicing as str
    batch = with_numpy(np.array([b"a", b"bc"]))
    first = batch[0]
    assert isinstance(first, BytesValue) and first.numpy() == b"a"
    assert batch[1:].shape == (1,)
    values = batch.numpy()  # Python bytes items, as TF's .numpy() (not np.bytes_)
    assert values.dtype == object and [type(v) for v in values] == [bytes, bytes]


def test_string_elements_have_dtype_tf_string():
    # keras.io structured_data_classification_from_scratch: `x[name].dtype == "string"`
    scalar = structure.with_numpy("fixed")
    batch = structure.with_numpy(np.array(["a", "bc"], dtype=object))
    raw = structure.with_numpy(b"\x00\x01")
    for value in (scalar, batch, raw):
        assert value.dtype == "string" and value.dtype == structure.string
        assert value.dtype != "int64" and value.dtype != np.float32
        assert repr(value.dtype) == "tf.string" and value.dtype.name == "string"
    assert structure.string == "string" and structure.string == np.dtype("<U3")
    assert structure.string != "float32" and structure.string != np.dtype("int64")
    # NumPy still sees the element's own dtype
    assert scalar.dtype.kind == "U" and np.dtype(scalar.dtype) == np.dtype("<U5")
    assert batch.dtype.kind == "O" and np.asarray(batch).dtype == np.dtype(object)
    assert np.array([scalar, "xy"]).dtype.kind == "U" and len({structure.string,
                                                              scalar.dtype}) == 1
