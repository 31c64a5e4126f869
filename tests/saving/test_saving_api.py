"""load_model/save_model dispatch, .keras files, safety (atomic saves, corrupt files),
custom objects, Lambda safe_mode, JSON and cloning."""
from __future__ import annotations

import os
import zipfile

import h5py
import numpy as np
import pytest

import torchkeras as keras
from torchkeras.saving import CorruptFileError


def _functional():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Dense(4, activation="tanh", name="h")(
        keras.layers.Concatenate(name="cat")([a, b]))
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)], name="inner")
    model = keras.Model([a, b], [inner(h), keras.layers.Dense(1, name="o2")(h)])
    model.compile(optimizer="adam", loss=["mse", "mse"])
    return model


def _xy():
    rs = np.random.RandomState(1)
    return ([rs.rand(6, 3).astype("float32"), rs.rand(6, 2).astype("float32")],
            [rs.rand(6, 3).astype("float32"), rs.rand(6, 1).astype("float32")])


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_functional_nested_round_trip(tmp_path, ext):
    model = _functional()
    x, y = _xy()
    model.fit(x, y, epochs=1, batch_size=3, verbose=0)
    path = tmp_path / f"m.{ext}"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    for a, b in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    assert int(loaded.optimizer.iterations) == 2


def test_keras_archive_layout(tmp_path):
    model = _functional()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        assert set(z.namelist()) == {"metadata.json", "config.json", "model.weights.h5"}
        z.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as f:
        assert f["layers/dense/vars/0"].shape == (5, 4)          # "h"
        assert f["layers/dense_1/vars/0"].shape == (4, 1)        # "o2"
        assert f["layers/sequential/layers/dense/vars/0"].shape == (4, 3)


def test_weights_h5_is_keras3_layout(tmp_path):
    model = _functional()
    model.save_weights(tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5") as f:
        assert "layers" in f and "layer_names" not in f.attrs
    other = _functional()
    other.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="weights.h5"):
        model.save_weights(tmp_path / "m.keras")


def test_interrupted_save_keeps_old_file(tmp_path, monkeypatch):
    model = _functional()
    x, _ = _xy()
    expected = model.predict(x, verbose=0)
    for ext in ("h5", "keras"):
        path = tmp_path / f"m.{ext}"
        model.save(path)
        calls = {"n": 0}
        real = h5py.Group.create_dataset

        def failing(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] > 2:
                raise OSError(28, "No space left on device")
            return real(self, *args, **kwargs)

        monkeypatch.setattr(h5py.Group, "create_dataset", failing)
        changed = _functional()
        with pytest.raises(OSError, match="No space left"):
            changed.save(path)
        monkeypatch.setattr(h5py.Group, "create_dataset", real)
        loaded = keras.models.load_model(path)
        for a, b in zip(loaded.predict(x, verbose=0), expected):
            np.testing.assert_array_equal(a, b)
        assert sorted(os.listdir(tmp_path)) == sorted(
            p for p in os.listdir(tmp_path) if not p.endswith(".tmp"))


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_truncated_and_random_files(tmp_path, ext):
    model = _functional()
    path = tmp_path / f"m.{ext}"
    model.save(path)
    data = path.read_bytes()
    truncated = tmp_path / f"t.{ext}"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match="t." + ext):
        keras.models.load_model(truncated)
    noise = tmp_path / f"r.{ext}"
    noise.write_bytes(np.random.RandomState(0).bytes(4096))
    with pytest.raises(CorruptFileError, match="neither an HDF5"):
        keras.models.load_model(noise)
    with pytest.raises(OSError, match="No file or directory"):
        keras.models.load_model(tmp_path / "missing.h5")


def test_save_needs_known_extension(tmp_path):
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        _functional().save(tmp_path / "model")
    _functional().save(tmp_path / "model", save_format="h5")
    assert keras.models.load_model(tmp_path / "model").name.startswith("model")


def test_custom_objects_and_registration(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def get_config(self):
            return dict(super().get_config(), factor=self.factor)

    class Shift(keras.layers.Layer):
        def call(self, inputs):
            return inputs + 1.0

    x = keras.Input((2,))
    model = keras.Model(x, Shift(name="shift")(Scale(3.0, name="scale")(x)))
    for ext in ("h5", "keras"):
        model.save(tmp_path / f"c.{ext}")
        with pytest.raises(ValueError, match="Shift"):
            keras.models.load_model(tmp_path / f"c.{ext}")
        loaded = keras.models.load_model(tmp_path / f"c.{ext}", custom_objects={"Shift": Shift})
        assert loaded.get_layer("scale").factor == 3.0
        np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[4.0, 4.0]])


def test_lambda_needs_safe_mode_false(tmp_path):
    x = keras.Input((2,))
    model = keras.Model(x, keras.layers.Lambda(lambda t: t * 5.0)(x))
    model.save(tmp_path / "l.h5")
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "l.h5")
    loaded = keras.models.load_model(tmp_path / "l.h5", safe_mode=False)
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[5.0, 5.0]])


def test_json_round_trip_and_keras3_config():
    model = _functional()
    rebuilt = keras.models.model_from_json(model.to_json())
    assert [l.name for l in rebuilt.layers] == [l.name for l in model.layers]
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]
    keras3 = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "s", "trainable": True, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                                   "config": {"name": "float32"}},
        "layers": [{"module": "keras.layers", "class_name": "InputLayer",
                    "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "in",
                               "optional": False}},
                   {"module": "keras.layers", "class_name": "Dense", "config": {
                       "name": "d", "units": 2, "quantization_config": None,
                       "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                 "config": {"name": "float32"}},
                       "kernel_initializer": {"module": "keras.initializers",
                                              "class_name": "GlorotUniform",
                                              "config": {"seed": None, "input_axes": None}}},
                    "build_config": {"input_shape": [None, 3]}}]}}
    model3 = keras.models.model_from_config(keras3)
    assert model3.output_shape == (None, 2)


def test_keras2_legacy_sequential_config():
    legacy = {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {"name": "d1", "units": 3,
                                           "batch_input_shape": [None, 4]}},
        {"class_name": "Dense", "config": {"name": "d2", "units": 1}}]}
    model = keras.models.model_from_config(legacy)
    assert model.output_shape == (None, 1)


def test_clone_model_new_weights_same_architecture():
    model = _functional()
    clone = keras.models.clone_model(model)
    assert clone is not model
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert any(not np.array_equal(a, b) for a, b in zip(clone.get_weights(),
                                                       model.get_weights()))
    seq = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    seq_clone = keras.models.clone_model(seq)
    assert isinstance(seq_clone, keras.Sequential) and seq_clone.output_shape == (None, 2)
