"""The transfer-learning drop-in program (transfer_learning_mobilenet.py, the TensorFlow
tutorial's calls) through ``python -m torchkeras run``, unchanged."""
from __future__ import annotations

from tutorials.runner import run_program


def test_transfer_learning_tutorial_runs(tmp_path):
    result = run_program("transfer_learning_mobilenet", tmp_path, timeout=600)
    out = result.stdout + result.stderr
    assert "feature batch shape: (16, 3, 3, 1280)" in out
    assert 'Model: "mobilenetv2_1.00_96"' in out
    assert "Trainable params: 0 (0.00 Byte)" in out  # the frozen base
    assert "trainable variables: 2" in out
    assert "Number of layers in the base model:  154" in out
    assert "trainable variables after unfreezing: 56" in out  # Keras: the same 56
    assert "Epoch 3/3" in out and "Test accuracy :" in out
    assert "Predictions shape: (16,)" in out
