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


# ------------------------------------------------------------------ serialization
# Configs as real Keras writes them (keras.optimizers.serialize / training_config).
_ADAM_TF_KERAS = {"module": "keras.optimizers", "class_name": "Adam",
                  "config": {"name": "Adam", "weight_decay": None, "clipnorm": None,
                             "global_clipnorm": None, "clipvalue": None, "use_ema": False,
                             "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                             "jit_compile": False, "is_legacy_optimizer": False,
                             "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999,
                             "epsilon": 1e-07, "amsgrad": False},
                  "registered_name": None}
_TF_KERAS_V3 = {"module": "tf_keras.src.mixed_precision.loss_scale_optimizer",
                "class_name": "LossScaleOptimizerV3",
                "config": {"inner_optimizer": _ADAM_TF_KERAS, "dynamic": True,
                           "initial_scale": 32768.0, "dynamic_growth_steps": 2000},
                "registered_name": "LossScaleOptimizerV3"}
_TF_KERAS_LEGACY = {"class_name": "LossScaleOptimizer",
                    "config": {"inner_optimizer": {
                        "module": "keras.optimizers.legacy", "class_name": "Adam",
                        "config": {"name": "Adam", "learning_rate": 0.01, "decay": 0.0,
                                   "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                                   "amsgrad": False}, "registered_name": None},
                        "dynamic": False, "initial_scale": 128.0,
                        "dynamic_growth_steps": None}}
_KERAS3 = {"module": "keras.optimizers", "class_name": "LossScaleOptimizer",
           "config": {"name": "loss_scale_optimizer", "inner_optimizer": {
               "module": "keras.optimizers", "class_name": "Adam",
               "config": {"name": "adam", "learning_rate": 0.01, "weight_decay": None,
                          "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                          "use_ema": False, "ema_momentum": 0.99,
                          "ema_overwrite_frequency": None, "loss_scale_factor": None,
                          "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
                          "epsilon": 1e-07, "amsgrad": False}, "registered_name": None},
               "initial_scale": 1024.0, "dynamic_growth_steps": 100},
           "registered_name": None}


def test_serialize_round_trip_through_json():
    import json
    opt = LossScaleOptimizer(keras.optimizers.RMSprop(0.02, rho=0.8), initial_scale=8.0,
                             dynamic_growth_steps=5)
    config = keras.optimizers.serialize(opt)
    assert config["class_name"] == "LossScaleOptimizer"
    assert set(config["config"]) == {"inner_optimizer", "dynamic", "initial_scale",
                                      "dynamic_growth_steps"}
    clone = keras.optimizers.deserialize(json.loads(json.dumps(config)))
    assert isinstance(clone, LossScaleOptimizer)
    assert isinstance(clone.inner_optimizer, keras.optimizers.RMSprop)
    assert clone.get_config() == opt.get_config()
    assert keras.optimizers.get(opt) is opt
    assert isinstance(keras.optimizers.get(config), LossScaleOptimizer)


@pytest.mark.parametrize("config, dynamic, scale, growth", [
    (_TF_KERAS_V3, True, 32768.0, 2000), (_TF_KERAS_LEGACY, False, 128.0, None),
    (_KERAS3, True, 1024.0, 100)])
def test_deserialize_real_keras_configs(config, dynamic, scale, growth):
    opt = keras.optimizers.deserialize(config)
    assert isinstance(opt, LossScaleOptimizer)
    assert isinstance(opt.inner_optimizer, keras.optimizers.Adam)
    assert opt.inner_optimizer.learning_rate == pytest.approx(0.01)
    assert opt.dynamic is dynamic and opt.initial_scale == scale
    assert opt.get_config()["dynamic_growth_steps"] == growth
    assert float(opt.loss_scale) == scale


def test_from_config_tf23_loss_scale_and_keras3_base_arguments():
    legacy = {"optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1}},
              "loss_scale": {"class_name": "DynamicLossScale",
                             "config": {"initial_loss_scale": 64.0, "increment_period": 7,
                                        "multiplier": 2.0}}}
    opt = LossScaleOptimizer.from_config(legacy)
    assert opt.dynamic and opt.initial_scale == 64.0 and opt.dynamic_growth_steps == 7
    fixed = dict(legacy, loss_scale={"class_name": "FixedLossScale",
                                     "config": {"loss_scale_value": 4.0}})
    opt = LossScaleOptimizer.from_config(fixed)
    assert not opt.dynamic and opt.initial_scale == 4.0
    config = dict(_KERAS3["config"], clipnorm=None, use_ema=False)
    assert LossScaleOptimizer.from_config(config).initial_scale == 1024.0
    with pytest.raises(ValueError, match="LossScaleOptimizer does not support `clipnorm`"):
        LossScaleOptimizer.from_config(dict(_KERAS3["config"], clipnorm=1.0))


def test_scale_state_set_and_read():
    p = _param([1.0])
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.0), initial_scale=2.0,
                             dynamic_growth_steps=2)
    opt.build([p])
    opt.set_scale_state(1, 512.0)
    p.grad = torch.tensor([1.0])
    opt.step()  # the second finite step in a row: the scale doubles
    assert opt.scale_state() == (0, 1024.0)


def _dense_twins():
    layers = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        layers.append(layer)
    return layers


def test_minimize_is_optimizer_minimize_through_the_scaled_loss():
    """LossScaleOptimizer.minimize reuses Optimizer.minimize: its compute_gradients scales
    and unscales, its apply_gradients checks; the update equals the plain optimizer's."""
    scaled_layer, plain_layer = _dense_twins()
    x = torch.tensor([[1.0, -2.0, 0.5]])
    scaled = LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=1024.0)
    plain = keras.optimizers.SGD(0.1)
    pairs = scaled.compute_gradients(lambda: (scaled_layer(x) ** 2).sum(),
                                     [scaled_layer.kernel, scaled_layer.bias])
    expected = plain.compute_gradients(lambda: (plain_layer(x) ** 2).sum(),
                                       [plain_layer.kernel, plain_layer.bias])
    assert [v is w for (_, v), w in zip(pairs, [scaled_layer.kernel, scaled_layer.bias])] == \
        [True, True]
    for (g, _), (e, _) in zip(pairs, expected):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6)  # unscaled, Keras layout
    for _ in range(2):
        scaled.minimize(lambda: (scaled_layer(x) ** 2).sum(),
                        [scaled_layer.kernel, scaled_layer.bias])
        plain.minimize(lambda: (plain_layer(x) ** 2).sum(),
                       [plain_layer.kernel, plain_layer.bias])
    for a, b in zip(scaled_layer.get_weights(), plain_layer.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert scaled.iterations == 2


def test_minimize_skips_a_non_finite_step_and_halves_the_scale():
    layer, _ = _dense_twins()
    before = [w.copy() for w in layer.get_weights()]
    opt = LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0)
    opt.minimize(lambda: layer(torch.tensor([[float("inf"), 0.0, 0.0]])).sum(),
                 [layer.kernel, layer.bias])
    for a, b in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert float(opt.loss_scale) == 4.0 and opt.iterations == 0
