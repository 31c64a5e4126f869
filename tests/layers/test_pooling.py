import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("cls,kwargs,shape,out", [
    (L.MaxPooling1D, {}, (2, 5, 3), (None, 2, 3)),
    (L.AveragePooling1D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 6, 3),
     (None, 3, 3)),
    (L.MaxPooling2D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 6, 7, 2),
     (None, 3, 4, 2)),
    (L.AveragePooling2D, {}, (2, 5, 4, 2), (None, 2, 2, 2)),
    (L.MaxPooling2D, {"data_format": "channels_first"}, (2, 3, 4, 6), (None, 3, 2, 3)),
    (L.MaxPooling3D, {"padding": "same"}, (1, 3, 4, 5, 2), (None, 2, 2, 3, 2)),
    (L.AveragePooling3D, {}, (1, 4, 4, 4, 2), (None, 2, 2, 2, 2)),
    (L.GlobalMaxPooling1D, {}, (2, 5, 3), (None, 3)),
    (L.GlobalAveragePooling1D, {"keepdims": True}, (2, 5, 3), (None, 1, 3)),
    (L.GlobalMaxPooling2D, {"data_format": "channels_first"}, (2, 3, 4, 5), (None, 3)),
    (L.GlobalAveragePooling2D, {}, (2, 4, 5, 3), (None, 3)),
    (L.GlobalMaxPooling3D, {"keepdims": True}, (2, 2, 3, 2, 3), (None, 1, 1, 1, 3)),
    (L.GlobalAveragePooling3D, {}, (2, 2, 3, 2, 3), (None, 3)),
])
def test_layer_contract(cls, kwargs, shape, out):
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out,
               expected_num_trainable_weights=0)


def _tf_same_avg_pool_1d(x, k, s):
    """Reference: TF 'SAME' average over the real inputs of each window."""
    n = x.shape[1]
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    before = total // 2
    result = []
    for i in range(out):
        start = i * s - before
        window = x[:, max(start, 0):min(start + k, n)]
        result.append(window.mean(axis=1))
    return np.stack(result, axis=1)


@pytest.mark.parametrize("k,s,n", [(2, 1, 5), (4, 1, 6), (3, 2, 8), (4, 3, 7), (5, 2, 6)])
def test_same_average_pooling_excludes_asymmetric_padding(k, s, n):
    x = np.random.RandomState(k * 10 + n).randn(2, n, 3).astype("float32")
    y = np.asarray(L.AveragePooling1D(k, s, padding="same")(x))
    np.testing.assert_allclose(y, _tf_same_avg_pool_1d(x, k, s), rtol=1e-5, atol=1e-6)


def test_same_max_pooling_pads_with_minus_infinity():
    x = -np.ones((1, 3, 3, 1), "float32") * 5
    y = np.asarray(L.MaxPooling2D(2, padding="same")(x))
    np.testing.assert_array_equal(y, -5.0)  # zero padding would give 0


def test_global_average_pooling_1d_mask():
    x = np.arange(12, dtype="float32").reshape(1, 4, 3)
    mask = torch.tensor([[True, True, False, False]])
    y = L.GlobalAveragePooling1D()(torch.as_tensor(x), mask=mask)
    np.testing.assert_allclose(y.numpy(), x[:, :2].mean(axis=1))


def test_aliases():
    assert L.MaxPool2D is L.MaxPooling2D and L.AvgPool1D is L.AveragePooling1D
    assert L.GlobalAvgPool2D is L.GlobalAveragePooling2D
    assert L.GlobalMaxPool3D is L.GlobalMaxPooling3D


def test_pooling_errors_and_config():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        L.MaxPooling2D()(keras.Input((4, 4)))
    with pytest.raises(ValueError, match="The `pool_size` argument must be a tuple of 2"):
        L.MaxPooling2D(pool_size=(2, 2, 2))
    config = L.AveragePooling2D(3, padding="same").get_config()
    assert config["pool_size"] == (3, 3) and config["strides"] == (3, 3)
    assert config["data_format"] == "channels_last"
