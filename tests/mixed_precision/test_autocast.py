"""Float32 layers of a mixed model compute in float32 whatever the global policy (tf-keras:
each layer casts its inputs to its own compute dtype)."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision


@pytest.fixture(autouse=True)
def _default_policy():
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)


def _x():
    return np.random.default_rng(1).uniform(-2, 2, size=(64, 3)).astype("float32")


def _expected(model, x):
    """The first Dense in float16 (as autocast runs it on CPU), the rest in float32."""
    dense, head = model.layers[-2], model.layers[-1]
    kernel, bias = (torch.as_tensor(w) for w in dense.get_weights())
    hidden = torch.relu(torch.as_tensor(x).half() @ kernel.half() + bias.half()).float()
    kernel, bias = (torch.as_tensor(w) for w in head.get_weights())
    return torch.sigmoid(hidden @ kernel + bias).numpy()  # (64, 1)


def test_mixed_model_loaded_under_float32_keeps_its_float32_head(tmp_path):
    mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                              keras.layers.Dense(1),
                              keras.layers.Activation("sigmoid", dtype="float32")])
    x = _x()
    saved = model.predict(x, verbose=0)
    model.save(tmp_path / "m.h5")
    mixed_precision.set_global_policy("float32")
    loaded = keras.models.load_model(tmp_path / "m.h5")
    # As tf-keras: the mixed layers stay mixed, the head float32.
    assert [layer.compute_dtype for layer in loaded.layers] == ["float16", "float16", "float32"]
    assert [layer.dtype_policy.name for layer in loaded.layers] == \
        ["mixed_float16", "mixed_float16", "float32"]
    predicted = loaded.predict(x, verbose=0)
    assert predicted.dtype == np.float32
    np.testing.assert_array_equal(predicted, saved)
    np.testing.assert_array_equal(np.asarray(loaded(x)), saved)


def test_float32_layers_compute_in_float32_beside_a_mixed_layer():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(8, activation="relu", dtype="mixed_float16")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    x = _x()
    expected = _expected(model, x)
    predicted = model.predict(x, verbose=0)
    assert predicted.dtype == np.float32
    np.testing.assert_allclose(predicted, expected, rtol=0, atol=1e-6)
    eager = np.asarray(model(x))
    assert eager.dtype == np.float32
    np.testing.assert_allclose(eager, expected, rtol=0, atol=1e-6)


def test_float32_model_gets_no_float32_call():
    # Loaded layers carry dtype='float32' in their config: a model without mixed layers
    # must keep their plain `call` (no per-step cast or autocast check).
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,), dtype="float32"),
                              keras.layers.Activation("sigmoid", dtype="float32")])
    model.predict(_x(), verbose=0)
    assert all("call" not in vars(layer) for layer in model.layers)
    assert model._autocast_dtype is None
