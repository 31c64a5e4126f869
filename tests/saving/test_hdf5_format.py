"""Keras 2 HDF5 files: layout, round trips, weights loading, errors (torchkeras.saving)."""
from __future__ import annotations

import h5py
import numpy as np
import pytest

import torchkeras as keras
from torchkeras.saving import CorruptFileError
from torchkeras.registry import h5_utils


def _mlp(name=None):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2)], name=name)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def _text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _data():
    rs = np.random.RandomState(0)
    return rs.rand(8, 4).astype("float32"), rs.rand(8, 2).astype("float32")


def test_layout_matches_keras2(tmp_path):
    model = _mlp()
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path) as f:
        assert {"keras_version", "backend", "model_config", "training_config"} <= set(f.attrs)
        names = _text(f["model_weights"].attrs["layer_names"])
        assert names == [layer.name for layer in model.layers]
        dense = model.layers[0].name
        assert _text(f["model_weights"][dense].attrs["weight_names"]) == \
            [f"{dense}/kernel:0", f"{dense}/bias:0"]
        assert f["model_weights"][dense][dense]["kernel:0"].shape == (4, 3)
        opt = _text(f["optimizer_weights"].attrs["weight_names"])
        assert opt[0] == "iteration:0" and opt[1] == f"Adam/m/{dense}/kernel:0"
        assert int(f["optimizer_weights"]["iteration:0"][()]) == 2


def test_round_trip_continues_training(tmp_path):
    model = _mlp()
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    model.save(tmp_path / "m.h5")
    loaded = keras.models.load_model(tmp_path / "m.h5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert int(loaded.optimizer.iterations) == 2
    h1 = model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False).history
    h2 = loaded.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False).history
    assert list(h2) == ["loss", "mae"]
    np.testing.assert_allclose(h2["loss"], h1["loss"], rtol=1e-6)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_compile_false_and_no_training_config(tmp_path):
    model = _mlp()
    model.save(tmp_path / "m.h5")
    assert keras.models.load_model(tmp_path / "m.h5", compile=False).optimizer is None
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    plain.save(tmp_path / "p.h5")
    with pytest.warns(UserWarning, match="No training configuration"):
        keras.models.load_model(tmp_path / "p.h5")


def test_save_weights_by_name_and_skip_mismatch(tmp_path):
    model = _mlp()
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:
        assert "layer_names" in f.attrs and "model_weights" not in f
    other = _mlp()
    other.load_weights(tmp_path / "w.h5")
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # by_name: only layers with matching names load
    renamed = keras.Sequential([keras.Input((4,)),
                                keras.layers.Dense(3, name=model.layers[0].name),
                                keras.layers.Dense(5, name="new_head")])
    before = renamed.layers[1].get_weights()
    renamed.load_weights(tmp_path / "w.h5", by_name=True)
    np.testing.assert_array_equal(renamed.layers[0].get_weights()[0],
                                  model.layers[0].get_weights()[0])
    np.testing.assert_array_equal(renamed.layers[1].get_weights()[0], before[0])
    # same name, other shape: an error naming layer and shapes, or a skip
    clash = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(7, name=model.layers[0].name)])
    with pytest.raises(ValueError, match=r"Weight expects shape \(4, 7\).*\(4, 3\)"):
        clash.load_weights(tmp_path / "w.h5", by_name=True)
    with pytest.warns(UserWarning, match="Skipping"):
        clash.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)


def test_mismatch_names_first_differing_layer(tmp_path):
    model = _mlp()
    model.save(tmp_path / "m.h5")
    wrong = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="a"),
                              keras.layers.Dense(6, name="b")])
    before = wrong.get_weights()
    with pytest.raises(ValueError, match=r"layer #1 \(named b\).*\(3, 6\).*\(3, 2\)"):
        wrong.load_weights(tmp_path / "m.h5")
    for a, b in zip(wrong.get_weights(), before):  # nothing assigned on failure
        np.testing.assert_array_equal(a, b)
    fewer = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        fewer.load_weights(tmp_path / "m.h5")


def test_long_attributes_are_chunked(tmp_path):
    names = [("layer_%05d" % i).encode() * 40 for i in range(400)]  # ~180 kB
    with h5py.File(tmp_path / "a.h5", "w") as f:
        h5_utils.save_attributes_to_hdf5_group(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs
        assert [n.encode() for n in h5_utils.load_attributes_from_hdf5_group(
            f, "layer_names")] == names


def test_reads_keras3_style_names_and_learning_rate(tmp_path):
    """Keras 3's legacy h5: weight names without ':0', learning_rate among optimizer vars."""
    model = _mlp()
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r+") as f:
        group = f["optimizer_weights"]
        names = _text(group.attrs["weight_names"])
        values = [np.asarray(group[n]) for n in names]
        del f["optimizer_weights"]
        group = f.create_group("optimizer_weights")
        new_names = ["adam/iteration", "adam/learning_rate"] + [
            f"adam/v{i}" for i in range(len(names) - 1)]
        group.attrs["weight_names"] = [n.encode() for n in new_names]
        for name, value in zip(new_names, [values[0], np.float32(0.01)] + values[1:]):
            group[name] = value
    loaded = keras.models.load_model(tmp_path / "m.h5")
    assert int(loaded.optimizer.iterations) == 2
