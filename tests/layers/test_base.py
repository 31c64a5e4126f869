"""The Layer contract: custom layers written Keras-style."""
import numpy as np
import pytest
import torch

import torchkeras as keras


class Linear(keras.layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                     name="calls")

    def call(self, inputs):
        return inputs @ self.w + self.b

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config


def test_custom_layer_builds_lazily_with_keras_weights():
    layer = Linear(3)
    assert not layer.built
    out = layer(np.ones((2, 5)))
    assert layer.built and tuple(out.shape) == (2, 3)
    assert [w.name for w in layer.weights] == ["linear/w:0", "linear/b:0", "linear/calls:0"]
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 1
    # torch view: trainable weights are Parameters, non-trainable ones buffers.
    assert {n for n, _ in layer.named_parameters()} == {"w", "b"}
    assert {n for n, _ in layer.named_buffers()} == {"calls"}


def test_keras3_positional_shape_in_add_weight():
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.s = self.add_weight((input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.s

    out = Scale()(np.full((1, 3), 2.0))
    np.testing.assert_array_equal(np.asarray(out), [[2.0, 2.0, 2.0]])


def test_input_shape_kwargs_set_batch_input_shape():
    assert keras.layers.Dense(2, input_shape=(3,))._batch_input_shape == (None, 3)
    assert keras.layers.Dense(2, input_dim=3)._batch_input_shape == (None, 3)
    assert keras.layers.Dense(2, batch_input_shape=(8, 3))._batch_input_shape == (8, 3)
    assert keras.layers.Dense(2, input_shape=(3,), batch_size=4)._batch_input_shape == (4, 3)


def test_count_params_before_build_explains():
    with pytest.raises(ValueError, match="isn't built"):
        Linear().count_params()


def test_trainable_flag_controls_requires_grad():
    layer = Linear(2)
    layer(np.ones((1, 2)))
    layer.trainable = False
    assert not layer.w.requires_grad and layer.trainable_weights == []
    layer.trainable = True
    assert layer.w.requires_grad


def test_weights_kwarg_sets_initial_weights():
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    layer = keras.layers.Dense(2, weights=[kernel, np.ones(2, dtype="float32")])
    layer(np.zeros((1, 3)))  # applied when the layer builds itself, as in Keras
    np.testing.assert_array_equal(layer.get_weights()[0], kernel)


def test_keras_variable_view():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    kernel = layer.weights[0]
    assert kernel.shape == (3, 2) and kernel.dtype == "float32"
    kernel.assign(np.ones((3, 2)))
    np.testing.assert_array_equal(np.asarray(kernel), np.ones((3, 2)))
    assert "dense/kernel:0" in repr(kernel)
    with pytest.raises(ValueError, match="Cannot assign value of shape"):
        kernel.assign(np.ones((2, 3)))


def test_regularizer_losses_property():
    layer = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.l1(0.1),
                               kernel_initializer="ones")
    layer.build((None, 3))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(layer.losses[0].detach().item(), 0.1 * 6, rtol=1e-6)


def test_layer_is_a_torch_module():
    layer = keras.layers.Dense(3)
    layer.build((None, 2))
    assert isinstance(layer, torch.nn.Module)
    assert sorted(layer.state_dict()) == ["bias", "kernel"]
    out = layer(torch.ones(1, 2, requires_grad=True))
    assert out.requires_grad


def test_numpy_call_returns_eager_tensor_that_converts_and_chains_without_graph():
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    out = layer(np.ones((1, 3)))
    np.testing.assert_array_equal(out.numpy(), [[3.0, 3.0]])
    np.testing.assert_array_equal(np.asarray(out), [[3.0, 3.0]])
    assert repr(out).startswith("tensor(")
    chained = keras.layers.Dense(1)(out)
    assert not chained.requires_grad
    assert type(out + 1) is torch.Tensor  # ordinary tensors from operations
