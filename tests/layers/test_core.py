import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test


def test_dense_layer_test():
    out = layer_test(keras.layers.Dense, {"units": 3}, input_shape=(4, 5),
                     expected_output_shape=(None, 3), expected_num_trainable_weights=2,
                     expected_weight_shapes=[(5, 3), (3,)])
    assert out.shape == (4, 3)


def test_dense_computes_keras_formula_on_rank3():
    layer = keras.layers.Dense(2, activation="relu")
    x = np.random.RandomState(1).randn(2, 3, 4).astype("float32")
    y = np.asarray(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y, np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)


def test_dense_without_bias_and_default_initializers():
    layer = keras.layers.Dense(4, use_bias=False)
    layer.build((None, 100))
    assert len(layer.weights) == 1
    limit = np.sqrt(6 / (100 + 4))
    assert np.abs(layer.get_weights()[0]).max() <= limit


def test_dense_rejects_bad_units():
    with pytest.raises(ValueError, match="units"):
        keras.layers.Dense(0)


def test_dense_unknown_keyword_suggests_near_name():
    with pytest.raises(TypeError, match="Did you mean 'activation'"):
        keras.layers.Dense(3, activaton="relu")


def test_dense_incompatible_input_message():
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(5,))])
    with pytest.raises(ValueError) as info:
        keras.layers.Dense(3)(keras.Input((4,)))  # fine: a fresh layer builds for 4
        model.layers[0](keras.Input((4,)))
    assert 'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of ' \
        "input shape to have value 5, but received input with shape (None, 4)" in str(info.value)


def test_activation_layer_test():
    layer_test(keras.layers.Activation, {"activation": "tanh"}, input_shape=(2, 3),
               expected_output_shape=(None, 3), expected_num_trainable_weights=0)


def test_activation_layer_output():
    x = np.array([[-1.0, 0.5]], dtype="float32")
    np.testing.assert_allclose(np.asarray(keras.layers.Activation("relu")(x)), [[0.0, 0.5]])


def test_lambda_layer_test():
    layer_test(keras.layers.Lambda, {"function": torch.square}, input_shape=(2, 3),
               expected_output_shape=(None, 3), run_training=False)


def test_lambda_infers_shape_and_rejects_unsafe_deserialization():
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda t: t[:, :2] * 2)(inputs)
    assert outputs.shape == (None, 2)
    config = keras.layers.Lambda(lambda t: t + 1).get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.layers.Lambda.from_config(config)
    restored = keras.layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(restored(np.zeros((1, 2)))), [[1.0, 1.0]])


def test_dense_on_a_sparse_input_matches_the_dense_product_and_gradient():
    from torchkeras.data.sparse import SparseTensor, to_torch
    rng = np.random.RandomState(0)
    dense_x = (rng.uniform(size=(5, 6)) < 0.4) * rng.normal(size=(5, 6)).astype("float32")
    sparse_x = to_torch(SparseTensor(np.argwhere(dense_x), dense_x[dense_x != 0], [5, 6]),
                        torch.float32)
    grads = []
    for use_bias in (True, False):
        layer = keras.layers.Dense(4, use_bias=use_bias)
        layer.build((None, 6))
        for x in (sparse_x, torch.as_tensor(dense_x, dtype=torch.float32)):
            layer.zero_grad()
            out = layer.call(x)
            (out ** 2).sum().backward()
            grads.append((out.detach().numpy(), layer.kernel.grad.clone().numpy()))
        np.testing.assert_allclose(grads[-2][0], grads[-1][0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(grads[-2][1], grads[-1][1], rtol=1e-5, atol=1e-6)
