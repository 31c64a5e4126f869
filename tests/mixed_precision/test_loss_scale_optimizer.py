"""LossScaleOptimizer: Keras's dynamic loss scaling around a torchkeras optimizer."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision
from torchkeras.mixed_precision import LossScaleOptimizer


@pytest.fixture(autouse=True)
def _default_policy():
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)


def _param(value):
    return torch.nn.Parameter(torch.tensor(value, dtype=torch.float32))


def test_defaults_and_config():
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.1))
    assert opt.dynamic and opt.initial_scale == 2.0 ** 15 and opt.dynamic_growth_steps == 2000
    assert float(opt.loss_scale) == 2.0 ** 15
    assert opt.learning_rate == pytest.approx(0.1)  # delegated to the inner optimizer
    config = opt.get_config()
    assert config["inner_optimizer"]["class_name"] == "SGD"
    clone = LossScaleOptimizer.from_config(config)
    assert isinstance(clone.inner_optimizer, keras.optimizers.SGD)
    assert clone.initial_scale == opt.initial_scale


def test_argument_errors():
    with pytest.raises(ValueError, match='"initial_scale" must be specified'):
        LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match='"dynamic_growth_steps" must be None'):
        LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False, initial_scale=4,
                           dynamic_growth_steps=2)
    with pytest.raises(TypeError, match="cannot wrap another LossScaleOptimizer"):
        LossScaleOptimizer(LossScaleOptimizer(keras.optimizers.SGD()))


def test_step_unscales_gradients():
    p, q = _param([1.0, 2.0]), _param([1.0, 2.0])
    scaled = LossScaleOptimizer(keras.optimizers.Adam(0.1), initial_scale=8.0)
    plain = keras.optimizers.Adam(0.1)
    scaled.build([p])
    plain.build([q])
    for _ in range(3):
        scaled.zero_grad()
        (scaled.get_scaled_loss((p ** 2).sum())).backward()
        scaled.step()
        plain.zero_grad()
        (q ** 2).sum().backward()
        plain.step()
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)
    assert scaled.iterations == 3


def test_non_finite_gradient_skips_step_and_halves_scale():
    p = _param([1.0])
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=4.0)
    opt.build([p])
    p.grad = torch.tensor([float("inf")])
    opt.step()
    assert float(p.detach()) == 1.0 and opt.iterations == 0
    assert float(opt.loss_scale) == 2.0
    for _ in range(5):  # never below 1, as tf-keras
        p.grad = torch.tensor([float("nan")])
        opt.step()
    assert float(opt.loss_scale) == 1.0


def test_scale_grows_after_dynamic_growth_steps():
    p = _param([1.0])
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.0), initial_scale=2.0,
                             dynamic_growth_steps=3)
    opt.build([p])
    scales = []
    for _ in range(4):
        p.grad = torch.tensor([1.0])
        opt.step()
        scales.append(float(opt.loss_scale))
    assert scales == [2.0, 2.0, 4.0, 4.0]
    assert int(opt.dynamic_counter) == 1


def test_apply_gradients_keras2_flow():
    var = _param([3.0])
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=16.0)
    scaled_loss = opt.get_scaled_loss((var ** 2).sum())
    (grad,) = torch.autograd.grad(scaled_loss, [var])
    (unscaled,) = opt.get_unscaled_gradients([grad])
    np.testing.assert_allclose(unscaled.numpy(), [6.0])
    opt.apply_gradients([(unscaled, var)])
    np.testing.assert_allclose(var.detach().numpy(), [0.0])
    opt.apply_gradients([(torch.tensor([float("inf")]), var)])
    np.testing.assert_allclose(var.detach().numpy(), [0.0])
    assert float(opt.loss_scale) == 8.0 and opt.iterations == 1


def test_compile_wraps_under_mixed_float16_only():
    mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, LossScaleOptimizer)
    assert isinstance(model.optimizer.inner_optimizer, keras.optimizers.Adam)
    given = LossScaleOptimizer(keras.optimizers.SGD(), initial_scale=4.0)
    model.compile(given, "mse")
    assert model.optimizer is given
    mixed_precision.set_global_policy("mixed_bfloat16")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, keras.optimizers.Adam)
