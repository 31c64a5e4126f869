"""Adaptive pooling 1D/2D/3D: output sizes, torch's window arithmetic, both data formats,
argument errors (Keras 3's messages). Numbers against Keras: compat/test_more_layers.py."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("cls,shape,size,expected", [
    (L.AdaptiveAveragePooling1D, (2, 10, 3), 4, (None, 4, 3)),
    (L.AdaptiveMaxPooling1D, (2, 10, 3), 3, (None, 3, 3)),
    (L.AdaptiveAveragePooling2D, (2, 7, 9, 2), (3, 4), (None, 3, 4, 2)),
    (L.AdaptiveMaxPooling2D, (2, 7, 9, 2), 5, (None, 5, 5, 2)),
    (L.AdaptiveAveragePooling3D, (2, 5, 6, 3, 2), (2, 3, 2), (None, 2, 3, 2, 2)),
    (L.AdaptiveMaxPooling3D, (2, 5, 6, 3, 2), 2, (None, 2, 2, 2, 2)),
])
def test_adaptive_pooling_layer_test(cls, shape, size, expected):
    layer_test(cls, {"output_size": size}, input_shape=shape, expected_output_shape=expected,
               expected_num_trainable_weights=0, run_training=False)


def test_windows_follow_floor_ceil_bins():
    x = np.arange(10, dtype="float32").reshape(1, 10, 1)
    out = np.asarray(L.AdaptiveAveragePooling1D(4)(x))[0, :, 0]
    # bins [0,3) [2,5) [5,8) [7,10)
    np.testing.assert_allclose(out, [1.0, 3.0, 6.0, 8.0])
    out = np.asarray(L.AdaptiveMaxPooling1D(3)(x))[0, :, 0]
    np.testing.assert_allclose(out, [3.0, 6.0, 9.0])  # [0,4) [3,7) [6,10)


def test_channels_first_and_errors():
    x = np.random.RandomState(0).rand(2, 3, 5, 7).astype("float32")
    first = L.AdaptiveAveragePooling2D((2, 3), data_format="channels_first")(x)
    last = L.AdaptiveAveragePooling2D((2, 3))(np.transpose(x, (0, 2, 3, 1)))
    np.testing.assert_allclose(np.asarray(first), np.transpose(np.asarray(last), (0, 3, 1, 2)),
                               rtol=1e-6)
    with pytest.raises(TypeError, match=r"`output_size` must be an integer or \(height, "
                                        r"width\) tuple"):
        L.AdaptiveAveragePooling2D((1, 2, 3))
    with pytest.raises(ValueError, match="Invalid data_format: nhwc"):
        L.AdaptiveMaxPooling1D(2, data_format="nhwc")
