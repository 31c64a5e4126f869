"""keras.Variable (Keras 3) and what Layer.add_weight returns."""
import copy
import pickle

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import ops
from torchkeras.backend.variable import Variable


def test_variable_from_value_and_initializer():
    v = keras.Variable(np.ones((2, 3)), name="v")
    assert v.name == "v" and v.path == "v" and v.trainable
    assert v.dtype == torch.float32 and tuple(v.shape) == (2, 3)  # float64 value -> floatx
    z = keras.Variable("zeros", shape=(4,), dtype="int32", trainable=False)
    assert z.dtype == torch.int32 and not z.trainable and not z.requires_grad
    g = keras.Variable(keras.initializers.Constant(2.0), shape=(2,))
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0])
    with pytest.raises(ValueError, match="`shape` argument should be specified"):
        keras.Variable("zeros")
    with pytest.raises(ValueError, match="has shape \\(2,\\), but the variable's `shape` is"):
        keras.Variable(np.zeros(2), shape=(3,))


def test_assign_family_and_numpy():
    v = keras.Variable(np.array([1.0, 2.0], "float32"))
    assert v.assign([5.0, 6.0]) is v
    v.assign_add(np.ones(2, "float32"))
    v.assign_sub(0.5)
    np.testing.assert_allclose(v.numpy(), [5.5, 6.5])
    with pytest.raises(ValueError, match="must match"):
        v.assign(np.zeros(3))


def test_works_in_ops_arithmetic_and_autograd():
    v = keras.Variable(np.array([1.0, 2.0], "float32"))
    out = ops.sum(ops.square(v)) + (v * 2).sum()
    assert type(out) is torch.Tensor  # results are plain tensors
    out.backward()
    np.testing.assert_allclose(v.grad.numpy(), [4.0, 6.0])
    assert isinstance(v, torch.nn.Parameter)  # trainable: a Parameter (optimizers see it)
    assert not isinstance(keras.Variable(1.0, trainable=False), torch.nn.Parameter)


def test_deepcopy_and_pickle_keep_the_variable():
    v = keras.Variable(np.arange(3.0, dtype="float32"), name="w", trainable=False)
    for other in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert isinstance(other, Variable) and other.name == "w" and not other.trainable
        np.testing.assert_array_equal(other.numpy(), v.numpy())


class Counter(keras.layers.Layer):
    """A Keras 3-style custom layer: add_weight with keyword arguments, assign in call."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="w")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                     name="count")

    def call(self, x):
        self.count.assign_add(1.0)
        return ops.matmul(x, self.w)


def test_add_weight_returns_a_variable():
    layer = Counter(name="counter")
    layer(np.ones((2, 3), "float32"))
    assert isinstance(layer.w, Variable) and isinstance(layer.count, Variable)
    assert layer.w.path == "counter/w" and layer.w.trainable and not layer.count.trainable
    assert float(layer.count.numpy()) == 1.0
    assert [w.name for w in layer.trainable_weights] == ["counter/w:0"]  # Keras 2 names
    assert layer.weights == [layer.w, layer.count]  # the views equal the variables
    assert layer.weights != [layer.count, layer.w]
    model = keras.Sequential([keras.Input((3,)), Counter()])
    model.compile("sgd", "mse")
    before, calls = model.layers[0].w.numpy().copy(), float(model.layers[0].count.numpy())
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=2, verbose=0)
    assert not np.allclose(model.layers[0].w.numpy(), before)  # the optimizer updated it
    assert float(model.layers[0].count.numpy()) == calls + 2  # one call per training step


def test_layout_weights_show_keras_layout():
    conv = keras.layers.Conv2D(4, 3)
    conv.build((None, 8, 8, 2))
    storage = [v for v in conv.parameters() if v.ndim == 4][0]
    assert isinstance(storage, Variable) and tuple(storage.value.shape) == (3, 3, 2, 4)
    storage.assign(np.ones((3, 3, 2, 4), "float32"))
    np.testing.assert_array_equal(conv.get_weights()[0], np.ones((3, 3, 2, 4)))
