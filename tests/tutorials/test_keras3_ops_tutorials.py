"""Keras 3 layers written with ``keras.ops`` / ``keras.random`` / ``keras.Variable`` in the
style of keras.io's subclassing guide and ViT example, unmodified Keras code run through
``python -m torchkeras run``."""
from __future__ import annotations

from tutorials.runner import key_values, run_program


def test_keras3_ops_vit_and_vae_layers(tmp_path):
    out = key_values(run_program("keras3_ops_vit_vae", tmp_path).stdout)
    assert out["linear_shape"] == "(2, 4)"
    assert out["weights_are_variables"] == "True" and out["variable_path"].startswith("linear")
    assert out["sum_twice"] == "[4.0, 4.0]" and out["sum_weights"] == "1 1 0"
    assert out["patches_shape"] == "(1, 16, 108)" and out["first_patch_matches"] == "True"
    assert float(out["vit_accuracy"]) > 0.65  # chance: 0.5
    first, last = map(float, out["vae_loss"].split())
    assert last < first
