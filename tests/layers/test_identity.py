"""Identity: returns its inputs (any structure), passes masks, round-trips its config."""
from __future__ import annotations

import numpy as np

import torchkeras as keras
from tests.layer_test import layer_test


def test_identity_layer_test():
    out = layer_test(keras.layers.Identity, {}, input_shape=(2, 3),
                     expected_output_shape=(None, 3), expected_num_trainable_weights=0)
    assert out.shape == (2, 3)


def test_identity_returns_structures_and_keeps_masks():
    layer = keras.layers.Identity()
    a, b = np.ones((2, 3), "float32"), np.zeros((2, 4), "float32")
    out = layer([a, b])
    np.testing.assert_array_equal(np.asarray(out[0]), a)
    np.testing.assert_array_equal(np.asarray(out[1]), b)
    mask = np.array([[True, True, False]])
    assert layer.compute_mask(a, mask) is mask
    # in a model the mask reaches the pooling after Identity: padded steps are left out
    inputs = keras.Input((4,), dtype="int32")
    embedding = keras.layers.Embedding(5, 2, mask_zero=True)
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.Identity()(embedding(inputs)))
    model = keras.Model(inputs, pooled)
    tokens = np.array([[1, 2, 0, 0]])
    expected = np.asarray(embedding(tokens))[0, :2].mean(axis=0)
    np.testing.assert_allclose(model.predict(tokens, verbose=0)[0], expected, rtol=1e-6)
