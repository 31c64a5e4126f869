"""Keras 3 layer idioms: ``add_weight(shape, initializer, dtype, trainable)`` positionally or by
keyword in any order, weights made in ``__init__``, ``build`` given a list of shapes,
``self.built = True``, layers held in list attributes."""
import numpy as np
import torch

import torchkeras as keras


class Keras3Weights(keras.layers.Layer):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.scale = self.add_weight(shape=(units,), initializer="ones", trainable=False,
                                     name="scale")  # made in __init__

    def build(self, input_shape):
        self.kernel = self.add_weight((input_shape[-1], 2), "ones", "float32", True)
        self.bias = self.add_weight(initializer="zeros", name="bias", shape=(2,))

    def call(self, x):
        return (x @ self.kernel + self.bias) * self.scale


class PairSum(keras.layers.Layer):
    def build(self, input_shape):
        first, second = input_shape  # a list of shape tuples
        self.kernel = self.add_weight(shape=(first[-1] + second[-1], 1), initializer="ones")
        self.built = True

    def call(self, inputs):
        return torch.cat(inputs, dim=-1) @ self.kernel


class Stack(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [keras.layers.Dense(4), keras.layers.Dense(1)]

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x


def test_add_weight_in_keras3_order_and_in_init():
    layer = Keras3Weights()
    out = layer(torch.ones(1, 3))
    np.testing.assert_allclose(out.detach().numpy(), [[3.0, 3.0]])
    shapes = {w.name.split("/")[-1]: (w.shape, w.trainable) for w in layer.weights}
    assert shapes["scale:0"] == ((2,), False) and shapes["bias:0"] == ((2,), True)
    assert sorted(s for s, _ in shapes.values()) == [(2,), (2,), (3, 2)]


def test_build_receives_a_list_of_shapes_and_built_can_be_set():
    layer = PairSum()
    out = layer([torch.ones(2, 3), torch.ones(2, 2)])
    assert layer.built and tuple(out.shape) == (2, 1) and float(out[0, 0]) == 5.0
    inputs = [keras.Input((3,)), keras.Input((2,))]
    assert tuple(PairSum()(inputs).shape) == (None, 1)


def test_layers_in_a_list_attribute_are_tracked_and_trained():
    model = Stack()
    model(np.zeros((1, 3), "float32"))
    assert len(model.trainable_weights) == 4 and len(model.layers) == 2
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), verbose=0)
    assert not np.array_equal(before, model.get_weights()[0])
    model.blocks = [keras.layers.Dense(2)]  # reassigning replaces the tracked layers
    model.blocks[0](torch.zeros(1, 3))
    assert len(model.trainable_weights) == 2


class TwoArgBuild(keras.layers.Layer):
    def build(self, input_shape, init):
        self.w = self.add_weight(shape=(input_shape[-1], 2), initializer=init)
        self.init = init

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)


def test_build_called_directly_marks_the_layer_built():
    layer = TwoArgBuild()
    layer.build((3,), "ones")
    assert layer.built
    out = keras.Sequential([layer])(np.ones((2, 3), "float32"))  # not rebuilt
    np.testing.assert_allclose(out.detach().numpy(), np.full((2, 2), 3.0))


def test_default_build_config_rebuilds_from_the_input_shape():
    layer = keras.layers.Dense(4)
    assert layer.get_build_config() is None
    layer.build((None, 3))
    config = layer.get_build_config()
    assert tuple(config["input_shape"]) == (None, 3)
    again = keras.layers.Dense(4)
    again.build_from_config(config)
    assert again.built and tuple(again.kernel.shape) == (3, 4)


def test_probe_keeps_a_batch_size_every_input_gives():
    class NoShapeMethod(keras.layers.Layer):
        def call(self, inputs):
            return inputs[:, :1] * 2

    fixed = NoShapeMethod()(keras.Input(batch_shape=(16, 5)))
    free = NoShapeMethod()(keras.Input(shape=(5,)))
    assert tuple(fixed.shape) == (16, 1) and tuple(free.shape) == (None, 1)
