"""Replay of ``fixtures/lookup.json`` (recorded by generate_lookup.py from real TensorFlow):
the ``tf.lookup`` tables and ``tf.data.experimental.*table_from_dataset`` of lookup_cases.py
give TF's ids (out-of-vocabulary hash buckets included), values, dtypes and shapes on
torchkeras, also inside ``Dataset.map``; the bad calls fail with TF's error class and
message."""
from __future__ import annotations

import json

import numpy as np
import pytest

from compat_case import FIXTURES, array_record
from lookup_cases import CASES, ERRORS, VOCAB_FILE, VOCAB_TEXT
from torchkeras.compat.finder import tensorflow_module
from torchkeras.tfops.lookup import StrongHashSpec

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "lookup.json").read_text())


def leaf(value) -> dict:
    if isinstance(value, (list, tuple)):
        return {"tuple": [leaf(v) for v in value]}
    if isinstance(value, (str, bytes)) and not isinstance(value, np.generic):
        return {"dtype": "string", "shape": [], "value": value.decode("utf-8")
                if isinstance(value, bytes) else value}
    if isinstance(value, int):
        return {"dtype": "int", "shape": [], "value": value}
    return array_record(value)


@pytest.fixture()
def inputs(tmp_path):
    return {"vocab": VOCAB_FILE, "root": str(tmp_path), "strong_spec": StrongHashSpec((7, 11))}


def test_cases_match_the_record():
    assert sorted(CASES) == sorted(RECORD["cases"])
    assert sorted(ERRORS) == sorted(RECORD["errors"])


def test_vocabulary_file_is_the_recorded_one():
    with open(VOCAB_FILE, encoding="utf-8", newline="") as handle:
        assert handle.read() == VOCAB_TEXT


@pytest.mark.parametrize("name", sorted(CASES))
def test_lookup(name, inputs):
    assert leaf(CASES[name](tf, inputs)) == RECORD["cases"][name]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_lookup_error(name, inputs):
    want = RECORD["errors"][name]
    with pytest.raises(Exception) as info:
        ERRORS[name](tf, inputs)
    message = str(info.value).replace(inputs["root"], "<root>").replace(VOCAB_FILE, "<vocab>")
    assert type(info.value).__name__ == want["type"], message
    assert want["message"] in message
