"""SimpleRNN: layer_test, fused tanh/relu kernels == per-step path, config."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

X = np.random.RandomState(3).uniform(-1, 1, (3, 6, 4)).astype("float32")


def test_layer_test():
    layer_test(keras.layers.SimpleRNN, {"units": 3, "return_sequences": True},
               input_shape=(2, 5, 4), expected_output_shape=(None, 5, 3),
               expected_weight_shapes=[(4, 3), (3, 3), (3,)])


@pytest.mark.parametrize("activation, kernel", [("tanh", "rnn_tanh"), ("relu", "rnn_relu")])
def test_fused_matches_per_step(activation, kernel, monkeypatch):
    fused = keras.layers.SimpleRNN(4, activation=activation, return_sequences=True)
    fused(X)
    general = keras.layers.RNN(keras.layers.SimpleRNNCell(4, activation=activation),
                               return_sequences=True)
    general(X)
    general.set_weights(fused.get_weights())
    calls = []
    original = getattr(torch, kernel)
    monkeypatch.setattr(torch, kernel, lambda *a: calls.append(1) or original(*a))
    np.testing.assert_allclose(np.asarray(fused(X)), np.asarray(general(X)), atol=1e-6)
    assert calls


def test_other_activation_per_step_and_config():
    layer = keras.layers.SimpleRNN(2, activation="sigmoid")
    out = np.asarray(layer(X))
    assert out.shape == (3, 2) and out.min() > 0
    config = layer.get_config()
    assert config["activation"] == "sigmoid" and "implementation" not in config
    assert keras.layers.SimpleRNN.from_config(config).units == 2
