"""torchkeras.activations: formulas, Keras 2 quirks, lookup and serialization."""
import math

import numpy as np
import pytest
import torch

from torchkeras import activations

X = np.array([-30.0, -6.0, -3.0, -2.5, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 2.5, 3.0,
              5.9, 6.0, 8.0, 30.0])
ERF = np.vectorize(math.erf)


def _softplus(x):
    return np.logaddexp(x, 0.0)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# Reference formulas in float64 (Keras 2 definitions, tf_keras/src/activations.py).
FORMULAS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x * _sigmoid(x),
    "silu": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + ERF(x / math.sqrt(2))),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "relu6": lambda x: np.clip(x, 0, 6),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "log_sigmoid": lambda x: -_softplus(-x),
    "celu": lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0)),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    "sparse_sigmoid": lambda x: np.clip(0.5 * (x + 1), 0, 1),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_elementwise_matches_formula(name):
    got = activations.get(name)(torch.tensor(X, dtype=torch.float32))
    assert got.dtype == torch.float32
    expected = FORMULAS[name](X)
    # float32 rounding, plus cancellation error that grows with |x| (e.g. squareplus(-30))
    tolerance = 2e-6 * np.abs(expected) + 1e-7 * np.maximum(1.0, np.abs(X))
    assert (np.abs(got.numpy() - expected) <= tolerance).all(), (got, expected)


def test_float64_inputs_keep_float64():
    got = activations.gelu(torch.tensor(X))
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), FORMULAS["gelu"](X), rtol=1e-12, atol=1e-15)


def test_numpy_input_becomes_floatx_tensor():
    got = activations.relu(np.array([-1.0, 2.0]))
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    assert got.tolist() == [0.0, 2.0]


def _keras2_relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2's documented piecewise definition."""
    out = np.where(x > threshold, x, alpha * (x - threshold))
    if max_value is not None:
        out = np.where(x >= max_value, max_value, out)
    return out


@pytest.mark.parametrize("kwargs", [
    {"alpha": 0.3}, {"max_value": 6.0}, {"max_value": 4.0}, {"threshold": 1.0},
    {"alpha": 0.3, "max_value": 4.0}, {"alpha": 0.3, "threshold": 1.0},
    {"threshold": 1.0, "max_value": 6.0},
])
def test_relu_options(kwargs):
    got = activations.relu(torch.tensor(X), **kwargs).numpy()
    np.testing.assert_allclose(got, _keras2_relu(X, **kwargs), rtol=1e-12, atol=1e-12)


def test_relu_keras_number_and_keras3_keyword():
    # tf_keras: keras.activations.relu(tf.constant([-10., -5., 0., 5., 10.]), alpha=0.5,
    #           max_value=5.0, threshold=1.0).numpy() -> [-5.5, -3., -0.5, 5., 5.]
    x = torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])
    assert activations.relu(x, alpha=0.5, max_value=5.0, threshold=1.0).tolist() == \
        [-5.5, -3.0, -0.5, 5.0, 5.0]
    assert torch.equal(activations.relu(x, negative_slope=0.5), activations.relu(x, alpha=0.5))
    # A negative threshold with max_value: Keras 2 clips [threshold, 0) to 0, unlike its docs.
    # tf_keras: keras.activations.relu(tf.constant([-3., -1.5, -0.5, 0., 0.5, 2., 4.]),
    #           alpha=0.2, threshold=-1.0, max_value=3.0).numpy()
    #           -> [-0.4, -0.1, 0.0, 0.0, 0.5, 2.0, 3.0]
    x = torch.tensor([-3.0, -1.5, -0.5, 0.0, 0.5, 2.0, 4.0])
    np.testing.assert_allclose(
        activations.relu(x, alpha=0.2, threshold=-1.0, max_value=3.0).numpy(),
        [-0.4, -0.1, 0.0, 0.0, 0.5, 2.0, 3.0], rtol=1e-6)


def test_gelu_defaults_to_exact_and_tanh_form_on_request():
    x = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
    # tf_keras: keras.activations.gelu(tf.constant([-3., -1., 0., 1., 3.])).numpy()
    exact = [-0.0040497, -0.15865526, 0.0, 0.8413447, 2.9959502]
    # same with approximate=True
    approx = [-0.00363743, -0.158808, 0.0, 0.841192, 2.9963627]
    np.testing.assert_allclose(activations.gelu(x).numpy(), exact, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(activations.gelu(x, approximate=True).numpy(), approx,
                               rtol=1e-6, atol=1e-8)


def test_elu_alpha():
    got = activations.elu(torch.tensor(X), alpha=0.5).numpy()
    np.testing.assert_allclose(got, np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-12)


def test_softmax_and_log_softmax_axes():
    x = torch.randn(3, 4, 5, dtype=torch.float64)
    xn = x.numpy()
    for axis in (-1, 0, 1):
        e = np.exp(xn - xn.max(axis=axis, keepdims=True))
        expected = e / e.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(activations.softmax(x, axis=axis).numpy(), expected,
                                   rtol=1e-12)
        np.testing.assert_allclose(activations.log_softmax(x, axis=axis).numpy(),
                                   np.log(expected), rtol=1e-10)
    got = activations.softmax(x, axis=(1, 2)).numpy()
    e = np.exp(xn)
    np.testing.assert_allclose(got, e / e.sum(axis=(1, 2), keepdims=True), rtol=1e-12)


def test_softmax_rejects_1d_like_keras2():
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        activations.softmax(torch.tensor([1.0, 2.0]))


def test_sigmoid_and_softmax_keep_logits():
    z = torch.randn(4, 3)
    p = activations.softmax(z)
    s = activations.sigmoid(z)
    assert p._keras_logits is z and s._keras_logits is z
    assert not hasattr(activations.tanh(z), "_keras_logits")


def test_glu_and_sparsemax():
    x = torch.randn(2, 6, dtype=torch.float64)
    a, b = x[:, :3], x[:, 3:]
    np.testing.assert_allclose(activations.glu(x).numpy(), (a * torch.sigmoid(b)).numpy())
    with pytest.raises(ValueError, match="divisible by 2"):
        activations.glu(torch.randn(2, 5))
    for axis in (-1, 0):
        y = activations.sparsemax(x * 3, axis=axis)
        np.testing.assert_allclose(y.sum(axis).numpy(), 1.0, rtol=1e-12)
        assert (y >= 0).all()
    # projection onto the simplex: [0.6, 0.5, -1] -> tau = (1.1 - 1) / 2 = 0.05
    got = activations.sparsemax(torch.tensor([[0.6, 0.5, -1.0]], dtype=torch.float64))
    np.testing.assert_allclose(got.numpy(), [[0.55, 0.45, 0.0]], rtol=1e-12)
    # sparsemax of well-separated logits is one-hot
    assert activations.sparsemax(torch.tensor([[0.0, 5.0, 1.0]])).tolist() == [[0.0, 1.0, 0.0]]


def test_threshold():
    got = activations.threshold(torch.tensor(X), 0.5, -2.0).numpy()
    np.testing.assert_array_equal(got, np.where(X > 0.5, X, -2.0))


def test_get_forms():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get(activations.tanh) is activations.tanh
    assert activations.get(abs) is abs
    assert activations.get({"class_name": "function", "config": "elu"}) is activations.elu
    assert activations.get("silu") is activations.swish
    with pytest.raises(TypeError, match="Could not interpret activation function identifier"):
        activations.get(5)


def test_unknown_name_error_lists_valid_names():
    with pytest.raises(ValueError) as info:
        activations.get("rellu")
    message = str(info.value)
    assert "Unknown activation function" in message and "'relu'" in message


@pytest.mark.parametrize("name", sorted(set(FORMULAS) | {"softmax", "log_softmax", "glu"}))
def test_serialize_round_trip(name):
    fn = activations.get(name)
    assert activations.deserialize(activations.serialize(fn)) is fn


def test_serialize_canonical_names():
    # tf_keras: keras.activations.serialize(keras.activations.get('silu')) -> 'swish'
    assert activations.serialize(activations.silu) == "swish"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def test_custom_objects():
    def my_act(x):
        return x * 2

    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act
    assert activations.serialize(my_act) == "my_act"
