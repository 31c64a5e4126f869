import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test


def test_dropout_layer_test():
    layer_test(keras.layers.Dropout, {"rate": 0.5}, input_shape=(3, 4),
               expected_output_shape=(None, 4), expected_num_trainable_weights=0,
               run_training=False)


def test_dropout_is_identity_outside_training():
    x = np.ones((8, 10), dtype="float32")
    layer = keras.layers.Dropout(0.5)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_dropout_in_training_zeroes_and_scales():
    torch.manual_seed(0)
    x = np.ones((100, 100), dtype="float32")
    y = np.asarray(keras.layers.Dropout(0.25)(x, training=True))
    kept = y[y != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)
    assert 0.2 < (y == 0).mean() < 0.3


def test_dropout_noise_shape_broadcasts():
    torch.manual_seed(0)
    x = np.ones((4, 5, 6), dtype="float32")
    y = np.asarray(keras.layers.Dropout(0.5, noise_shape=(None, 1, 6))(x, training=True))
    assert (y == y[:, :1, :]).all()


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match="rate"):
        keras.layers.Dropout(1.5)
