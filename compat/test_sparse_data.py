"""Replay of ``fixtures/sparse_data.json`` (recorded by generate_sparse_data.py from real
TensorFlow 2.21): SparseTensor elements batch, unbatch and ``sparse_batch`` as TF (indices
order, dense_shape, element_spec, cardinality); ``SparseFeature`` / ``RaggedFeature``
parsing, ``parse_example_dataset`` and ``make_batched_features_dataset`` (on the TFRecord
file TF wrote) give TF's values; the ``tf.sparse`` functions give TF's results."""
from __future__ import annotations

import json

import numpy as np
import pytest

from compat_case import FIXTURES
from sparse_data_cases import CASES, encode
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "sparse_data.json").read_text())
TFRECORD = str(FIXTURES / "sparse_data.tfrecord")


def compare(got, want, where: str) -> None:
    assert type(got) is type(want), (where, got, want)
    if isinstance(want, dict) and "value" in want and "dtype" in want:
        assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"]), (where, got, want)
        if want["dtype"].startswith("float"):
            np.testing.assert_allclose(np.asarray(got["value"], "float64"),
                                       np.asarray(want["value"], "float64"), rtol=1e-6,
                                       err_msg=where)
        else:
            assert got["value"] == want["value"], (where, got, want)
        return
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), (where, got, want)
        for key in want:
            compare(got[key], want[key], f"{where}.{key}")
        return
    if isinstance(want, list):
        assert len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, f"{where}[{i}]")
        return
    assert got == want, (where, got, want)


def test_cases_match_the_record():
    assert sorted(CASES) == sorted(RECORD["cases"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    compare(encode(CASES[name](tf, TFRECORD)), RECORD["cases"][name], name)
