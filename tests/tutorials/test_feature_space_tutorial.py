"""The FeatureSpace tutorial (``feature_space_heart.py``, in the style of keras.io's
"Structured data classification with FeatureSpace") through ``python -m torchkeras run``."""
from __future__ import annotations

from tutorials.runner import key_values, run_program


def test_feature_space_heart(tmp_path):
    out = key_values(run_program("feature_space_heart", tmp_path).stdout)
    # sex 2 + cp 6 + thal 3 + age 10 + 3 floats + crosses 16 + 8
    assert out["preprocessed_shape"] == "(32, 48)"
    assert out["preprocessed_dtype"] == "torch.float32"
    first, last = map(float, out["first_last_loss"].split())
    assert last < 0.5 * first  # the label is a rule over cp and thal (their cross is encoded)
    assert float(out["val_accuracy"]) > 0.8
    assert 0.0 <= float(out["probability"]) <= 1.0
    assert out["reload_same"] == "True"
