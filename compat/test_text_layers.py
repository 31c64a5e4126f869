"""TextVectorization / StringLookup / IntegerLookup against real Keras (``text_layers.json``
and ``text_layers__k3.keras``, written by ``generate_text_layers.py``).

Per case: the adapted vocabulary (order: count descending, ties by the larger token),
``vocabulary_size()``, the idf weights and the output of each ``output_mode``, including
standardization and splitting of unicode and punctuation (``output_mode=None`` gives the
tokens in Keras 2). Keras 2 is the reference; where tf_keras raised (``tf_idf`` adapted on
rows with different numbers of distinct tokens) the Keras 3 numbers are used. Exact for
indices and tokens, 1e-6 for idf weights (float32 logs).
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import torchkeras as keras
from compat_case import FIXTURES

with open(FIXTURES / "text_layers.json", encoding="utf-8") as f:
    META = json.load(f)
CASES = {c["name"]: c for c in META["cases"]}


def _expected(name):
    k2 = META["k2"][name]
    if "error" in k2:  # tf_keras failed: Keras 3's result (README: where they differ)
        return META["k3"][name]
    return k2


def _kwargs(spec):
    return {k: tuple(v) if k == "ngrams" and isinstance(v, list) else v
            for k, v in spec["kwargs"].items()}


def _run(spec):
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    if spec["adapt"] is not None:
        layer.adapt(np.array(spec["adapt"]))
    return layer, layer(np.array(spec["input"]))


def _has_float(value):
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return np.asarray(value).tolist()


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer(name):
    spec, expected = CASES[name], _expected(name)
    layer, output = _run(spec)
    assert layer.get_vocabulary() == expected["vocabulary"]
    assert layer.vocabulary_size() == expected["vocabulary_size"]
    out = _plain(output)
    reference = expected["output"]
    if _has_float(reference):
        np.testing.assert_allclose(np.asarray(out, np.float64), reference, rtol=1e-6, atol=1e-6)
    else:
        assert out == reference
    if "idf_weights" in expected:
        np.testing.assert_allclose(np.asarray(layer.idf_weights), expected["idf_weights"],
                                   rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_keys(name):
    spec, expected = CASES[name], _expected(name)
    layer, _ = _run(spec)
    keras3_only = {"oov_method", "salt"}
    keys = set(expected["config_keys"]) - {"batch_input_shape"} - keras3_only
    assert set(layer.get_config()) - {"batch_input_shape"} == keys


def test_keras3_file_loads_and_predicts(tmp_path):
    """A .keras file written by Keras 3 (vocabulary in assets/) predicts the same."""
    record = META["keras3_file"]
    model = keras.models.load_model(str(FIXTURES / "text_layers__k3.keras"))
    vectorize = model.layers[1]
    assert vectorize.get_vocabulary() == record["vocabulary"]
    predictions = model.predict(np.array(record["queries"]), verbose=0)
    np.testing.assert_allclose(predictions, record["predictions"], rtol=1e-5, atol=1e-6)
    # saved again by torchkeras and reloaded: the same numbers
    path = os.path.join(tmp_path, "again.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(np.array(record["queries"]), verbose=0),
                               record["predictions"], rtol=1e-5, atol=1e-6)


def test_keras2_h5_file_loads_and_predicts():
    """A tf-keras .h5 with TextVectorization and StringLookup (vocabularies in the config,
    the only way tf-keras writes them to .h5) predicts the same on two string inputs."""
    record = META["keras2_file"]
    model = keras.models.load_model(str(FIXTURES / "text_layers__k2.h5"), compile=False)
    inputs = [np.array(record["texts"]), np.array(record["tags"])]
    np.testing.assert_allclose(model.predict(inputs, verbose=0), record["predictions"],
                               rtol=1e-5, atol=1e-6)
