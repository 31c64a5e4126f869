"""Bidirectional and TimeDistributed: merge modes, states, masks, configs, layer_test."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

X = np.random.RandomState(4).uniform(-1, 1, (3, 6, 4)).astype("float32")


@pytest.mark.parametrize("merge_mode, last_dim", [("concat", 6), ("sum", 3), ("mul", 3),
                                                  ("ave", 3)])
def test_bidirectional_layer_test(merge_mode, last_dim):
    layer_test(keras.layers.Bidirectional,
               {"layer": keras.layers.LSTM(3, return_sequences=True), "merge_mode": merge_mode},
               input_shape=(2, 6, 4), expected_output_shape=(None, 6, last_dim),
               expected_num_trainable_weights=6)


def test_bidirectional_is_forward_plus_reversed_backward():
    layer = keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True))
    out = np.asarray(layer(X))
    forward = keras.layers.GRU(3, return_sequences=True)
    backward = keras.layers.GRU(3, return_sequences=True, go_backwards=True)
    forward(X), backward(X)
    weights = layer.get_weights()
    forward.set_weights(weights[:3])
    backward.set_weights(weights[3:])
    expected = np.concatenate([np.asarray(forward(X)), np.asarray(backward(X))[:, ::-1]], -1)
    np.testing.assert_allclose(out, expected, atol=1e-6)
    assert layer.forward_layer.name.startswith("forward_")
    assert layer.backward_layer.name.startswith("backward_")


def test_bidirectional_none_and_states():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_state=True), merge_mode=None)
    outputs = layer(X)
    assert [tuple(o.shape) for o in outputs] == [(3, 2)] * 6
    assert layer.compute_output_shape((None, 6, 4)) == [(None, 2)] * 6
    layer2 = keras.layers.Bidirectional(keras.layers.LSTM(2, return_state=True))
    assert [tuple(o.shape) for o in layer2(X)] == [(3, 4)] + [(3, 2)] * 4
    states = [np.ones((3, 2), "float32")] * 4
    with_state = layer2(X, initial_state=states)
    assert not np.allclose(np.asarray(with_state[0]), np.asarray(layer2(X)[0]))


def test_bidirectional_mask_and_config():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True),
                                       merge_mode=None)
    mask = torch.ones(3, 6, dtype=torch.bool)
    assert layer.compute_mask(None, mask) == [mask, mask]
    config = layer.get_config()
    assert config["layer"]["class_name"] == "LSTM" and config["merge_mode"] is None
    clone = keras.layers.Bidirectional.from_config(config)
    assert clone.merge_mode is None and clone.return_sequences
    backward = keras.layers.GRU(2, return_sequences=True, go_backwards=True)
    custom = keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True),
                                        backward_layer=backward)
    assert custom.get_config()["backward_layer"]["class_name"] == "GRU"
    assert isinstance(keras.layers.Bidirectional.from_config(custom.get_config())
                      .backward_layer, keras.layers.GRU)


def test_bidirectional_errors_and_params():
    with pytest.raises(ValueError, match="Invalid merge mode"):
        keras.layers.Bidirectional(keras.layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="with a `tf.keras.layers.Layer` instance"):
        keras.layers.Bidirectional(object())
    with pytest.raises(ValueError, match="different `go_backwards` value"):
        keras.layers.Bidirectional(keras.layers.LSTM(2),
                                   backward_layer=keras.layers.LSTM(2))
    with pytest.raises(ValueError, match='same value for attribute "return_sequences"'):
        keras.layers.Bidirectional(keras.layers.LSTM(2), backward_layer=keras.layers.LSTM(
            2, go_backwards=True, return_sequences=True))
    model = keras.Sequential([keras.Input((10, 8)),
                              keras.layers.Bidirectional(keras.layers.LSTM(16))])
    assert model.count_params() == 2 * 1600
    assert model.output_shape == (None, 32)


def test_time_distributed():
    layer_test(keras.layers.TimeDistributed, {"layer": keras.layers.Dense(5)},
               input_shape=(2, 6, 4), expected_output_shape=(None, 6, 5),
               expected_weight_shapes=[(4, 5), (5,)])
    layer = keras.layers.TimeDistributed(keras.layers.Dense(2))
    out = np.asarray(layer(X))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, X @ kernel + bias, atol=1e-6)
    mask = torch.ones(3, 6, dtype=torch.bool)
    assert layer.compute_mask(torch.tensor(X), mask).shape == (3, 6)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        keras.layers.TimeDistributed(keras.layers.Dense(2))(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="`TimeDistributed` layer with a"):
        keras.layers.TimeDistributed(object())
