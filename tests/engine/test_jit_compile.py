"""compile(jit_compile=...): the train forward and loss through torch.compile, same numbers as
eager.

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
    assert model.compiled.jit_step.compiled is not None
    assert not model.compiled.jit_step.failed
    for key in eager_history:
        np.testing.assert_allclose(jit_history[key], eager_history[key], rtol=1e-5, atol=1e-6)
    for a, b in zip(jit_weights, eager_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
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
    assert model.compiled.jit_step.failed
    np.testing.assert_allclose(history.history["loss"], eager_history["loss"], rtol=1e-6)
    for a, b in zip(model.get_weights(), eager_weights):
        np.testing.assert_allclose(a, b, rtol=1e-6)


class _RecordingBackend:
    """A torch.compile backend that keeps each graph it is given and runs it as traced."""

    def __init__(self):
        self.graphs = []

    def __call__(self, graph_module, example_inputs):
        self.graphs.append(graph_module)
        return graph_module.forward

    def ops(self, index):
        return [getattr(node.target, "__name__", str(node.target))
                for node in self.graphs[index].graph.nodes if node.op == "call_function"]


def test_forward_and_loss_are_one_graph():
    backend = _RecordingBackend()
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.layers.Dense(8, activation="tanh", input_shape=(5,), kernel_regularizer="l2",
                           activity_regularizer="l1"),
        keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"], jit_compile=backend)
    x, y = _data(1)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)  # 96 samples: one batch shape
    assert len(backend.graphs) == 1  # no graph break, no recompile
    ops = backend.ops(0)
    assert ops.count("addmm") == 2 and "binary_cross_entropy_with_logits" in ops
    assert "abs" in ops and "square" in ops  # activity (l1) and kernel (l2) regularizers


def _multi_output(jit_compile):
    keras.utils.set_random_seed(3)
    inputs = keras.Input((5,))
    hidden = keras.layers.Dense(6, activation="relu", kernel_regularizer="l2")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="reg")(hidden),
                                 keras.layers.Dense(3, activation="softmax", name="cls")(hidden)])
    model.compile("adam", {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 0.5, "cls": 2.0}, metrics={"cls": "accuracy"},
                  jit_compile=jit_compile)
    x, labels = _data(3)
    history = model.fit(x, {"reg": x[:, :1], "cls": labels}, epochs=2, batch_size=40,
                        verbose=0, shuffle=False,
                        sample_weight={"reg": np.linspace(0, 1, 96), "cls": np.ones(96)})
    return history.history, model.get_weights()


def test_multi_output_weighted_losses_match_eager():
    eager_history, eager_weights = _multi_output(None)
    jit_history, jit_weights = _multi_output(_RecordingBackend())
    assert list(jit_history) == ["loss", "reg_loss", "cls_loss", "cls_accuracy"]
    for key in eager_history:
        np.testing.assert_allclose(jit_history[key], eager_history[key], rtol=1e-5, atol=1e-6)
    for a, b in zip(jit_weights, eager_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_masked_sequence_loss_matches_eager():
    ids = np.random.default_rng(0).integers(1, 50, (40, 7))
    ids[:, :3] = 0
    labels = np.random.default_rng(1).integers(0, 3, (40, 7))

    def train(jit_compile):
        keras.utils.set_random_seed(5)
        model = keras.Sequential([
            keras.layers.Embedding(50, 8, mask_zero=True),
            keras.layers.TimeDistributed(keras.layers.Dense(3, activation="softmax"))])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"],
                      jit_compile=jit_compile)
        return model.fit(ids, labels, epochs=2, batch_size=16, verbose=0,
                         shuffle=False).history
    eager, jit = train(None), train(_RecordingBackend())
    for key in eager:  # the mask reaches the loss and the metric from the compiled region
        np.testing.assert_allclose(jit[key], eager[key], rtol=1e-5, atol=1e-6)


def test_mixed_bfloat16_policy_under_jit_matches_eager_mixed():
    from torchkeras import mixed_precision

    def train(jit_compile):
        mixed_precision.set_global_policy("mixed_bfloat16")
        try:
            keras.utils.set_random_seed(3)
            model = keras.Sequential([
                keras.layers.Dense(16, activation="relu", input_shape=(5,)),
                keras.layers.Dense(1),
                keras.layers.Activation("sigmoid", dtype="float32")])
            model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy",
                          jit_compile=jit_compile)
            x, y = _data(1)
            return model.fit(x, y, epochs=2, batch_size=32, verbose=0,
                             shuffle=False).history["loss"], model
        finally:
            mixed_precision.set_global_policy(None)
    eager, _ = train(None)
    backend = _RecordingBackend()
    jit, model = train(backend)
    assert not model.compiled.jit_step.failed and len(backend.graphs) == 1
    np.testing.assert_allclose(jit, eager, rtol=1e-3)  # bfloat16 kernels may fuse differently
