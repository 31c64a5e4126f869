"""LocallyConnected1D/2D: the three implementations give the same outputs for the same
connections, tf-keras's weight shapes, errors, config, training. Numbers against tf-keras:
compat/test_more_layers.py."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("impl,shape", [(1, (3, 9, 3)), (2, (7, 3, 3, 3)), (3, (81,))])
def test_locally_connected1d_layer_test(impl, shape):
    layer_test(L.LocallyConnected1D, {"filters": 3, "kernel_size": 3, "strides": 2,
                                      "implementation": impl},
               input_shape=(2, 7, 3), expected_output_shape=(None, 3, 3),
               expected_weight_shapes=[shape, (3, 3)])


@pytest.mark.parametrize("impl", [1, 2, 3])
def test_locally_connected2d_layer_test(impl):
    layer_test(L.LocallyConnected2D, {"filters": 2, "kernel_size": (3, 2),
                                      "implementation": impl},
               input_shape=(2, 5, 4, 3), expected_output_shape=(None, 3, 3, 2))


def _dense_equivalent(layer1, layer):
    """Copy implementation 1's kernel into implementation 2's masked layout (1D valid)."""
    k1, bias = layer1.get_weights()
    k2 = np.zeros(layer.get_weights()[0].shape, "float32")  # (in_len, in_dim, out_len, f)
    out_len, features, filters = k1.shape
    k, in_dim = layer1.kernel_size[0], k2.shape[1]
    for o in range(out_len):
        start = o * layer1.strides[0]
        k2[start:start + k, :, o, :] = k1[o].reshape(k, in_dim, filters)
    return [k2, bias]


def test_implementations_agree():
    x = np.random.RandomState(0).rand(2, 9, 4).astype("float32")
    one = L.LocallyConnected1D(3, 3, strides=2, implementation=1)
    two = L.LocallyConnected1D(3, 3, strides=2, implementation=2)
    one(x), two(x)
    two.set_weights(_dense_equivalent(one, two))
    np.testing.assert_allclose(np.asarray(one(x)), np.asarray(two(x)), rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match=r'only "valid" is supported if implementation is 1'):
        L.LocallyConnected1D(2, 3, padding="same")
    with pytest.raises(ValueError, match="Unrecognized implementation mode: 4"):
        L.LocallyConnected2D(2, 3, implementation=4)
    with pytest.raises(ValueError, match="One of the dimensions in the output is <= 0"):
        L.LocallyConnected1D(2, 5)(np.ones((1, 3, 2), "float32"))
