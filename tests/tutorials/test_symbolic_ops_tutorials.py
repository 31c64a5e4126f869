"""Tutorial programs doing arithmetic and ``tf``/``keras.ops`` calls on symbolic tensors,
run through ``python -m torchkeras run``: the TF "Load CSV data" preprocessing head
(``csv_symbolic_preprocessing.py``) and a Keras 3 residual model
(``keras3_symbolic_residual.py``)."""
from __future__ import annotations

from tutorials.runner import key_values, run_program


def test_csv_preprocessing_head(tmp_path):
    out = key_values(run_program("csv_symbolic_preprocessing", tmp_path).stdout)
    assert out["calc"] == "3.0 5.0"  # 2 * input + 1
    assert out["numeric"] == "True"  # input.dtype == tf.float32 picks the numeric inputs
    assert out["head_width"] == "15"  # 4 normalized + log1p(fare) + 2 + 3 + 2 one-hots
    first, last = map(float, out["first_last_loss"].split())
    assert last < 0.6 * first
    assert out["reload_same"] == "True"


def test_keras3_residual_model(tmp_path):
    out = key_values(run_program("keras3_symbolic_residual", tmp_path).stdout)
    assert out["op_layers"].split() == ["tf.__operators__.add", "relu", "mean",
                                        "tf.math.multiply", "concatenate"]
    first, last = map(float, out["first_last_loss"].split())
    assert last < 0.6 * first and float(out["accuracy"]) > 0.8
    assert out["reload_same"] == "True"
