"""engine/step_runner.py: one StepRunner per compile(), reused by every step; the names of
the user's hook (Model.train_step), the built-in step and the dispatcher."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.engine.step_runner import StepRunner, overrides, runner_for


def _compiled(cls=keras.Model):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    model = cls(inputs, keras.layers.Dense(1, kernel_regularizer="l2")(inputs))
    model.compile(optimizer="sgd", loss="mse")
    return model


def _data():
    rs = np.random.RandomState(0)
    return rs.rand(16, 3).astype("float32"), rs.rand(16, 1).astype("float32")


@pytest.fixture
def constructions(monkeypatch):
    made = []
    original = StepRunner.__init__

    def counting(self, model):
        made.append(model)
        original(self, model)

    monkeypatch.setattr(StepRunner, "__init__", counting)
    return made


def test_train_on_batch_builds_one_step_runner_per_compile(constructions):
    model = _compiled()
    x, y = _data()
    for _ in range(5):
        model.train_on_batch(x, y)
        model.test_on_batch(x, y)
    assert len(constructions) == 1
    assert model.compiled.runner is runner_for(model)
    first = model.compiled.runner
    model.compile(optimizer="sgd", loss="mse")  # a new compile: a new step
    model.train_on_batch(x, y)
    assert len(constructions) == 2 and model.compiled.runner is not first


def test_fit_evaluate_and_batch_methods_share_the_runner(constructions):
    model = _compiled()
    x, y = _data()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.train_on_batch(x, y)
    assert len(constructions) == 1


class SuperStep(keras.Model):
    def train_step(self, data):
        self.calls = getattr(self, "calls", 0) + 1
        return super().train_step(data)


def test_custom_train_step_calling_super_reuses_the_runner(constructions):
    model = _compiled(SuperStep)
    reference = _compiled()
    x, y = _data()
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    reference.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert model.calls == 8 and len(constructions) == 2  # one per model, not one per step
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_the_hook_the_builtin_step_and_the_dispatcher():
    plain, custom = _compiled(), _compiled(SuperStep)
    assert not overrides(plain, "train_step") and not overrides(plain, "test_step")
    assert not overrides(plain, "predict_step")
    assert overrides(custom, "train_step") and not overrides(custom, "test_step")
    x, y = (torch.from_numpy(a) for a in _data())
    custom.train_on_batch(x, y)  # dispatch_train_step -> the user's hook
    assert custom.calls == 1
    runner = runner_for(custom)
    runner.builtin_train_step(x, y, None)  # the built-in step never calls the hook
    assert custom.calls == 1
    runner.dispatch_train_step(x, y, None)
    assert custom.calls == 2
    assert not hasattr(StepRunner, "train_step") and not hasattr(StepRunner, "run_train_step")


def test_fit_looks_the_regularized_weights_up_again():
    model = _compiled()
    x, y = _data()
    model.train_on_batch(x, y)
    runner = runner_for(model)
    assert len(runner._regularized) == 1  # the Dense kernel's l2
    runner._regularized, runner._activity, runner._constrained = [], [], []  # stale lists
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # refresh() at the start
    assert runner_for(model) is runner and len(runner._regularized) == 1
