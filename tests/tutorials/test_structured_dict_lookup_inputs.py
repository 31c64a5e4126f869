"""``structured_dict_lookup_inputs.py`` (keras.io structured-data-from-scratch style) through
``python -m torchkeras run``: its printed lines equal real Keras 2's, recorded by
``compat/generate_structured_dict.py`` (Keras 3 differs only in the first line: its lookups
give integer one-hot rows inside tf.data)."""
from __future__ import annotations

import json
from pathlib import Path

from tutorials.runner import run_program

REF = json.loads((Path(__file__).resolve().parents[2] / "compat" / "fixtures"
                  / "structured_dict.json").read_text())


def test_structured_dict_lookup_inputs_prints_keras_lines(tmp_path):
    lines = run_program("structured_dict_lookup_inputs", tmp_path).stdout.splitlines()
    assert lines == REF["k2"]
    assert lines[1:] == REF["k3"][1:]
