"""The Keras 3 augmentation / audio tutorial program (keras3_augmentation_layers.py), run
unchanged through ``python -m torchkeras run``."""
from __future__ import annotations

import numpy as np

from tutorials.runner import key_values, run_program


def test_keras3_augmentation_layers_tutorial(tmp_path):
    out = key_values(run_program("keras3_augmentation_layers", tmp_path).stdout)
    assert out["augmented_batch"] == "(32, 32, 32, 3) (32, 10)"
    assert out["labels_sum_to_one"] == "True"  # CutMix then MixUp keep one-hot mass
    last, first = map(float, out["final_loss"].split())
    assert np.isfinite(last) and last < first + 0.5
    assert out["predict_deterministic"] == "True"  # augmentation is off in predict
    assert out["mel_shape"] == "(None, 32, 32)"

