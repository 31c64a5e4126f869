"""Functional models with operators and ``tf``/``keras.ops`` calls on symbolic tensors,
against real Keras (``symbolic_ops*`` fixtures, written by ``generate_symbolic_ops.py``):
a tf_keras 2.21 ``.h5`` with ``TFOpLambda``/``SlicingOpLambda`` layers and a Keras 3.15
``.keras`` with operation nodes load and predict what Keras predicted; the same models
built here get Keras 2's layer names and classes, in Keras 2's order.

Tolerance: 1e-5 absolute (float32 sums of a few products of values ~1).
"""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.compat import tf_namespace
from compat_case import FIXTURES, assert_close, load_case

ARRAYS, META = load_case("symbolic_ops")


@pytest.fixture(scope="module")
def tf():
    return tf_namespace.build_tensorflow(keras)


def _keras2_model(tf):
    x = keras.Input(shape=(4,), name="x")
    y = keras.Input(shape=(4,), name="y")
    h = x * 2 + 1
    c = tf.concat([h, 1 - y, 2 * x], axis=1)
    s = c[:, 1:5]
    d = keras.layers.Dense(3, name="dense")(s)
    mean = tf.reduce_mean(tf.stack([d, -d * d], axis=1), axis=1)
    sign = tf.cast(x > 0, tf.float32)
    out = tf.concat([mean, sign[..., 0:2], tf.math.abs(y) ** 2], axis=-1)
    return keras.Model([x, y], out)


def _operators_model(tf):
    x = keras.Input(shape=(3,))
    y = keras.Input(shape=(3,))
    outs = [x * 2, x + y, 2 * x, -x, x / 2, x ** 2, x[:, 0], tf.concat([x, y], axis=1),
            tf.math.log(x), tf.reduce_sum(x, axis=1), tf.cast(x, tf.int32), x - y, x // 2,
            x % 2, abs(x), x > y, x <= 1.0, tf.reshape(x, (-1, 3, 1)), tf.expand_dims(x, -1),
            x[..., None], x[:, 1:], 1 - x, tf.matmul(x, tf.ones((3, 2)))]
    return keras.Model([x, y], outs)


def test_keras2_h5_loads_and_predicts():
    model = keras.models.load_model(str(FIXTURES / "symbolic_ops_k2.h5"))
    assert [layer.name for layer in model.layers] == META["k2_layers"]
    assert [type(layer).__name__ for layer in model.layers] == META["k2_classes"]
    assert_close(model.predict([ARRAYS["x"], ARRAYS["y"]], verbose=0), ARRAYS["k2_out"],
                 "keras2 h5 predict", rtol=0, atol=1e-5)


def test_keras3_keras_file_loads_and_predicts():
    model = keras.models.load_model(str(FIXTURES / "symbolic_ops_k3.keras"))
    assert_close(model.predict([ARRAYS["x"], ARRAYS["y"]], verbose=0), ARRAYS["k3_out"],
                 "keras3 .keras predict", rtol=0, atol=1e-5)


def test_keras2_layer_names_and_order(tf):
    keras.backend.clear_session()
    model = _keras2_model(tf)
    assert [layer.name for layer in model.layers] == META["k2_layers"]
    assert [type(layer).__name__ for layer in model.layers] == META["k2_classes"]
    keras.backend.clear_session()
    assert [layer.name for layer in _operators_model(tf).layers] == META["operator_layers"]


def test_built_model_with_keras2_weights_predicts_the_same(tf):
    reference = keras.models.load_model(str(FIXTURES / "symbolic_ops_k2.h5"))
    model = _keras2_model(tf)
    model.set_weights(reference.get_weights())
    assert_close(model.predict([ARRAYS["x"], ARRAYS["y"]], verbose=0), ARRAYS["k2_out"],
                 "built model predict", rtol=0, atol=1e-5)
