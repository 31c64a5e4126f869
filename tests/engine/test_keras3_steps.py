"""Keras 3's training-step API: an overridden ``compute_loss``, ``compiled_metrics`` with
no compiled loss, ``Metric`` attributes in ``metrics`` (reset each epoch),
``get_metrics_result``, subclassed models returning several outputs."""
import numpy as np
import pytest
import torch

import torchkeras as keras


def _data(n=32):
    rng = np.random.RandomState(0)
    x = rng.rand(n, 3).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


class OwnLoss(keras.Model):
    calls = 0

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        OwnLoss.calls += 1
        return torch.mean(torch.abs(torch.as_tensor(y) - y_pred)) * 2.0


def test_builtin_steps_call_an_overridden_compute_loss():
    x, y = _data()
    inputs = keras.Input((3,))
    model = OwnLoss(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", metrics=["mae"])  # no loss: compute_loss supplies it
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert list(history.history) == ["loss", "mae"]
    assert OwnLoss.calls >= 8
    loss, mae = model.evaluate(x, y, batch_size=32, verbose=0)
    assert loss == pytest.approx(2.0 * mae, rel=1e-5)


def test_compiled_metrics_work_when_compile_got_no_loss():
    class Step(keras.Model):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    x, y = _data()
    inputs = keras.Input((3,))
    model = Step(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="adam", metrics=["mae", "mse"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert list(history.history) == ["mae", "mse"]


def test_metric_attributes_are_listed_and_reset_each_epoch():
    class Counter(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.seen = keras.metrics.Sum(name="seen")

        def train_step(self, data):
            self.seen.update_state(1.0)
            return {"seen": self.seen.result()}

    x, y = _data()
    inputs = keras.Input((3,))
    model = Counter(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert history.history["seen"] == [4.0, 4.0, 4.0]
    assert model.metrics[-1] is model.seen
    result = model.get_metrics_result()
    assert result["seen"] == 4.0 and isinstance(result["seen"], float)
    model.reset_metrics()
    assert float(model.seen.result()) == 0.0


class TwoOutputs(keras.Model):
    def __init__(self, as_dict=False, **kwargs):
        super().__init__(**kwargs)
        self.as_dict = as_dict
        self.a = keras.layers.Dense(2, activation="softmax")
        self.b = keras.layers.Dense(1)

    def call(self, x):
        if self.as_dict:
            return {"probs": self.a(x), "value": self.b(x)}
        return self.a(x), self.b(x)


def test_subclassed_model_with_two_outputs_takes_per_output_losses_and_metrics():
    x, y = _data()
    labels = keras.utils.to_categorical((x[:, 0] > 0.5).astype("int64"), 2)
    model = TwoOutputs()
    model.compile("sgd", loss=["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=[["accuracy"], ["mae"]])
    history = model.fit(x, [labels, y], epochs=1, verbose=0)
    assert list(history.history) == ["loss", "output_1_loss", "output_2_loss",
                                      "output_1_accuracy", "output_2_mae"]
    h = history.history
    assert h["loss"][0] == pytest.approx(h["output_1_loss"][0] + 0.5 * h["output_2_loss"][0],
                                         rel=1e-4)
    model = TwoOutputs(as_dict=True)
    model.compile("sgd", loss={"probs": "categorical_crossentropy", "value": "mse"},
                  metrics={"value": "mae"})
    result = model.evaluate(x, {"probs": labels, "value": y}, verbose=0, return_dict=True)
    assert list(result) == ["loss", "probs_loss", "value_loss", "value_mae"]
    with pytest.raises(ValueError, match="loss"):
        bad = TwoOutputs()
        bad.compile("sgd", loss=["mse", "mse", "mse"])
        bad.fit(x, [labels, y], epochs=1, verbose=0)


class LogisticEndpoint(keras.layers.Layer):
    """keras.io "Training & evaluation with the built-in methods": a loss from add_loss."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        self.add_loss(self.loss_fn(targets, logits, sample_weights))
        return keras.ops.softmax(logits)


def test_layer_called_on_two_tensors_and_compiled_without_a_loss():
    keras.utils.set_random_seed(1)  # the loss threshold below is about seeded weights
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)
    assert tuple(predictions.shape) == (None, 10)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")  # no loss: add_loss supplies it
    rng = np.random.RandomState(1)
    data = {"inputs": rng.random_sample((6, 3)), "targets": rng.random_sample((6, 10))}
    history = model.fit(data, epochs=2, verbose=0)
    assert list(history.history) == ["loss"] and history.history["loss"][0] > 0.5
    probs = model.predict(data, verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_no_loss_anywhere_is_an_error():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss found"):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)


def test_compute_output_spec_gives_the_symbolic_output():
    class Split(keras.layers.Layer):
        def call(self, x):
            return x[:, :2], x[:, 2:] * 2.0

        def compute_output_spec(self, x):
            return (keras.KerasTensor((x.shape[0], 2), x.dtype),
                    keras.KerasTensor((x.shape[0], x.shape[1] - 2), x.dtype))

    inputs = keras.Input((5,))
    a, b = Split()(inputs)
    assert tuple(a.shape) == (None, 2) and tuple(b.shape) == (None, 3)
    model = keras.Model(inputs, [a, b])
    out = model.predict(np.ones((2, 5), "float32"), verbose=0)
    assert out[0].shape == (2, 2) and out[1].shape == (2, 3) and float(out[1][0, 0]) == 2.0
