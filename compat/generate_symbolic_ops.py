"""Record functional models built from operators and ``tf``/``keras.ops`` calls on symbolic
tensors, in real Keras files, with their predictions: ``compat/fixtures/symbolic_ops*``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_symbolic_ops.py

* ``symbolic_ops_k2.h5``: tf_keras 2.21 (Keras 2), whose ``x * 2 + 1``, ``2 * x``,
  ``1 - y``, ``tf.concat``, ``c[:, 1:5]``, ``tf.reduce_mean(axis=1)``, ``tf.cast(x > 0)``
  are ``TFOpLambda``/``SlicingOpLambda`` layers.
* ``symbolic_ops_k3.keras``: Keras 3.15 (TF backend), whose ``x + y``,
  ``ops.concatenate``, ``z[:, 1:5]`` are operation nodes of the functional config.
* ``symbolic_ops.npz``: the inputs, both models' predictions, and (meta) the Keras 2 layer
  names of those models and of an all-operators model.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np
import tensorflow as tf
import tf_keras
import keras as keras3

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(7)
X = rng.uniform(-1, 1, size=(5, 4)).astype("float32")
Y = rng.uniform(0.5, 1.5, size=(5, 4)).astype("float32")


def _seeded_weights(model) -> None:
    model.set_weights([rng.uniform(-0.5, 0.5, size=w.shape).astype("float32")
                       for w in model.get_weights()])


def keras2_model():
    x = tf_keras.Input(shape=(4,), name="x")
    y = tf_keras.Input(shape=(4,), name="y")
    h = x * 2 + 1
    c = tf.concat([h, 1 - y, 2 * x], axis=1)            # (batch, 12)
    s = c[:, 1:5]                                          # (batch, 4)
    d = tf_keras.layers.Dense(3, name="dense")(s)
    mean = tf.reduce_mean(tf.stack([d, -d * d], axis=1), axis=1)
    sign = tf.cast(x > 0, tf.float32)
    out = tf.concat([mean, sign[..., 0:2], tf.math.abs(y) ** 2], axis=-1)
    return tf_keras.Model([x, y], out)


def keras3_model():
    ops = keras3.ops
    x = keras3.Input(shape=(4,), name="x")
    y = keras3.Input(shape=(4,), name="y")
    z = ops.concatenate([x + y, x * 2], axis=1)            # (batch, 8)
    s = z[:, 1:5]
    d = keras3.layers.Dense(3, name="dense")(s)
    return keras3.Model([x, y], ops.concatenate([d, y[:, :2]], axis=-1))


def operators_model():
    x = tf_keras.Input(shape=(3,))
    y = tf_keras.Input(shape=(3,))
    outs = [x * 2, x + y, 2 * x, -x, x / 2, x ** 2, x[:, 0], tf.concat([x, y], axis=1),
            tf.math.log(x), tf.reduce_sum(x, axis=1), tf.cast(x, tf.int32), x - y, x // 2,
            x % 2, abs(x), x > y, x <= 1.0, tf.reshape(x, (-1, 3, 1)), tf.expand_dims(x, -1),
            x[..., None], x[:, 1:], 1 - x, tf.matmul(x, tf.ones((3, 2)))]
    return tf_keras.Model([x, y], outs)


def main() -> None:
    tf_keras.backend.clear_session()  # layer names count from a fresh session
    m2 = keras2_model()
    _seeded_weights(m2)
    m2.save(os.path.join(FIXTURES, "symbolic_ops_k2.h5"))
    m3 = keras3_model()
    _seeded_weights(m3)
    m3.save(os.path.join(FIXTURES, "symbolic_ops_k3.keras"))
    names2 = [layer.name for layer in m2.layers]
    classes2 = [type(layer).__name__ for layer in m2.layers]
    tf_keras.backend.clear_session()
    meta = {"k2_layers": names2, "k2_classes": classes2,
            "operator_layers": [layer.name for layer in operators_model().layers],
            "tf": tf.__version__, "tf_keras": tf_keras.__version__,
            "keras3": keras3.__version__}
    save_npz(os.path.join(FIXTURES, "symbolic_ops.npz"),
             {"x": X, "y": Y, "k2_out": m2.predict([X, Y], verbose=0),
              "k3_out": np.asarray(m3.predict([X, Y], verbose=0)),
              "meta": np.array(json.dumps(meta))})
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
