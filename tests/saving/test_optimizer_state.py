"""Optimizer state in files: a LossScaleOptimizer (mixed_float16) saved and restored in the
layouts tf-keras (.h5) and Keras 3 (.keras) use."""
from __future__ import annotations

import json
import zipfile

import h5py
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision
from torchkeras.mixed_precision import LossScaleOptimizer


@pytest.fixture(autouse=True)
def _mixed_policy():
    mixed_precision.set_global_policy("mixed_float16")
    yield
    mixed_precision.set_global_policy(None)


def _data():
    rs = np.random.RandomState(0)
    x = rs.rand(24, 3).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _trained():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                              keras.layers.Dense(1, dtype="float32")])
    # a small scale growing every 2 finite steps: the saved scale differs from the initial
    model.compile(LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=4.0,
                                     dynamic_growth_steps=2), "mse")
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)  # 3 steps: scale 8, counter 1
    return model


def _slots(optimizer):
    inner = optimizer.inner_optimizer
    return [t.detach().clone() for p in inner.param_groups[0]["params"]
            for t in inner.state[p].values() if isinstance(t, torch.Tensor)]


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_mixed_model_round_trip_restores_loss_scale_optimizer(tmp_path, ext):
    model = _trained()
    assert model.optimizer.scale_state() == (1, 8.0)
    path = tmp_path / f"m.{ext}"
    model.save(path)
    mixed_precision.set_global_policy(None)  # the file, not the policy, says LossScaleOptimizer
    loaded = keras.models.load_model(path)
    opt = loaded.optimizer
    assert isinstance(opt, LossScaleOptimizer)
    assert isinstance(opt.inner_optimizer, keras.optimizers.Adam)
    assert opt.get_config() == model.optimizer.get_config()
    assert opt.iterations == 3
    for a, b in zip(_slots(opt), _slots(model.optimizer)):
        torch.testing.assert_close(a, b)
    # .keras holds the scale state (Keras 3); .h5 does not (tf-keras): it starts afresh
    assert opt.scale_state() == ((1, 8.0) if ext == "keras" else (0, 4.0))
    if ext == "keras":  # then training continues identically
        mixed_precision.set_global_policy("mixed_float16")  # (float32 layers' autocast)
        loaded = keras.models.load_model(path)
        opt = loaded.optimizer
        x, y = _data()
        model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
        loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
        for a, b in zip(loaded.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)
        assert opt.scale_state() == model.optimizer.scale_state()


def test_h5_layout_is_tf_keras(tmp_path):
    model = _trained()
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f:
        optimizer = json.loads(f.attrs["training_config"])["optimizer_config"]
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in f["optimizer_weights"].attrs["weight_names"]]
    # tf-keras 2.11+ writes this class name around its optimizers, and reads only it back
    assert optimizer["class_name"] == "LossScaleOptimizerV3"
    assert optimizer["config"]["inner_optimizer"]["class_name"] == "Adam"
    assert names[0] == "iteration:0" and len(names) == 1 + 2 * 4  # Adam m, v of 4 variables


def test_keras_layout_is_keras3(tmp_path):
    model = _trained()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        config = json.loads(z.read("config.json"))
        z.extract("model.weights.h5", tmp_path)
    optimizer = config["compile_config"]["optimizer"]
    assert optimizer["class_name"] == "LossScaleOptimizer"
    assert optimizer["config"]["name"] == "loss_scale_optimizer"
    assert optimizer["config"]["inner_optimizer"]["module"] == "keras.optimizers"
    assert "dynamic" not in optimizer["config"]  # Keras 3 has no such argument
    dense = config["config"]["layers"][1]["config"]
    assert dense["dtype"]["class_name"] == "DTypePolicy"
    with h5py.File(tmp_path / "model.weights.h5") as f:
        outer = [f["optimizer/vars"][str(i)][()] for i in range(len(f["optimizer/vars"]))]
        inner = [f["optimizer/inner_optimizer/vars"][str(i)][()]
                 for i in range(len(f["optimizer/inner_optimizer/vars"]))]
    # [iteration, learning_rate, step_counter, dynamic_scale] then the inner optimizer's
    assert [int(outer[2]), float(outer[3])] == [1, 8.0]
    assert len(outer) == 4 + len(inner) == 4 + 2 + 8
    for a, b in zip(outer[4:], inner):
        np.testing.assert_array_equal(a, b)
    assert int(inner[0]) == 3
