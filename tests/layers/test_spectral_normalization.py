"""SpectralNormalization: weights (wrapped kernel/bias + vector_u), the update only when
training, its effect (largest singular value -> 1), errors, config round trip."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

L = keras.layers


def test_spectral_normalization_layer_test():
    layer_test(L.SpectralNormalization, {"layer": L.Dense(3)}, input_shape=(4, 5),
               expected_output_shape=(None, 3), expected_num_trainable_weights=2,
               expected_num_non_trainable_weights=1,
               expected_weight_shapes=[(5, 3), (3,), (1, 3)])


def test_training_call_normalizes_kernel_inference_does_not():
    layer = L.SpectralNormalization(L.Dense(4), power_iterations=30)
    x = np.random.RandomState(0).rand(3, 6).astype("float32")
    layer(x)
    kernel = layer.get_weights()[0].copy()
    layer(x, training=False)
    np.testing.assert_array_equal(layer.get_weights()[0], kernel)
    layer(x, training=True)
    sigma = np.linalg.svd(layer.get_weights()[0], compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3
    assert [w.name for w in layer.weights] == [
        "spectral_normalization/kernel:0", "spectral_normalization/bias:0",
        "spectral_normalization/vector_u:0"]


def test_conv_kernel_in_keras_layout_and_errors():
    layer = L.SpectralNormalization(L.Conv2D(2, 3), power_iterations=30)
    layer(np.ones((1, 5, 5, 3), "float32"), training=True)
    kernel = layer.get_weights()[0]  # (3, 3, 3, 2)
    sigma = np.linalg.svd(kernel.reshape(-1, 2), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3
    with pytest.raises(ValueError, match="`power_iterations` should be greater than zero"):
        L.SpectralNormalization(L.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="Flatten object has no attribute 'kernel' nor "
                                         "'embeddings'"):
        L.SpectralNormalization(L.Flatten())(np.ones((2, 3)))
