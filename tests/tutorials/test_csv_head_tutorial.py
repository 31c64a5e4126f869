"""The csv tutorial's preprocessing head (``csv_preprocessing_head.py``) run through
``python -m torchkeras run``: its shapes, layer counts, input names and the reloaded model's
dict input must be the lines real tf_keras printed for the same program (recorded by
``compat/generate_dict_inputs.py`` into ``compat/fixtures/dict_inputs.json``); training must
lower the loss and the reloaded model must predict as the trained one."""
from __future__ import annotations

import json
from pathlib import Path

from tutorials.runner import key_values, run_program

REFERENCE = Path(__file__).resolve().parents[2] / "compat" / "fixtures" / "dict_inputs.json"


def test_csv_preprocessing_head(tmp_path):
    out = key_values(run_program("csv_preprocessing_head", tmp_path).stdout)
    expected = json.loads(REFERENCE.read_text())["tutorial"]
    assert {key: out[key] for key in expected} == expected
    first, last = map(float, out["first_last_loss"].split())
    assert last < first
