"""``Layer.add_loss`` inside ``call`` (Keras 3): per forward pass, listed in ``losses``,
added to the loss by ``fit``/``evaluate``."""
import numpy as np
import torch

import torchkeras as keras


class AddsLoss(keras.layers.Layer):
    def __init__(self, rate=1.0, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * torch.sum(inputs))
        return inputs


def test_losses_hold_the_latest_call_only():
    layer = AddsLoss()
    layer(torch.ones(2, 3))
    layer(torch.full((2, 3), 2.0))
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == 12.0


def test_model_losses_collect_sublayers_of_one_forward():
    inputs = keras.Input((3,))
    outputs = AddsLoss(0.5)(keras.layers.Dense(2, kernel_initializer="ones")(inputs))
    model = keras.Model(inputs, outputs)
    model(torch.ones(1, 3))
    model(torch.ones(1, 3))
    assert [float(v.detach()) for v in model.losses] == [3.0]  # 0.5 * (3 + 3), not accumulated


def test_evaluate_and_fit_add_the_added_losses():
    inputs = keras.Input((2,))
    dense = keras.layers.Dense(1, kernel_initializer="zeros")
    model = keras.Model(inputs, AddsLoss(0.0)(dense(inputs)))
    plain = keras.Model(inputs, dense(inputs))
    for m in (model, plain):
        m.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    assert abs(model.evaluate(x, y, verbose=0) - plain.evaluate(x, y, verbose=0)) < 1e-6
    model.layers[-1].rate = 0.25  # add 0.25 * sum(outputs); outputs are 0 + bias 0
    dense.set_weights([np.zeros((2, 1), "float32"), np.array([2.0], "float32")])
    expected = plain.evaluate(x, y, batch_size=8, verbose=0) + 0.25 * 2.0 * 8
    assert abs(model.evaluate(x, y, batch_size=8, verbose=0) - expected) < 1e-4
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert abs(history.history["loss"][0] - expected) < 1e-4


def test_callable_losses_are_evaluated_on_each_read():
    layer = keras.layers.Dense(1)
    layer(torch.ones(1, 2))
    layer.add_loss(lambda: torch.sum(layer.kernel) * 0.0 + 7.0)
    assert [float(v.detach()) for v in layer.losses] == [7.0]
    layer(torch.ones(1, 2))
    assert [float(v.detach()) for v in layer.losses] == [7.0]


def test_added_losses_under_jit_compile_neither_recompile_nor_accumulate():
    compiled = []

    def backend(graph_module, example_inputs):
        compiled.append(graph_module)
        return graph_module.forward

    inputs = keras.Input((2,))
    model = keras.Model(inputs, AddsLoss(0.5)(keras.layers.Dense(1)(inputs)))
    model.compile(optimizer="sgd", loss="mse", jit_compile=backend)
    x, y = np.ones((16, 2), "float32"), np.ones((16, 1), "float32")
    try:
        history = model.fit(x, y, batch_size=4, epochs=3, verbose=0)
    finally:  # give back torch.compile's per-function cache (8 entries per session)
        torch._dynamo.reset()
    assert 1 <= len(compiled) <= 2
    eager = keras.Model(model.inputs, model.outputs)
    eager.compile(optimizer="sgd", loss="mse")
    expected = eager.evaluate(x, y, batch_size=16, verbose=0)
    assert abs(model.evaluate(x, y, batch_size=16, verbose=0) - expected) < 1e-5
    assert np.all(np.isfinite(history.history["loss"]))
