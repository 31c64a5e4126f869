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
