"""Strict layer configs: an argument no Keras writes for a class is an error naming the
layer, the key and the near valid name; keys real Keras 2/3 writes still load."""
import json
import warnings

import h5py
import numpy as np
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.saving import model_config
from torchkeras.registry.keras_layer_args import KERAS_ONLY_ARGS


def _model() -> keras.Model:
    inputs = keras.Input((3,), name="in")
    return keras.Model(inputs, layers.Dense(2, activation="relu", name="d")(inputs))


def _with_dense_config(model, tmp_path, fmt, edit):
    """``model`` as ``fmt`` (or JSON) with layer 'd''s entry passed through ``edit``."""
    def rewrite(config):
        for entry in config["config"]["layers"]:
            if entry["config"].get("name") == "d":
                edit(entry)
        return config
    if fmt == "json":
        return json.dumps(rewrite(json.loads(model.to_json())))
    path = tmp_path / f"m.{fmt}"
    model.save(path)
    if fmt == "h5":
        with h5py.File(path, "r+") as h5:
            h5.attrs["model_config"] = json.dumps(rewrite(json.loads(h5.attrs["model_config"])))
    else:
        import zipfile
        with zipfile.ZipFile(path) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
        members["config.json"] = json.dumps(rewrite(json.loads(members["config.json"]))).encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    return path


def _load(target, fmt):
    if fmt == "json":
        return keras.models.model_from_json(target)
    return keras.models.load_model(target, compile=False)


@pytest.mark.parametrize("fmt", ["keras", "h5", "json"])
def test_misspelled_argument_raises_with_suggestion(tmp_path, fmt):
    def edit(entry):
        entry["config"]["activatiom"] = entry["config"].pop("activation")
    target = _with_dense_config(_model(), tmp_path, fmt, edit)
    with pytest.raises(TypeError) as info:
        _load(target, fmt)
    message = str(info.value)
    assert "Layer 'd'" in message
    assert "Unrecognized keyword arguments passed to Dense: {'activatiom': 'relu'}" in message
    assert "Did you mean 'activation'?" in message


@pytest.mark.parametrize("fmt", ["keras", "h5", "json"])
def test_wrong_class_name_raises(tmp_path, fmt):
    def edit(entry):
        entry["class_name"] = "Layer"
    target = _with_dense_config(_model(), tmp_path, fmt, edit)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments passed to Layer: "
                                        r"\{'units': 2"):
        _load(target, fmt)


def test_unknown_key_with_none_value_raises():
    config = {"class_name": "Dense", "config": {"name": "d", "units": 2, "not_a_keras_arg": None}}
    with pytest.raises(TypeError, match="not_a_keras_arg"):
        model_config.normalize_entry(config)


@pytest.mark.parametrize("class_name, extra", [
    ("Dense", {"lora_rank": None, "lora_alpha": None, "quantization_config": None}),
    ("Conv2D", {"lora_rank": None, "filters": 2, "kernel_size": 1}),
    ("Dropout", {"rate": 0.5, "rng_type": None, "force_generator": False}),
    ("MaxPooling2D", {"pool_mode": None}),
    ("LayerNormalization", {"rms_scaling": False}),
])
def test_keys_real_keras_writes_load_silently(class_name, extra):
    config = {"name": "x", **({"units": 2} if class_name == "Dense" else {}), **extra}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entry = model_config.normalize_entry({"class_name": class_name, "config": config})
    layer = layers.deserialize(entry)
    assert type(layer).__name__ == class_name
    assert not set(extra) & set(entry["config"]) - set(model_config.accepted_arguments(
        type(layer)))


def test_keras_only_argument_with_a_value_warns_and_loads():
    entry = {"class_name": "Dropout", "config": {"name": "d", "rate": 0.5,
                                                 "rng_type": "stateful"}}
    with pytest.warns(UserWarning, match="rng_type='stateful' is not supported by torchkeras"):
        normalized = model_config.normalize_entry(entry)
    assert layers.deserialize(normalized)(np.ones((1, 3))).shape == (1, 3)


def test_keras_only_args_table_lists_only_unaccepted_keys():
    classes = layers._layer_classes()
    assert {"Dense", "Conv2D", "InputLayer", "MaxPooling2D"} <= set(KERAS_ONLY_ARGS)
    for name, keys in KERAS_ONLY_ARGS.items():
        accepted = model_config.accepted_arguments(classes[name])
        assert accepted is not None and not keys & accepted, name
