"""Host string helpers of the text layers (torchkeras/layers/string_ops.py). TensorFlow's
behaviour on the corpus in compat/generate_text_layers.py is checked by
compat/test_text_layers.py; these pin the edge cases between Python's and TF's rules."""
from __future__ import annotations

import numpy as np

from torchkeras.layers import string_ops


def test_split_on_ascii_whitespace_only():
    strings = string_ops.to_str_array(["a\x1cb c", "x\u00a0y\tz", "  ", "é  ü\n"])
    # Python's str.split() would also split at \x1c and \u00a0; TensorFlow does not
    assert string_ops.split_whitespace(strings) == [["a\x1cb", "c"], ["x\u00a0y", "z"], [],
                                                    ["é", "ü"]]


def test_lower_ascii_only_and_strip_punctuation():
    strings = string_ops.to_str_array(np.array([b"\xc3\x89T\xc3\xa9!", b"it's-a_test"]))
    assert string_ops.lower(strings).tolist() == ["Été!", "it's-a_test"]
    assert string_ops.strip_punctuation(strings).tolist() == ["ÉTé", "itsatest"]


def test_ngrams_widths_in_turn_and_padding():
    rows = string_ops.ngrams([["a", "b", "c"], ["d"]], (1, 2, 3))
    assert rows == [["a", "b", "c", "a b", "b c", "a b c"], ["d"]]
    np.testing.assert_array_equal(string_ops.pad_ragged([[1, 2, 3], [4]], 2), [[1, 2], [4, 0]])
    assert string_ops.pad_ragged([[1], []], None, fill=-1).tolist() == [[1], [-1]]
    assert string_ops.is_string_value(["a"]) and not string_ops.is_string_value(np.zeros(2))
