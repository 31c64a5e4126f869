"""The EfficientNetV2 fine-tuning drop-in program (efficientnetv2_fine_tuning.py, keras-io's
EfficientNet fine-tuning example's calls) through ``python -m torchkeras run``, unchanged."""
from __future__ import annotations

from tutorials.runner import run_program


def test_efficientnetv2_fine_tuning_runs(tmp_path):
    result = run_program("efficientnetv2_fine_tuning", tmp_path, timeout=600)
    out = result.stdout + result.stderr
    # frozen base: the top's BatchNormalization (gamma, beta) and Dense (kernel, bias)
    assert "trainable weights (frozen base): 4" in out
    # the base's last block and top conv train again (tf_keras 2.21 prints the same 11)
    assert "trainable weights (top 20 unfrozen): 11" in out
    assert "fine-tuned predictions: (4, 3)" in out
    assert "regnetx002 features: (4, 368)" in out
    assert "NASNet features: (4, 1056)" in out
