import numpy as np
import pytest

import torchkeras as keras
from layer_test import layer_test

L = keras.layers
X = np.linspace(-3, 3, 13, dtype="float32").reshape(1, 13)


@pytest.mark.parametrize("cls,kwargs", [
    (L.ReLU, {}), (L.ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.5}),
    (L.LeakyReLU, {}), (L.ELU, {"alpha": 0.5}), (L.ThresholdedReLU, {"theta": 0.5}),
    (L.Softmax, {"axis": 1}), (L.PReLU, {"alpha_initializer": "ones"}),
    (L.PReLU, {"shared_axes": [1], "alpha_initializer": "ones"}),
])
def test_layer_contract(cls, kwargs):
    shape = (2, 3, 4)
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=(None, 3, 4),
               run_training=cls is L.PReLU)


def test_values_follow_keras_formulas():
    relu = np.asarray(L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)(X))
    expected = np.where(X >= 2, 2, np.where(X > 0.5, X, 0.1 * (X - 0.5)))
    np.testing.assert_allclose(relu, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(L.LeakyReLU()(X)), np.where(X > 0, X, 0.3 * X),
                               rtol=1e-6)
    np.testing.assert_allclose(np.asarray(L.LeakyReLU(negative_slope=0.2)(X)),
                               np.where(X > 0, X, 0.2 * X), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(L.ELU(0.5)(X)),
                               np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(L.ThresholdedReLU(1.0)(X)), np.where(X > 1, X, 0))


def test_softmax_mask_and_prelu_shared_axes():
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    import torch
    y = L.Softmax()(torch.as_tensor(x), mask=torch.tensor([[True, True, False]])).numpy()
    np.testing.assert_allclose(y, [[1 / (1 + np.e), np.e / (1 + np.e), 0.0]], rtol=1e-6)
    prelu = L.PReLU(shared_axes=[1, 2])
    prelu(np.zeros((1, 4, 5, 3), "float32"))
    assert prelu.get_weights()[0].shape == (1, 1, 3)


def test_errors_and_config():
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot be a negative"):
        L.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="should be >=0"):
        L.ThresholdedReLU(-1)
    assert L.LeakyReLU().get_config()["alpha"] == pytest.approx(0.3)
    assert L.LeakyReLU.from_config({"negative_slope": 0.2}).alpha == pytest.approx(0.2)
