"""train_on_batch / test_on_batch and ``reset_metrics`` as tf-keras: with
``reset_metrics=True`` the metrics are reset *before* the step (tf_keras/engine/training.py
``train_on_batch``: ``if reset_metrics: self.reset_metrics()``), never after it."""
import numpy as np
import pytest

import torchkeras as keras


def _model_and_data():
    rs = np.random.RandomState(0)
    x = rs.rand(64, 3).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch"])
def test_batch_methods_after_fit_report_this_batch_only(method):
    model, x, y = _model_and_data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)  # leaves the epoch's totals
    bx, by = x[:8], y[:8]
    probs = model.predict(bx, verbose=0)
    expected_accuracy = float(np.mean((probs > 0.5) == (by > 0.5)))
    loss, accuracy = getattr(model, method)(bx, by)
    assert accuracy == pytest.approx(expected_accuracy)
    eps = 1e-7
    p = np.clip(probs, eps, 1 - eps)
    expected_loss = float(np.mean(-(by * np.log(p) + (1 - by) * np.log(1 - p))))
    assert loss == pytest.approx(expected_loss, rel=1e-4)


def test_reset_metrics_false_accumulates_over_the_previous_call():
    model, x, y = _model_and_data()
    a, b = (x[:8], y[:8]), (x[8:16], y[8:16])
    loss_a, _ = model.test_on_batch(*a)
    loss_b, _ = model.test_on_batch(*b)
    loss_a_again, _ = model.test_on_batch(*a)  # resets before: batch a only
    assert loss_a_again == pytest.approx(loss_a)
    loss_ab, _ = model.test_on_batch(*b, reset_metrics=False)  # a's totals are still there
    assert loss_ab == pytest.approx((loss_a + loss_b) / 2, rel=1e-5)


def test_train_on_batch_returns_the_loss_before_its_update():
    model, x, y = _model_and_data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    loss, accuracy = model.test_on_batch(x[:16], y[:16])
    assert model.train_on_batch(x[:16], y[:16]) == pytest.approx([loss, accuracy], rel=1e-5)
