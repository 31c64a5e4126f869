"""``tf.data.experimental.pad_to_cardinality``: dict elements padded with zeros and a mask
(TF's values: compat/test_data_experimental2.py); bad input named."""
from __future__ import annotations

import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.data.experimental import pad_to_cardinality


def test_pads_with_zeros_empty_strings_and_a_false_mask():
    ds = Dataset.from_tensor_slices({"x": [[1.0, 2.0]], "s": ["a"]})
    out = list(ds.apply(pad_to_cardinality(torch.tensor(3), mask_key="ok")))
    assert [bool(e["ok"]) for e in out] == [True, False, False]
    assert out[2]["x"].tolist() == [0.0, 0.0] and str(out[2]["s"]) == ""
    assert int(ds.apply(pad_to_cardinality(3)).cardinality()) == 3


def test_bad_input_says_why():
    with pytest.raises(ValueError, match="must have a known cardinalty, but has cardinality -2"):
        Dataset.from_tensor_slices({"a": [1]}).filter(lambda d: True).apply(
            pad_to_cardinality(2))
    with pytest.raises(ValueError, match=r"less than the target cardinality \(1\), but has "
                                         "cardinality 2"):
        Dataset.from_tensor_slices({"a": [1, 2]}).apply(pad_to_cardinality(1))
    with pytest.raises(ValueError, match="requires its input dataset to be a dictionary"):
        Dataset.range(2).apply(pad_to_cardinality(3))
    with pytest.raises(ValueError, match="needs every component's shape to be fully defined"):
        Dataset.from_tensor_slices({"a": [1, 2, 3]}).batch(2).apply(pad_to_cardinality(3))
