"""The structured-data preprocessing tutorial (``structured_data_preprocessing.py``, in the
style of TensorFlow's PetFinder tutorial) run through ``python -m torchkeras run``:
Normalization adapted on a mapped Dataset, Discretization, CategoryEncoding, Hashing and
HashedCrossing inside ``Dataset.map``; fit, evaluate, save/load and predict."""
from __future__ import annotations

from tutorials.runner import key_values, run_program


def test_structured_data_preprocessing(tmp_path):
    out = key_values(run_program("structured_data_preprocessing", tmp_path).stdout)
    first, last = map(float, out["first_last_loss"].split())
    assert last < 0.5 * first
    assert float(out["test_accuracy"]) > 0.8  # the label is a rule over Type and PhotoAmt
    assert out["reload_same"] == "True"
    assert 0.0 <= float(out["probability"]) <= 1.0
