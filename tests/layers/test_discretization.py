"""Discretization: layer contract, bucketing, adapt, output modes, config after adapt."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

X = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], dtype="float32")


@pytest.mark.parametrize("mode,shape", [("int", (None, 4)), ("multi_hot", (None, 4)),
                                        ("count", (None, 4))])
def test_layer_contract(mode, shape):
    layer_test(keras.layers.Discretization, {"bin_boundaries": [0.0, 1.0, 2.0],
                                             "output_mode": mode},
               input_data=X, expected_output_shape=shape, expected_num_trainable_weights=0,
               run_training=False)


def test_buckets_as_tf_bucketize():
    out = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])(X)
    assert out.dtype.is_floating_point is False
    np.testing.assert_array_equal(np.asarray(out), [[0, 2, 3, 1], [1, 3, 2, 1]])


def test_output_modes():
    layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    np.testing.assert_array_equal(np.asarray(layer(np.array([-1.0, 0.5, 7.0]))), np.eye(3))
    count = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")
    np.testing.assert_array_equal(np.asarray(count(np.array([[-1.0, -2.0, 5.0]]))), [[2, 0, 1]])


def test_adapt_quantiles_and_config_round_trip():
    data = np.random.RandomState(0).uniform(size=(200, 3)).astype("float32")
    layer = keras.layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(data)
    assert len(layer.bin_boundaries) == 3 and layer.is_adapted
    np.testing.assert_allclose(layer.bin_boundaries, [0.25, 0.5, 0.75], atol=0.05)
    config = layer.get_config()
    assert config["bin_boundaries"] == layer.bin_boundaries and config["num_bins"] is None
    clone = keras.layers.Discretization.from_config(config)
    np.testing.assert_array_equal(np.asarray(clone(data)), np.asarray(layer(data)))


def test_in_model_and_dataset_map():
    layer = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(2)(layer(inputs)))
    assert model.output_shape == (None, 2)
    assert model.predict(np.array([[0.5], [3.0]]), verbose=0).shape == (2, 2)
    ds = keras.data.Dataset.from_tensor_slices(np.array([[-1.0], [0.5]])).batch(2)
    out = next(iter(ds.map(layer)))
    np.testing.assert_array_equal(np.asarray(out), [[1, 0, 0], [0, 1, 0]])


def test_errors():
    with pytest.raises(ValueError, match="Both `num_bins` and `bin_boundaries`"):
        keras.layers.Discretization(num_bins=3, bin_boundaries=[1.0])
    with pytest.raises(ValueError, match="`num_bins` must be greater than or equal to 0"):
        keras.layers.Discretization(num_bins=-1)
    with pytest.raises(ValueError, match="Cannot adapt a Discretization layer"):
        keras.layers.Discretization(bin_boundaries=[1.0]).adapt(X)
    with pytest.raises(ValueError, match="invalid value tf_idf"):
        keras.layers.Discretization(num_bins=2, output_mode="tf_idf")


def test_h5_summary_weight_of_a_num_bins_layer(tmp_path):
    """Keras 2 keeps a ``num_bins`` layer's state in a ``summary`` weight: not adapted, it is
    written empty to ``.h5``; loaded back it stays unadapted. Adapted, the config carries the
    boundaries and no summary is written (as a Keras 2 layer built from that config)."""
    layer = keras.layers.Discretization(num_bins=3)
    assert list(layer.h5_host_weights()) == ["summary"]
    assert layer.h5_host_weights()["summary"].shape == (2, 0)
    model = keras.Sequential([keras.Input((2,)), layer])
    path = str(tmp_path / "fresh.h5")
    model.save(path)
    loaded = keras.models.load_model(path, compile=False).layers[0]
    assert loaded.summary.shape == (2, 0) and not loaded.is_adapted
    layer.adapt(np.arange(40.0).reshape(20, 2))
    assert layer.h5_host_weights() == {}
    loaded.load_h5_host_weights({"summary": layer.summary})
    np.testing.assert_allclose(loaded.bin_boundaries, layer.bin_boundaries)
    with pytest.raises(ValueError, match=r"Layer '\w+' \(Discretization\) expects a saved "
                                         r"`summary` of shape \(2, n\)"):
        loaded.load_h5_host_weights({"summary": np.zeros((3,))})
