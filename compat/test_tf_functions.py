"""Replay of ``fixtures/tf_functions.json`` (recorded by generate_tf_functions.py from real
TensorFlow): the ``tf.image`` / ``tf.strings`` / ``tf.io`` calls of tf_function_cases.py give
TF's values, dtypes and shapes on torchkeras, also inside ``Dataset.map``."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from compat_case import FIXTURES, array_record
from tf_function_cases import CASES, write_inputs
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "tf_functions.json").read_text())
# TF's default JPEG decode (fast integer IDCT + fancy chroma upsampling) is the one setting
# Pillow's libjpeg cannot give for a chroma-subsampled colour image at full size: within a few
# levels there, exact everywhere else (compat/test_jpeg_decode.py covers every setting).
JPEG_TOLERANCE = 3
PIL_CASES = {"decode_", "read_decode", "dataset_map_decode"}


def leaf(value) -> dict:
    if isinstance(value, (list, tuple)):
        return {"tuple": [leaf(v) for v in value]}
    return array_record(value)


def compare(got: dict, want: dict, name: str, atol: float) -> None:
    assert got.keys() == want.keys(), name
    if "tuple" in want:
        assert len(got["tuple"]) == len(want["tuple"]), name
        for g, w in zip(got["tuple"], want["tuple"]):
            compare(g, w, name, atol)
        return
    assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"]), name
    if want["dtype"] in ("string", "bool") or atol == 0:
        assert got["value"] == want["value"], name
    else:
        np.testing.assert_allclose(np.asarray(got["value"], "float64"),
                                   np.asarray(want["value"], "float64"), atol=atol, rtol=1e-5,
                                   err_msg=name)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    encoded = {k: base64.b64decode(v) for k, v in RECORD["inputs"].items()}
    root = str(tmp_path_factory.mktemp("tf_functions"))
    return write_inputs(encoded, root)


def test_cases_match_the_record():
    assert sorted(CASES) == sorted(RECORD["cases"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf_function(name, inputs):
    if any(name.startswith(p) for p in PIL_CASES):
        pytest.importorskip("PIL", reason="the image decoders need Pillow (optional)")
    got = leaf(CASES[name](tf, inputs))
    jpeg = "jpeg" in name and "accurate" not in name
    atol = JPEG_TOLERANCE if jpeg else 0 if got.get("dtype") in ("uint8", "int32") else 2e-4
    compare(got, RECORD["cases"][name], name, atol)
