"""The Keras 3 transfer-learning drop-in program (keras3_transfer_resize_backbone.py:
``Resizing(antialias=True)`` and a backbone built with ``name=``) through
``python -m torchkeras run``, unchanged."""
from __future__ import annotations

from tutorials.runner import run_program


def test_keras3_transfer_learning_with_resizing_and_named_backbone(tmp_path):
    result = run_program("keras3_transfer_resize_backbone", tmp_path, timeout=600)
    out = result.stdout + result.stderr
    assert "base model name: backbone" in out
    assert "backbone found: True" in out
    assert "resizing antialias: True" in out
    assert "epochs run: 2" in out
    assert "restored antialias: True same predictions: True" in out
