import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("cls,kwargs,shape", [
    (L.SpatialDropout1D, {"rate": 0.5}, (2, 4, 3)),
    (L.SpatialDropout2D, {"rate": 0.5}, (2, 3, 4, 3)),
    (L.SpatialDropout3D, {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 2, 2, 2)),
    (L.GaussianNoise, {"stddev": 0.1}, (2, 3)),
    (L.GaussianDropout, {"rate": 0.2}, (2, 3)),
    (L.AlphaDropout, {"rate": 0.2}, (2, 3)),
    (L.ActivityRegularization, {"l1": 0.1, "l2": 0.1}, (2, 3)),
])
def test_layer_contract_and_identity_at_inference(cls, kwargs, shape):
    x = np.random.RandomState(0).randn(*shape).astype("float32")
    out = layer_test(cls, kwargs, input_data=x, expected_output_shape=(None,) + shape[1:],
                     expected_num_trainable_weights=0)
    np.testing.assert_array_equal(out, x)


def test_spatial_dropout_drops_whole_channels():
    torch.manual_seed(0)
    x = np.ones((8, 5, 5, 6), "float32")
    y = np.asarray(L.SpatialDropout2D(0.5)(x, training=True))
    per_map = y.reshape(8, 25, 6)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))  # constant over each map
    assert set(np.unique(y)) <= {0.0, 2.0} and 0 < (y == 0).mean() < 1


def test_gaussian_and_alpha_dropout_statistics():
    torch.manual_seed(0)
    x = np.ones((200, 100), "float32")
    noisy = np.asarray(L.GaussianNoise(0.5)(x, training=True))
    assert abs(noisy.std() - 0.5) < 0.02 and abs(noisy.mean() - 1) < 0.02
    dropped = np.asarray(L.GaussianDropout(0.5)(x, training=True))
    assert abs(dropped.std() - 1.0) < 0.03
    z = np.random.RandomState(0).randn(400, 100).astype("float32")
    alpha = np.asarray(L.AlphaDropout(0.2)(z, training=True))
    assert abs(alpha.mean()) < 0.03 and abs(alpha.std() - 1) < 0.03  # self-normalising


def test_activity_regularization_loss_reaches_fit():
    x = np.ones((4, 3), "float32")
    layer = L.ActivityRegularization(l1=0.5, l2=0.25)
    layer(x)
    np.testing.assert_allclose(float(layer.losses[0]), (0.5 * 12 + 0.25 * 12) / 4)
    model = keras.Sequential([keras.Input((3,)), L.Dense(3, kernel_initializer="ones"),
                              L.ActivityRegularization(l1=1.0)])
    model.compile("sgd", "mse")
    plain = keras.Sequential([keras.Input((3,)), L.Dense(3, kernel_initializer="ones")])
    plain.compile("sgd", "mse")
    with_reg = model.evaluate(x, x, verbose=0)
    without = plain.evaluate(x, x, verbose=0)
    np.testing.assert_allclose(with_reg - without, 9.0, rtol=1e-6)  # sum|3|*12/4


def test_rate_errors_and_config():
    with pytest.raises(ValueError, match="Expected a float value between 0 and 1"):
        L.GaussianDropout(1.5)
    with pytest.raises(ValueError, match='`data_format` must be "channels_last"'):
        L.SpatialDropout2D(0.5, data_format="nhwc")
    assert L.ActivityRegularization(l1=0.1).get_config()["l1"] == 0.1
