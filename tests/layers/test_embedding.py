"""Embedding and Masking: shapes, masks, integer inputs in fit, errors, layer_test."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test


def test_embedding_layer_test():
    layer_test(keras.layers.Embedding, {"input_dim": 7, "output_dim": 3}, input_shape=(2, 5),
               input_dtype="int64", expected_output_shape=(None, 5, 3),
               expected_weight_shapes=[(7, 3)])


def test_embedding_mask_zero_layer_test():
    layer_test(keras.layers.Embedding, {"input_dim": 7, "output_dim": 3, "mask_zero": True},
               input_shape=(2, 5), input_dtype="int64", expected_output_shape=(None, 5, 3))


def test_lookup_and_default_initializer():
    layer = keras.layers.Embedding(50, 4)
    ids = np.array([[1, 2, 49], [0, 0, 3]])
    out = np.asarray(layer(ids))
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out, table[ids])
    assert table.min() >= -0.05 and table.max() <= 0.05  # Keras's uniform(-0.05, 0.05)
    assert layer.weights[0].name.endswith("embeddings:0")


def test_float_ids_are_cast():
    layer = keras.layers.Embedding(5, 2)
    ids = np.array([[1.0, 4.0]], dtype="float32")
    np.testing.assert_array_equal(np.asarray(layer(ids)), layer.get_weights()[0][[1, 4]][None])


def test_mask_zero_mask_and_vectors():
    layer = keras.layers.Embedding(6, 2, mask_zero=True)
    out = layer(np.array([[3, 0, 1]]))
    assert out._keras_mask.tolist() == [[True, False, True]]
    np.testing.assert_array_equal(np.asarray(out)[0, 1], layer.get_weights()[0][0])  # not zeroed
    assert keras.layers.Embedding(6, 2).compute_mask(np.array([[0]])) is None


def test_errors_and_config():
    with pytest.raises(ValueError, match="Both `input_dim` and `output_dim` should be positive"):
        keras.layers.Embedding(0, 3)
    layer = keras.layers.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"indices = 9 is not in \[0, 4\)"):
        layer(np.array([[1, 9]]))
    config = keras.layers.Embedding(10, 3, mask_zero=True, input_length=5).get_config()
    assert config["batch_input_shape"] == (None, 5)
    for key in ("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                "activity_regularizer", "embeddings_constraint", "mask_zero", "input_length"):
        assert key in config
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"


def test_output_shape_with_input_length():
    layer = keras.layers.Embedding(10, 3, input_length=5)
    assert layer.compute_output_shape((None, 5)) == (None, 5, 3)
    with pytest.raises(ValueError, match='"input_length" is 5'):
        layer.compute_output_shape((None, 6))


def test_sequential_builds_with_integer_input_and_trains():
    model = keras.Sequential([keras.layers.Embedding(20, 4, input_length=6),
                              keras.layers.GlobalAveragePooling1D()
                              if hasattr(keras.layers, "GlobalAveragePooling1D")
                              else keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    assert model.inputs[0].dtype in ("int64", "int32")
    assert model.count_params() == 20 * 4 + model.layers[-1].count_params()
    ids = np.random.RandomState(0).randint(0, 20, (8, 6))
    model.compile("sgd", "mse")
    before = model.get_weights()[0].copy()
    model.fit(ids, np.ones((8, 1), "float32"), epochs=1, verbose=0)
    assert not np.allclose(before, model.get_weights()[0])


def test_masking_layer():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], dtype="float32")
    layer = keras.layers.Masking(mask_value=0.0)
    out = layer(x)
    assert out._keras_mask.tolist() == [[True, False, True]]
    np.testing.assert_array_equal(np.asarray(out), x)
    x2 = np.array([[[5.0, 5.0], [1.0, 2.0]]], dtype="float32")
    out2 = keras.layers.Masking(mask_value=5.0)(x2)
    np.testing.assert_array_equal(np.asarray(out2)[0, 0], [0.0, 0.0])  # masked steps zeroed
    layer_test(keras.layers.Masking, {"mask_value": 0.5}, input_shape=(2, 3, 4),
               expected_output_shape=(None, 3, 4))


def test_mask_reaches_the_loss():
    """A per-step loss ignores the padded steps (Keras weights the loss by the mask)."""
    model = keras.Sequential([keras.layers.Embedding(5, 1, mask_zero=True,
                                                     embeddings_initializer="zeros")])
    model.compile("sgd", "mse")
    ids = np.array([[1, 2, 0, 0]])
    target = np.array([[[1.0], [1.0], [100.0], [100.0]]], dtype="float32")
    masked = model.evaluate(ids, target, verbose=0)
    assert masked < 10.0  # the 100s at the padded steps would give a mean of 5000.5
