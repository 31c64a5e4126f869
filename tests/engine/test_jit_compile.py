"""compile(jit_compile=...): the train forward through torch.compile, same numbers as eager.

Uses the ``aot_eager`` backend (no C compiler run) to keep the tests fast; ``True`` means
``inductor`` unless ``TORCHKERAS_JIT_BACKEND`` says otherwise.
"""
import warnings

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.engine import jit as jit_module


@pytest.fixture(autouse=True)
def _keep_global_rng():
    """set_random_seed below must not change the random state later test files see."""
    import random
    import torch
    states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
    yield
    torch.set_rng_state(states[0])
    np.random.set_state(states[1])
    random.setstate(states[2])


def _data(classes):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5)).astype("float32")
    if classes == 1:
        return x, (x[:, :1] > 0).astype("float32")
    return x, ((x[:, 0] > 0).astype("int64") + (x[:, 1] > 0))


def _train(activation, loss, classes, jit_compile, functional=False):
    keras.utils.set_random_seed(7)
    if functional:
        inputs = keras.Input((5,))
        hidden = keras.layers.Dense(8, activation="tanh")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(classes, activation=activation)(hidden))
    else:
        model = keras.Sequential([keras.layers.Dense(8, activation="tanh", input_shape=(5,)),
                                  keras.layers.Dense(classes, activation=activation)])
    model.compile(keras.optimizers.Adam(0.05), loss, metrics=["accuracy"],
                  jit_compile=jit_compile)
    x, y = _data(classes)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no fallback to eager
        history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False)
    return history.history, model.get_weights(), model


@pytest.mark.parametrize("activation, loss, classes, functional", [
    ("sigmoid", "binary_crossentropy", 1, False),
    ("softmax", "sparse_categorical_crossentropy", 3, True)])
def test_jit_matches_eager(activation, loss, classes, functional):
    eager_history, eager_weights, _ = _train(activation, loss, classes, None, functional)
    jit_history, jit_weights, model = _train(activation, loss, classes, "aot_eager", functional)
    assert model.compiled.jit_compile
    assert model.compiled._jit_forward._compiled is not None
    assert not model.compiled._jit_forward.failed
    assert len(model.compiled._jit_forward.deferred) == 1  # the activation ran outside
    for key in eager_history:
        np.testing.assert_allclose(jit_history[key], eager_history[key], rtol=1e-5, atol=1e-6)
    for a, b in zip(jit_weights, eager_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # the model's activation is back in place after the compiled steps
    assert model.layers[-1].activation is getattr(keras.activations, activation)


def test_jit_true_uses_env_backend(monkeypatch):
    monkeypatch.setenv("TORCHKERAS_JIT_BACKEND", "aot_eager")
    assert jit_module.jit_backend(True) == "aot_eager"
    assert jit_module.jit_backend(False) is None and jit_module.jit_backend(None) is None
    assert jit_module.jit_backend("auto") is None
    history, _, model = _train("sigmoid", "binary_crossentropy", 1, True)
    assert model.compiled.jit_backend == "aot_eager" and np.isfinite(history["loss"]).all()


def test_compile_failure_falls_back_to_eager_once():
    def broken_backend(graph_module, example_inputs):
        raise RuntimeError("no compiler here")

    eager_history, eager_weights, _ = _train("sigmoid", "binary_crossentropy", 1, None)
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.layers.Dense(8, activation="tanh", input_shape=(5,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"],
                  jit_compile=broken_backend)
    x, y = _data(1)
    with pytest.warns(RuntimeWarning, match="training continues eagerly") as record:
        history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False)
    assert sum("continues eagerly" in str(w.message) for w in record) == 1
    assert model.compiled._jit_forward.failed
    np.testing.assert_allclose(history.history["loss"], eager_history["loss"], rtol=1e-6)
    for a, b in zip(model.get_weights(), eager_weights):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_output_feeding_another_layer_is_not_deferred():
    inputs = keras.Input((5,))
    probs = keras.layers.Dense(3, activation="softmax")(inputs)
    model = keras.Model(inputs, [probs, keras.layers.Dense(1)(probs)])
    deferred = jit_module._deferred_outputs(model)
    assert deferred == []
