"""A functional model with a dict of inputs keeps taking the dict through saving, as in real
Keras (``dict_inputs.json``, ``dict_inputs__k2.h5`` and ``dict_inputs__k3.keras``, written by
``generate_dict_inputs.py``): ``input_layers`` holds the dict in the user's key order (Keras 2
and 3), the reloaded ``model.input`` is the dict, and ``(batch,)`` arrays per key still gain
the ``Input((1,))`` axis. Predictions: rtol 1e-5 / atol 1e-6 (fixed weights, one Dense)."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import torchkeras as keras
from compat_case import FIXTURES, assert_close

REF = json.loads((FIXTURES / "dict_inputs.json").read_text())
DATA = {k: np.array(v, "float32") for k, v in REF["data"].items()}


def dict_model():
    """The generator's model: inputs as a dict in non-sorted key order, fixed weights."""
    inputs = {"b": keras.Input(shape=(1,), name="b"), "a": keras.Input(shape=(2,), name="a")}
    x = keras.layers.Concatenate()([inputs["a"], inputs["b"]])
    dense = keras.layers.Dense(1, name="out")
    model = keras.Model(inputs, dense(x))
    dense.set_weights([np.array([[0.5], [-1.0], [2.0]], "float32"),
                       np.array([0.25], "float32")])
    return model


def describe(model, weights_known=True):
    structure = model.input
    predictions = model.predict(DATA, verbose=0)
    return {"input_type": type(structure).__name__,
            "input_keys": sorted(structure) if isinstance(structure, dict) else None,
            "inputs": [t.name for t in model.inputs],
            "input_names": model.input_names,
            "predict": predictions.tolist() if weights_known else list(predictions.shape)}


def _check(found, expected, what):
    assert {k: v for k, v in found.items() if k != "predict"} == \
        {k: v for k, v in expected.items() if k != "predict"}, what
    if isinstance(expected["predict"][0], list):
        assert_close(np.array(found["predict"]), np.array(expected["predict"]),
                     rtol=1e-5, atol=1e-6, what=what)
    else:
        assert found["predict"] == expected["predict"], what


def test_config_writes_the_dict_in_the_users_key_order():
    model = dict_model()
    config = model.get_config()
    assert list(config["input_layers"].items()) == list(REF["k2"]["input_layers"].items())
    written = json.loads(model.to_json())["config"]["input_layers"]
    assert list(written.items()) == list(REF["k2"]["json_input_layers"].items())


def test_keras_file_config_holds_the_dict_as_keras3(tmp_path):
    dict_model().save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        config = json.loads(z.read("config.json"))["config"]
    assert list(config["input_layers"].items()) == list(REF["k3"]["input_layers"].items())


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_saved_and_loaded_model_takes_the_dict(tmp_path, ext):
    model = dict_model()
    _check(describe(model), REF["k2"]["before"], "before saving")
    model.save(tmp_path / f"m.{ext}")
    _check(describe(keras.models.load_model(tmp_path / f"m.{ext}")), REF["k2"]["loaded"],
           f"loaded .{ext}")


def test_model_from_json_takes_the_dict():
    rebuilt = keras.models.model_from_json(dict_model().to_json())
    _check(describe(rebuilt, weights_known=False), REF["k2"]["from_json"], "model_from_json")


@pytest.mark.parametrize("name", ["dict_inputs__k2.h5", "dict_inputs__k3.keras"])
def test_files_written_by_real_keras_load_with_the_dict(name):
    loaded = keras.models.load_model(FIXTURES / name)
    expected = REF["k2" if "k2" in name else "k3"]["loaded"]
    found = describe(loaded)
    if expected["input_names"] is None:  # Keras 3 has no input_names; torchkeras keeps Keras 2's
        found["input_names"] = None
    _check(found, expected, name)
