"""tf.strings on string elements: kinds in and out, ragged split, errors (the values against
TF are in compat/test_tf_functions.py)."""
from __future__ import annotations

import numpy as np
import pytest

from torchkeras.data import Dataset
from torchkeras.tfops import strings


def test_bytes_and_str_inputs_give_str_results():
    assert strings.lower(b"ABC") == "abc" and isinstance(strings.lower(b"ABC"), np.str_)
    out = strings.upper(np.array([b"a", b"b"], dtype=object))
    assert out.dtype.kind == "U" and out.tolist() == ["A", "B"]


def test_split_of_a_vector_is_ragged():
    rows = strings.split(np.array(["a b", "c"]))
    assert [r.tolist() for r in rows] == [["a", "b"], ["c"]]
    assert rows.to_list() == [[b"a", b"b"], [b"c"]]


def test_to_number_error_names_the_string():
    with pytest.raises(ValueError, match="StringToNumberOp could not correctly convert "
                                         "string: abc"):
        strings.to_number(["1", "abc"])


def test_string_pipeline_batches_and_numpy_gives_bytes():
    ds = Dataset.from_tensor_slices(np.array(["Hi There", "YO"])).map(strings.lower).batch(2)
    (batch,) = list(ds.as_numpy_iterator())
    assert batch.dtype == object and batch.tolist() == [b"hi there", b"yo"]
    scalars = list(Dataset.from_tensor_slices(["a", "b"]).as_numpy_iterator())
    assert scalars == [b"a", b"b"] and all(type(s) is bytes for s in scalars)


def test_iterated_string_elements_have_numpy_as_tf():
    (scalar,) = list(Dataset.from_tensor_slices(["héllo"]))
    assert scalar == "héllo" and scalar.numpy() == "héllo".encode()
    (batch,) = list(Dataset.from_tensor_slices(np.array(["a", "b"])).batch(2))
    assert batch.numpy().tolist() == [b"a", b"b"] and (batch == "a").tolist() == [True, False]


def test_split_of_a_vector_reads_as_a_ragged_tensor():
    ragged = strings.split(np.array(["a bb c", "", "dd e"]))
    assert ragged.shape == (3, None)  # the second dimension is ragged, as TF's
    assert ragged.to_tensor().tolist() == [["a", "bb", "c"], ["", "", ""], ["dd", "e", ""]]
    assert ragged.row_lengths().tolist() == [3, 0, 2]
    assert ragged.numpy()[2].tolist() == [b"dd", b"e"]
    nested = strings.split(np.array([["a b"], ["c"]]))
    with pytest.raises(ValueError, match="supports one ragged dimension"):
        nested.to_tensor()
