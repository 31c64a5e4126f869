"""``tf.strings`` on NumPy strings (torchkeras/tfops/strings.py) and strings through
``tf.constant`` / ``tf.expand_dims`` of the tf namespace."""
from __future__ import annotations

import numpy as np

from torchkeras.tfops import strings as tf_strings
from torchkeras.compat.finder import tensorflow_module
from torchkeras.compat.tf_namespace import constant, expand_dims


def test_lower_is_ascii_only_unless_utf8():
    text = np.array(["ÉCOLE Ça", b"ABC"], dtype=object)
    assert tf_strings.lower(text).tolist() == ["École Ça", "abc"]  # É, Ç: not ASCII
    assert tf_strings.lower(text, encoding="utf-8").tolist() == ["école ça", "abc"]
    assert tf_strings.upper(np.array(["abc é"])).tolist() == ["ABC é"]


def test_regex_replace_strip_length():
    text = np.array([["a<br />b!", "  x  "]])
    out = tf_strings.regex_replace(text, "<br />", " ")
    assert out.shape == (1, 2) and out.tolist() == [["a b!", "  x  "]]
    assert tf_strings.regex_replace(["aaa"], "a", "b", replace_global=False).tolist() == ["baa"]
    assert tf_strings.regex_replace(["ab"], "(a)(b)", r"\2\1").tolist() == ["ba"]
    assert tf_strings.strip(["\t x \n"]).tolist() == ["x"]
    assert tf_strings.length(["é", "ab"]).tolist() == [2, 2]
    assert tf_strings.length(["é"], unit="UTF8_CHAR").tolist() == [1]


def test_string_constant_and_expand_dims_stay_numpy():
    strings = constant(["a b", "c"])
    assert isinstance(strings, np.ndarray) and strings.tolist() == ["a b", "c"]
    column = expand_dims(strings, -1)
    assert isinstance(column, np.ndarray) and column.shape == (2, 1)
    assert tuple(expand_dims([1.0, 2.0], -1).shape) == (2, 1)  # numbers: a tensor as before


def test_split_results_are_tf_ragged_tensors():
    tf = tensorflow_module()
    ragged = tf.strings.split(tf.constant(["a b", "c"]))
    assert isinstance(ragged, tf.RaggedTensor) and ragged.to_list() == [[b"a", b"b"], [b"c"]]
