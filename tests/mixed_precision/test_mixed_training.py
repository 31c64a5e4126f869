"""fit/evaluate/predict under mixed policies (CPU autocast), and the untouched default."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision
from torchkeras.engine import trainer


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


@pytest.fixture(autouse=True)
def _default_policy():
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 6)).astype("float32")
    return x, (x[:, :1] + x[:, 1:2] > 0).astype("float32")


def _model(float32_head=True):
    layers = [keras.layers.Dense(16, activation="relu", input_shape=(6,)), keras.layers.Dense(1)]
    layers.append(keras.layers.Activation("sigmoid", dtype="float32" if float32_head else None))
    return keras.Sequential(layers)


def _fit(policy, epochs=3, **kwargs):
    mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(3)
    model = _model(**kwargs)
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=False)
    return model, history.history


def test_mixed_bfloat16_trains_close_to_float32():
    _, reference = _fit("float32")
    model, mixed = _fit("mixed_bfloat16")
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert mixed["loss"][-1] < mixed["loss"][0]
    np.testing.assert_allclose(mixed["loss"], reference["loss"], atol=3e-2)
    x, y = _data()
    prediction = model.predict(x[:5], verbose=0)
    assert prediction.dtype == np.float32 and prediction.shape == (5, 1)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert np.isfinite(loss) and 0.5 < accuracy <= 1.0


def test_mixed_float16_trains_with_loss_scaling():
    model, history = _fit("mixed_float16")
    assert isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)
    assert model.optimizer.iterations == 12  # 3 epochs x 4 batches, none skipped
    assert np.all(np.isfinite(history["loss"])) and history["loss"][-1] < history["loss"][0]
    assert model.layers[0].compute_dtype == "float16"
    assert model.layers[-1].compute_dtype == "float32"


def test_mixed_output_is_float32_for_the_loss():
    # Without a float32 head the trainer still hands float32 outputs (with their logits) to
    # the loss, so the cross-entropy takes the same from-logits path as in float32.
    model, history = _fit("mixed_bfloat16", float32_head=False, epochs=1)
    runner = trainer.StepRunner(model)
    out = runner._forward(torch.as_tensor(_data()[0][:4]), False)
    assert out.dtype == torch.float32 and out._keras_logits.dtype == torch.float32


def test_default_policy_enters_no_autocast(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("torch.autocast entered under the float32 policy")

    monkeypatch.setattr(torch, "autocast", forbidden)
    model, _ = _fit("float32", epochs=1)
    runner = trainer.StepRunner(model)
    assert runner.autocast_dtype is None and runner.loss_scaler is None
    assert runner._forward.func is trainer.model_call  # the plain forward
    model.predict(_data()[0][:3], verbose=0)
