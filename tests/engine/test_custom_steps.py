"""Overriding train_step / test_step / predict_step, as Keras documents."""
import numpy as np
import torch

import torchkeras as keras


class TorchStyle(keras.Model):
    """A custom train_step written with torch autograd."""

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.steps_seen = getattr(self, "steps_seen", 0) + 1
        return self.compute_metrics(x, y, y_pred)


def _functional(cls):
    inputs = keras.Input((3,))
    return cls(inputs, keras.layers.Dense(1)(inputs))


def test_custom_train_step_runs_and_matches_builtin_fit():
    rng = np.random.RandomState(0)
    x = rng.rand(32, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    custom = _functional(TorchStyle)
    builtin = _functional(keras.Model)
    builtin.set_weights(custom.get_weights())
    for model in (custom, builtin):
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    h_custom = custom.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    h_builtin = builtin.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert custom.steps_seen == 8
    assert list(h_custom.history) == ["loss", "mae"]
    for key in ("loss", "mae"):
        np.testing.assert_allclose(h_custom.history[key], h_builtin.history[key], rtol=1e-6)
    for a, b in zip(custom.get_weights(), builtin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_keras2_style_compiled_loss_and_metrics():
    class Keras2Style(keras.Model):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    model = _functional(Keras2Style)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    assert list(history.history) == ["loss", "mae"] and len(history.history["loss"]) == 2


def test_custom_test_and_predict_steps():
    class Custom(keras.Model):
        def test_step(self, data):
            x, y = data
            return {"answer": torch.tensor(42.0)}

        def predict_step(self, data):
            return self(data, training=False) * 0 + 7

    model = _functional(Custom)
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(np.ones((4, 3)), np.ones((4, 1)), verbose=0) == 42.0
    np.testing.assert_array_equal(model.predict(np.ones((2, 3)), verbose=0), [[7.0], [7.0]])
