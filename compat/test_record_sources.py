"""Replay of ``fixtures/record_sources.json`` (generate_record_sources.py, real TF 2.21):
``tf.data.experimental.SqlDataset`` (SQLite's conversions to each output type, NULLs,
blobs, errors) and ``tf.data.FixedLengthRecordDataset`` (header/footer, GZIP, interleaved
files, a body that is not a whole number of records) give TF's elements and errors."""
from __future__ import annotations

import base64
import json
import os

import numpy as np
import pytest
import torch

from compat_case import FIXTURES
from record_source_cases import CASES, write_inputs
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "record_sources.json").read_text())["cases"]
# map's element_spec comes from the first element's result here (TF traces the function, so
# decode_raw's length is unknown there): compared on the elements only
SPEC_FROM_FIRST_ELEMENT = {"fixed_plain_decode_raw"}


def leaf(value) -> dict:
    if isinstance(value, (tuple, list)):
        return {"tuple": [leaf(v) for v in value]}
    if isinstance(value, torch.Tensor):
        array = value.numpy()
        return {"dtype": array.dtype.name, "shape": list(array.shape),
                "value": array.reshape(-1).tolist()}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=object)
    return {"dtype": "string", "shape": list(array.shape),
            "base64": [base64.b64encode(bytes(b)).decode() for b in array.reshape(-1)]}


def spec(value) -> object:
    if isinstance(value, tuple):
        return [spec(v) for v in value]
    dtype = value.dtype if isinstance(value.dtype, str) else str(value.dtype)
    return [dtype.replace("torch.", "").replace("tf.", ""),
            [None if d is None else int(d) for d in value.shape]]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("record_sources")
    write_inputs(str(folder))
    return str(folder)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tensorflow(name, root):
    want = RECORD[name]
    dataset = CASES[name](tf, root)
    if name not in SPEC_FROM_FIRST_ELEMENT:
        assert spec(dataset.element_spec) == want["spec"]
    if "error" in want:
        with pytest.raises(tf.errors.OpError) as info:
            list(dataset)
        assert type(info.value).__name__ == want["error"]["type"]
        assert str(info.value).replace(root + os.sep, "") == want["error"]["message"]
    else:
        assert [leaf(e) for e in dataset] == want["elements"]
