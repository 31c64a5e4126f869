"""The sparse-input models program (``sparse_input_models.py``: the sparse-tensor guide's
Keras cell, a TF-IDF classifier on ``Input(sparse=True)`` trained by fit on a SparseTensor
and on a dataset of its rows) run through ``python -m torchkeras run``: every line it prints
must be the line real TensorFlow (tf_keras) printed for the same program (recorded by
``compat/generate_sparse_inputs.py`` into ``compat/fixtures/sparse_inputs.json``)."""
from __future__ import annotations

import json
from pathlib import Path

from tutorials.runner import key_values, run_program

REFERENCE = Path(__file__).resolve().parents[2] / "compat" / "fixtures" / "sparse_inputs.json"


def test_sparse_input_models(tmp_path):
    out = key_values(run_program("sparse_input_models", tmp_path).stdout)
    expected = json.loads(REFERENCE.read_text())["tutorial"]
    assert {"guide_call", "fit_loss", "dataset_loss", "dense_input_call"} <= set(expected)
    assert out == expected
