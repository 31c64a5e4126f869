import numpy as np
import pytest

import torchkeras as keras

L = keras.layers


def test_dot_values_and_shapes():
    x = np.arange(10, dtype="float32").reshape(1, 5, 2)
    y = np.arange(10, 20, dtype="float32").reshape(1, 2, 5)
    np.testing.assert_array_equal(np.asarray(L.Dot(axes=(1, 2))([x, y])),
                                  [[[260, 360], [320, 445]]])  # Keras docstring example
    a = np.random.RandomState(0).randn(3, 4).astype("float32")
    b = np.random.RandomState(1).randn(3, 4).astype("float32")
    cosine = np.asarray(L.Dot(axes=1, normalize=True)([a, b]))
    expected = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(cosine, expected[:, None], rtol=1e-5)
    assert L.Dot(axes=-1).compute_output_shape([(None, 3, 4), (None, 5, 4)]) == (None, 3, 5)


def test_dot_in_functional_model_and_functional_form():
    a, b = keras.Input((4,)), keras.Input((4,))
    out = L.dot([L.Dense(4)(a), b], axes=1)
    model = keras.Model([a, b], out)
    assert model.output_shape == (None, 1)
    model.compile("sgd", "mse")
    x = np.random.RandomState(0).randn(6, 4).astype("float32")
    history = model.fit([x, x], np.zeros((6, 1), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_dot_config_round_trip():
    layer = L.Dot(axes=(1, 2), normalize=True)
    clone = L.Dot.from_config(layer.get_config())
    assert clone.axes == (1, 2) and clone.normalize
    assert type(L.deserialize(L.serialize(layer))) is L.Dot


def test_dot_errors():
    with pytest.raises(ValueError, match="Incompatible input shapes: axis values 3"):
        L.Dot(axes=1)([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match="should contain two elements"):
        L.Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="Invalid type for argument `axes`"):
        L.Dot(axes="1")
