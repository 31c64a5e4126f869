"""No code runs from a model file: functions and classes named in a config resolve only from
custom objects, registered objects and Keras's built-ins; stored bytecode and pickles need
``safe_mode=False``. Each hostile file would create a marker file if its payload ran."""
import base64
import io
import json
import zipfile

import h5py
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import layers
from torchkeras.registry import serialization

FORMATS = ["keras", "h5", "json"]


# ----------------------------------------------------------------------------- helpers
def _lambda_model() -> keras.Model:
    inputs = keras.Input((3,))
    outputs = layers.Dense(2, name="dense")(layers.Lambda(torch.square, name="lam")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    return model


def _wrapper_model() -> keras.Model:
    inputs = keras.Input((3,))
    wrapper = layers.TorchModuleWrapper(torch.nn.Linear(3, 2), name="wrap")
    return keras.Model(inputs, wrapper(inputs))


def _edit_layer(config, layer_name, edit):
    for entry in config["config"]["layers"]:
        if entry["config"].get("name") == layer_name:
            edit(entry["config"])
    return config


def _crafted(model, tmp_path, fmt, edit_config, edit_compile=None):
    """``model`` saved as ``fmt`` with its config rewritten: a path (or a JSON string)."""
    if fmt == "json":
        return json.dumps(edit_config(json.loads(model.to_json())))
    path = tmp_path / f"crafted.{fmt}"
    model.save(path)
    if fmt == "h5":
        with h5py.File(path, "r+") as h5:
            config = json.loads(h5.attrs["model_config"])
            h5.attrs["model_config"] = json.dumps(edit_config(config))
            if edit_compile and "training_config" in h5.attrs:
                training = json.loads(h5.attrs["training_config"])
                h5.attrs["training_config"] = json.dumps(edit_compile(training))
        return path
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = edit_config(json.loads(members["config.json"]))
    if edit_compile and config.get("compile_config"):
        config["compile_config"] = edit_compile(config["compile_config"])
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _load(target, fmt, **kwargs):
    if fmt == "json":
        return keras.models.model_from_json(target, **kwargs)
    return keras.models.load_model(target, **kwargs)


# ------------------------------------------------------------------- Lambda by module name
HOSTILE_FUNCTIONS = {
    "os.system": ("system", "os", {}),
    "posix.system": ("system", "posix", {}),
    "subprocess.run": ("run", "subprocess", {"args": ["touch", "{marker}"], "check": False}),
    "torch.save": ("save", "torch", {"f": "{marker}"}),
    "builtins.exec": ("exec", "builtins", {}),
    "builtins.eval": ("eval", "builtins", {}),
    "builtins.open": ("open", "builtins", {"file": "{marker}", "mode": "w"}),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target", sorted(HOSTILE_FUNCTIONS))
def test_lambda_naming_a_module_function_is_refused(tmp_path, fmt, target):
    marker = tmp_path / "marker"
    name, module, arguments = HOSTILE_FUNCTIONS[target]
    arguments = json.loads(json.dumps(arguments).replace("{marker}", str(marker)))

    def edit(config):
        config.update(function=name, module=module, function_type="function",
                      arguments=arguments)
    crafted = _crafted(_lambda_model(), tmp_path, fmt,
                       lambda c: _edit_layer(c, "lam", edit))
    for safe_mode in (True, False):  # no module lookups in either mode, as Keras 3
        kwargs = {} if fmt == "json" else {"safe_mode": safe_mode}
        with pytest.raises(ValueError, match=f"Lambda layer 'lam': could not locate function "
                                             f"'{module}.{name}'"):
            _load(crafted, fmt, **kwargs)
    assert not marker.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_keras3_function_dict_in_lambda_is_refused(tmp_path, fmt):
    marker = tmp_path / "marker"

    def edit(config):
        config["function"] = {"module": "torch", "class_name": "function", "config": "save",
                              "registered_name": None}
        config["arguments"] = {"f": str(marker)}
        config.pop("function_type", None)
        config.pop("module", None)
    crafted = _crafted(_lambda_model(), tmp_path, fmt, lambda c: _edit_layer(c, "lam", edit))
    with pytest.raises(ValueError, match="could not locate function 'torch.save'"):
        _load(crafted, fmt)
    assert not marker.exists()


def test_lambda_from_config_direct_call_is_refused(tmp_path):
    marker = tmp_path / "marker"
    config = {"name": "lam", "function": "save", "module": "torch", "function_type": "function",
              "arguments": {"f": str(marker)}}
    with pytest.raises(ValueError, match="never imported"):
        layers.Lambda.from_config(config, safe_mode=False)
    with pytest.raises(ValueError, match="could not locate"):
        keras.layers.deserialize({"class_name": "Lambda", "config": config})
    assert not marker.exists()


# --------------------------------------------------------------- activations, losses
KERAS3_OS_SYSTEM = {"module": "os", "class_name": "function", "config": "system",
                    "registered_name": None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_keras3_function_config_as_activation_is_refused(tmp_path, fmt):
    def edit(config):
        config["activation"] = dict(KERAS3_OS_SYSTEM)
    crafted = _crafted(_lambda_model(), tmp_path, fmt, lambda c: _edit_layer(c, "dense", edit))
    with pytest.raises(ValueError, match="Unknown activation function: 'system'"):
        _load(crafted, fmt)


@pytest.mark.parametrize("fmt", ["keras", "h5"])
def test_keras3_function_config_as_loss_is_refused(tmp_path, fmt):
    def edit_compile(training):
        training["loss"] = dict(KERAS3_OS_SYSTEM)
        return training
    crafted = _crafted(_lambda_model(), tmp_path, fmt, lambda c: c, edit_compile)
    with pytest.raises(ValueError, match="Unknown loss function: 'system'"):
        keras.models.load_model(crafted)


def test_deserialize_keras_object_resolves_function_configs_by_name_only():
    relu = {"module": "keras.activations", "class_name": "function", "config": "relu",
            "registered_name": "relu"}
    assert keras.activations.deserialize(relu) is keras.activations.relu
    assert keras.losses.deserialize({"module": "keras.losses", "class_name": "function",
                                     "config": "mean_squared_error",
                                     "registered_name": None}) is \
        keras.losses.mean_squared_error
    with pytest.raises(ValueError, match="Unknown loss function: 'system'"):
        keras.losses.deserialize(dict(KERAS3_OS_SYSTEM))
    with pytest.raises(ValueError, match="Unknown object: 'system'"):
        keras.saving.deserialize_keras_object(dict(KERAS3_OS_SYSTEM), safe_mode=False)


def test_initializer_module_is_looked_up_in_a_fixed_table(monkeypatch):
    """``_drop_unknown_none`` maps ``keras.<module>`` to torchkeras's module; it imports
    nothing a file names."""
    from torchkeras.saving import model_config
    imported = []
    real_import = __import__

    def spy(name, *args, **kwargs):
        imported.append(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr("builtins.__import__", spy)
    config = model_config._drop_unknown_none("keras.initializers", "GlorotUniform",
                                             {"seed": None, "input_axes": None})
    assert config == {"seed": None}
    assert model_config._drop_unknown_none("keras.evil_module", "X", {"a": None}) == {"a": None}
    assert model_config._drop_unknown_none("os", "system", {"a": None}) == {"a": None}
    assert not [name for name in imported if "evil" in name or name == "os"]


# ---------------------------------------------------------------------- TorchModuleWrapper
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("class_name", ["subprocess.Popen", "Popen"])
def test_torch_module_wrapper_naming_popen_is_refused(tmp_path, fmt, class_name):
    marker = tmp_path / "marker"

    def edit(config):
        config["module"] = {"module": "subprocess", "class_name": class_name,
                            "config": {"args": ["touch", str(marker)]}}
    crafted = _crafted(_wrapper_model(), tmp_path, fmt, lambda c: _edit_layer(c, "wrap", edit))
    for safe_mode in (True, False):
        kwargs = {} if fmt == "json" else {"safe_mode": safe_mode}
        with pytest.raises(ValueError, match=f"'{class_name}' is not a known object"):
            _load(crafted, fmt, **kwargs)
    assert not marker.exists()


class _OpensMarker:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


@pytest.mark.parametrize("fmt", ["keras", "h5"])
def test_torch_module_wrapper_pickle_needs_safe_mode_false(tmp_path, fmt):
    marker = tmp_path / "marker"
    buffer = io.BytesIO()
    torch.save(_OpensMarker(str(marker)), buffer)
    payload = base64.b64encode(buffer.getvalue()).decode("ascii")

    def edit(config):
        config["module"] = payload
    crafted = _crafted(_wrapper_model(), tmp_path, fmt, lambda c: _edit_layer(c, "wrap", edit))
    with pytest.raises(ValueError, match="torch.load"):
        keras.models.load_model(crafted)
    assert not marker.exists()


# ------------------------------------------------------------------------ what still loads
@keras.saving.register_keras_serializable(package="SafeModeTest")
def _registered_double(x):
    return x * 2


def _model_with(function):
    inputs = keras.Input((3,))
    return keras.Model(inputs, layers.Lambda(function, name="lam")(inputs))


@pytest.mark.parametrize("fmt", FORMATS)
def test_lambda_function_from_custom_objects_loads(tmp_path, fmt):
    def triple(x):
        return x * 3

    def edit(config):  # as Keras 3 writes a named function
        config["function"] = {"module": "__main__", "class_name": "function",
                              "config": "triple", "registered_name": "triple"}
        config.pop("function_type", None)
    crafted = _crafted(_model_with(triple), tmp_path, fmt, lambda c: _edit_layer(c, "lam", edit))
    loaded = _load(crafted, fmt, custom_objects={"triple": triple})
    np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 3)))), [[3.0, 3.0, 3.0]])


@pytest.mark.parametrize("fmt", FORMATS)
def test_lambda_registered_function_and_builtins_load(tmp_path, fmt):
    for function, registered, expected in (
            ("_registered_double", "SafeModeTest>_registered_double", 2.0),
            ("relu", None, 1.0), ("square", None, 1.0)):
        def edit(config, function=function, registered=registered):
            config["function"] = {"module": "torch" if function == "square" else "keras",
                                  "class_name": "function", "config": function,
                                  "registered_name": registered}
            config.pop("function_type", None)
        crafted = _crafted(_model_with(torch.square), tmp_path, fmt,
                           lambda c: _edit_layer(c, "lam", edit))
        loaded = _load(crafted, fmt)
        np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 3)))), [[expected] * 3])


def test_bytecode_lambda_round_trip_with_safe_mode_false(tmp_path):
    model = _model_with(lambda x: x + 1.5)
    for fmt in ("keras", "h5"):
        model.save(tmp_path / f"l.{fmt}")
        with pytest.raises(ValueError, match="safe_mode=False"):
            keras.models.load_model(tmp_path / f"l.{fmt}")
        loaded = keras.models.load_model(tmp_path / f"l.{fmt}", safe_mode=False)
        np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 3)))), [[2.5] * 3])
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.model_from_json(model.to_json())


def test_enable_unsafe_deserialization(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, "_UNSAFE_ENABLED", [False])
    model = _model_with(lambda x: x - 1.0)
    model.save(tmp_path / "l.keras")
    assert serialization.in_safe_mode()
    keras.config.enable_unsafe_deserialization()
    assert not serialization.in_safe_mode()
    loaded = keras.models.load_model(tmp_path / "l.keras")  # default safe_mode=True
    np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 3)))), [[0.0] * 3])
    rebuilt = keras.models.model_from_json(model.to_json())
    np.testing.assert_allclose(np.asarray(rebuilt(np.ones((1, 3)))), [[0.0] * 3])


def test_clone_keeps_a_lambda_builtin_function():
    import math
    model = _model_with(torch.special.expit)  # not in any name table: the object is reused
    clone = keras.models.clone_model(model)
    assert clone.get_layer("lam").function is torch.special.expit
    assert math.isclose(float(np.asarray(clone(np.zeros((1, 3))))[0, 0]), 0.5)
