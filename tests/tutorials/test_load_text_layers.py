"""The "Load text" program with its preprocessing as Keras layers (``load_text_layers.py``: a
user tokenizer Layer on ``tf.strings``, a ``tf.lookup`` table Layer, both in a Sequential
built on strings and in a functional model on a string ``Input``, ``tf.reshape`` of the ragged
tokens, ``Dataset.map`` through the layers, ``fit`` of a classifier, an export model given raw
strings in ``predict``/``fit``) run through ``python -m torchkeras run``: every line it prints
must be the line real TensorFlow (tf_keras) printed for the same program (recorded by
``compat/generate_string_layers.py`` into ``compat/fixtures/string_layers.json``)."""
from __future__ import annotations

import json
from pathlib import Path

from tutorials.runner import key_values, run_program

REFERENCE = Path(__file__).resolve().parents[2] / "compat" / "fixtures" / "string_layers.json"


def test_load_text_layers(tmp_path):
    out = key_values(run_program("load_text_layers", tmp_path).stdout)
    expected = json.loads(REFERENCE.read_text())["tutorial"]
    assert {"sequential_ids", "functional_shape", "example_ids", "export_predict_shape",
            "export_fit_array_keys"} <= set(expected)
    assert out == expected
