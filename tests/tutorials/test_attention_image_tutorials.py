"""The transformer text classifier and the image augmentation tutorial (in the style of
keras.io / tensorflow docs), unmodified Keras code run through ``python -m torchkeras run``."""
from __future__ import annotations

import pytest

from tutorials.runner import key_values, run_program


def test_transformer_text_classification(tmp_path):
    out = key_values(run_program("transformer_text_classification", tmp_path).stdout)
    assert out["weights"] == "22"  # as Keras: 2 embeddings, MHA 8, FFN 4, 2 LayerNorms 4, 2 Dense 4
    last, first = map(float, out["final_loss"].split())
    assert last < first
    assert out["predict_shape"] == "(64, 2)"


def test_image_augmentation(tmp_path):
    out = key_values(run_program("image_augmentation", tmp_path).stdout)
    assert out["augmented_shape"] == "(1, 24, 24, 3)"
    assert out["augmented_differs"] == "True"  # a standalone call augments, as in Keras
    assert out["predict_deterministic"] == "True"  # augmentation is off in predict
    assert float(out["final_loss"]) > 0
