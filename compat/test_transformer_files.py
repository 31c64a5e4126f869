"""A small transformer block (Embedding(mask_zero=True) + MultiHeadAttention + residual
LayerNormalization + Dense feed-forward + pooling + softmax head) saved by real Keras — a
tf_keras ``.h5`` and a Keras 3 ``.keras`` (``generate_more_layers.py``) — loads in torchkeras
and predicts the same, padding mask included (the padded rows differ from unmasked ones, so
a dropped mask fails). Tolerance rtol 1e-5 / atol 1e-6 (softmax outputs).
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, load_case

ARRAYS, META = load_case("transformer")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


@pytest.mark.parametrize("tag", ["k2", "k3"])
def test_keras_file_predicts_the_same(tag):
    model = keras.models.load_model(os.path.join(FIXTURES, META[f"{tag}__file"]))
    tokens = ARRAYS["tokens"]
    assert_close(model.predict(tokens, verbose=0), ARRAYS[f"{tag}__pred"],
                 f"{tag} predict", rtol=1e-5, atol=1e-6)
    assert_close(np.asarray(model(tokens)), ARRAYS[f"{tag}__pred"], f"{tag} call",
                 rtol=1e-5, atol=1e-6)
    unpadded = np.where(tokens == 0, 1, tokens)
    assert_close(model.predict(unpadded, verbose=0), ARRAYS[f"{tag}__pred_nopad"],
                 f"{tag} predict without padding", rtol=1e-5, atol=1e-6)
    # the padding mask matters for these inputs: a model ignoring it would fail above
    assert np.abs(ARRAYS[f"{tag}__pred"] - ARRAYS[f"{tag}__pred_nopad"]).max() > 1e-3


@pytest.mark.parametrize("tag", ["k2", "k3"])
def test_loaded_transformer_trains_and_round_trips(tag, tmp_path):
    model = keras.models.load_model(os.path.join(FIXTURES, META[f"{tag}__file"]))
    tokens = ARRAYS["tokens"]
    model.fit(tokens, np.array([0, 1, 0, 1, 1]), epochs=1, verbose=0)
    expected = model.predict(tokens, verbose=0)
    path = str(tmp_path / ("again.h5" if tag == "k2" else "again.keras"))
    model.save(path)
    assert_close(keras.models.load_model(path).predict(tokens, verbose=0), expected,
                 f"{tag} re-saved", rtol=1e-6, atol=1e-7)


def test_keras3_file_written_by_torchkeras_has_keras3_mha_config(tmp_path):
    # Keras 3 rejects tf-keras's query_shape/key_shape/value_shape/softmax_robust_masking
    # (checked by hand: the re-saved files load in Keras 3.15 / tf_keras 2.21 and predict
    # the same to 6e-8).
    import json
    import zipfile
    model = keras.models.load_model(os.path.join(FIXTURES, META["k2__file"]), compile=False)
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    mha = [e for e in config["config"]["layers"] if e["class_name"] == "MultiHeadAttention"]
    assert mha and not {"query_shape", "key_shape", "value_shape",
                        "softmax_robust_masking"} & set(mha[0]["config"])
    again = keras.models.load_model(path, compile=False)
    assert_close(again.predict(ARRAYS["tokens"], verbose=0), ARRAYS["k2__pred"],
                 "k2 file re-saved as .keras", rtol=1e-5, atol=1e-6)
