import numpy as np
import pytest

import torchkeras as keras
from layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("cls,kwargs,shape,trainable,non_trainable", [
    (L.BatchNormalization, {}, (4, 3), 2, 2),
    (L.BatchNormalization, {"axis": 1}, (4, 3, 5, 2), 2, 2),
    (L.BatchNormalization, {"center": False}, (4, 3, 2), 1, 2),
    (L.LayerNormalization, {}, (2, 3, 4), 2, 0),
    (L.LayerNormalization, {"axis": [1, 2], "scale": False}, (2, 3, 4), 1, 0),
    (L.GroupNormalization, {"groups": 2}, (2, 3, 4), 2, 0),
    (L.UnitNormalization, {}, (2, 3, 4), 0, 0),
])
def test_layer_contract(cls, kwargs, shape, trainable, non_trainable):
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=(None,) + shape[1:],
               expected_num_trainable_weights=trainable,
               expected_num_non_trainable_weights=non_trainable)


def _bn_after_one_step(shape, **kwargs):
    x = np.random.RandomState(0).randn(*shape).astype("float32") * 2 + 1
    layer = L.BatchNormalization(momentum=0.5, **kwargs)
    y = np.asarray(layer(x, training=True))
    return x, y, layer


@pytest.mark.parametrize("shape,unbiased", [((6, 3), False), ((4, 5, 3), False),
                                            ((3, 4, 4, 3), True), ((2, 3, 2, 2, 3), True)])
def test_bn_moving_variance_bias_depends_on_rank_as_tf_keras(shape, unbiased):
    x, y, layer = _bn_after_one_step(shape)
    axes = tuple(range(len(shape) - 1))
    n = x.size / shape[-1]
    var = x.var(axis=axes) * (n / (n - 1) if unbiased else 1.0)
    gamma, beta, moving_mean, moving_variance = layer.get_weights()
    np.testing.assert_allclose(moving_variance, 0.5 + 0.5 * var, rtol=1e-5)
    np.testing.assert_allclose(moving_mean, 0.5 * x.mean(axis=axes), rtol=1e-5, atol=1e-6)
    normalised = (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + 1e-3)  # biased
    np.testing.assert_allclose(y, normalised, rtol=1e-4, atol=1e-5)


def test_bn_non_channel_axis_on_4d_uses_biased_update():
    x, _, layer = _bn_after_one_step((3, 4, 5, 3), axis=2)
    np.testing.assert_allclose(layer.get_weights()[3], 0.5 + 0.5 * x.var(axis=(0, 1, 3)),
                               rtol=1e-5)
    assert layer.get_config()["axis"] == [2]


def test_bn_inference_when_not_training_or_frozen():
    x = np.random.RandomState(1).randn(4, 3).astype("float32")
    layer = L.BatchNormalization()
    layer(x)
    layer.set_weights([np.full(3, 2.0, "float32"), np.full(3, 0.5, "float32"),
                       np.full(3, 1.0, "float32"), np.full(3, 4.0, "float32")])
    expected = (x - 1.0) / np.sqrt(4.0 + 1e-3) * 2.0 + 0.5
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5)
    layer.trainable = False
    np.testing.assert_allclose(np.asarray(layer(x, training=True)), expected, rtol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], 1.0)  # no update when frozen


def test_bn_state_is_parameters_and_buffers_in_keras_order():
    layer = L.BatchNormalization()
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == [
        f"{layer.name}/gamma:0", f"{layer.name}/beta:0", f"{layer.name}/moving_mean:0",
        f"{layer.name}/moving_variance:0"]
    assert {n for n, _ in layer.named_parameters()} == {"gamma", "beta"}
    assert {n for n, _ in layer.named_buffers()} == {"moving_mean", "moving_variance"}


def test_fit_passes_training_true_to_batch_normalization():
    model = keras.Sequential([keras.Input((3,)), L.BatchNormalization(momentum=0.0)])
    model.compile("sgd", "mse")
    x = np.random.RandomState(2).randn(8, 3).astype("float32") + 3
    model.fit(x, x, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].get_weights()[2], x.mean(axis=0), rtol=1e-5)


def test_model_get_weights_is_layer_by_layer_as_tf_keras():
    model = keras.Sequential([keras.Input((2,)), L.Dense(3), L.BatchNormalization(),
                              L.Dense(1)])
    names = [w.name.split("/")[1] for w in model.weights]
    assert names == ["kernel:0", "bias:0", "gamma:0", "beta:0", "moving_mean:0",
                     "moving_variance:0", "kernel:0", "bias:0"]


def test_layer_and_group_normalization_values():
    x = np.random.RandomState(3).randn(2, 3, 4).astype("float32")
    y = np.asarray(L.LayerNormalization(axis=[1, 2])(x))
    mean, var = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    g = np.asarray(L.GroupNormalization(groups=2)(x)).reshape(2, 3, 2, 2)
    grouped = x.reshape(2, 3, 2, 2)
    mean, var = grouped.mean(axis=(1, 3), keepdims=True), grouped.var(axis=(1, 3), keepdims=True)
    np.testing.assert_allclose(g, (grouped - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    u = np.asarray(L.UnitNormalization()(x))
    np.testing.assert_allclose(np.linalg.norm(u, axis=-1), 1.0, rtol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match="Invalid value for `axis` argument"):
        L.BatchNormalization(axis=3)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"Number of groups \(4\) cannot be more than"):
        L.GroupNormalization(groups=4)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="must be a multiple"):
        L.GroupNormalization(groups=2)(np.zeros((2, 3), "float32"))


def test_rms_normalization_layer_test_and_formula():
    layer_test(keras.layers.RMSNormalization, {"axis": -1}, input_shape=(2, 5, 4),
               expected_output_shape=(None, 5, 4), expected_weight_shapes=[(4,)])
    x = np.random.RandomState(1).rand(3, 4).astype("float32")
    out = np.asarray(keras.layers.RMSNormalization(epsilon=1e-3)(x))
    expected = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    with pytest.raises(ValueError, match="Axis 3 is out of bounds for input shape"):
        keras.layers.RMSNormalization(axis=3).compute_output_shape((2, 4))
