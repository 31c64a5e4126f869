"""Record what real tf_keras (Keras 2) gives for models fed ``tf.SparseTensor`` inputs into
``compat/fixtures/sparse_inputs.json``: forward outputs (``model(sp)``, ``predict``) with
fixed weights, short SGD fits (on a SparseTensor ``x`` batched by ``batch_size``, and on a
``tf.data`` dataset of SparseTensor elements) with their loss history and final weights, and
Keras's error texts for mismatched sparse inputs. Keras 3 (``import keras``, TF backend) is
recorded for the layers Keras 2 refuses a sparse input to (``k3_*``). It also runs the
drop-in program ``tests/tutorials/sparse_input_models.py`` with TF (``tf.keras`` = tf_keras)
and keeps its printed ``key value`` lines (``"tutorial"``), which
tests/tutorials/test_sparse_input_models.py compares with its output under torchkeras.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_sparse_inputs.py

Deterministic: weights and data from ``numpy.random.RandomState``, set with ``set_weights``;
``shuffle=False``; SGD (no randomness).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "sparse_inputs.json")

rng = np.random.RandomState(23)


def _sparse_data(rows: int, cols: int, density: float) -> Dict[str, Any]:
    """Row-major indices (as tf.sparse ops expect) with some empty rows."""
    mask = rng.uniform(size=(rows, cols)) < density
    mask[2] = False  # an empty row
    indices = np.argwhere(mask).astype("int64")
    values = rng.uniform(-2, 2, size=len(indices)).round(3).astype("float32")
    return {"indices": indices.tolist(), "values": values.tolist(), "dense_shape": [rows, cols]}


def _sp(data: Dict[str, Any], dtype: str = "float32") -> tf.SparseTensor:
    return tf.SparseTensor(data["indices"], np.asarray(data["values"], dtype), data["dense_shape"])


def _weights(model: Any) -> List[np.ndarray]:
    return [rng.uniform(-0.5, 0.5, size=w.shape).round(4).astype("float32")
            for w in model.get_weights()]


def _lists(arrays: List[Any]) -> List[Any]:
    return [np.asarray(a, dtype="float64").tolist() for a in arrays]


X = _sparse_data(10, 6, 0.3)
Y = rng.uniform(-1, 1, size=(10, 2)).round(3).astype("float32")
X_DENSE2 = rng.uniform(-1, 1, size=(10, 2)).round(3).astype("float32")
GUIDE = {"indices": [[0, 0], [0, 1], [0, 2], [4, 3], [5, 0], [5, 1]],
         "values": [1, 1, 1, 1, 1, 1], "dense_shape": [6, 4]}


def _mlp(keras: Any, sparse: bool = True) -> Any:
    x = keras.Input(shape=(6,), sparse=sparse)
    h = keras.layers.Dense(3, activation="relu")(x)
    return keras.Model(x, keras.layers.Dense(2)(h))


def _two_inputs(keras: Any) -> Any:
    a = keras.Input(shape=(6,), sparse=True, name="sparse_in")
    b = keras.Input(shape=(2,), name="dense_in")
    h = keras.layers.concatenate([keras.layers.Dense(3, activation="tanh")(a), b])
    return keras.Model([a, b], keras.layers.Dense(2)(h))


def _fit(model: Any, x: Any, y: Any, **kwargs: Any) -> Dict[str, Any]:
    model.compile(tf_keras.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, verbose=0, shuffle=False, **kwargs)
    return {"loss": history.history["loss"], "weights": _lists(model.get_weights())}


def record() -> Dict[str, Any]:
    out: Dict[str, Any] = {"x": X, "y": Y.tolist(), "x_dense2": X_DENSE2.tolist(),
                           "guide": GUIDE}
    keras = tf_keras

    model = _mlp(keras)
    w = _weights(model)
    model.set_weights(w)
    out["mlp"] = {"weights": _lists(w), "call": model(_sp(X)).numpy().tolist(),
                  "predict": model.predict(_sp(X), batch_size=4, verbose=0).tolist()}

    guide = keras.Model(*(lambda i: (i, keras.layers.Dense(4)(i)))(
        keras.Input(shape=(4,), sparse=True)))
    gw = _weights(guide)
    guide.set_weights(gw)
    out["guide_model"] = {"weights": _lists(gw),
                          "call": guide(_sp(GUIDE, "int32")).numpy().tolist(),
                          "predict": guide.predict(_sp(GUIDE, "int32"), verbose=0).tolist()}

    dense_in = _mlp(keras, sparse=False)
    dense_in.set_weights(w)
    out["dense_input"] = {"call": dense_in(_sp(X)).numpy().tolist(),
                          "predict": dense_in.predict(_sp(X), verbose=0).tolist()}

    seq = keras.Sequential([keras.Input(shape=(6,), sparse=True), keras.layers.Dense(3),
                            keras.layers.Activation("tanh")])
    sw = _weights(seq)
    seq.set_weights(sw)
    out["sequential"] = {"weights": _lists(sw), "call": seq(_sp(X)).numpy().tolist()}

    model = _mlp(keras)
    model.set_weights(w)
    out["fit_arrays"] = _fit(model, _sp(X), Y, batch_size=4, epochs=3)
    out["fit_arrays"]["evaluate"] = model.evaluate(_sp(X), Y, batch_size=4, verbose=0)

    model = _mlp(keras)
    model.set_weights(w)
    dataset = tf.data.Dataset.from_tensor_slices((_sp(X), Y)).batch(4)
    out["fit_dataset"] = _fit(model, dataset, None, epochs=2)

    two = _two_inputs(keras)
    tw = _weights(two)
    two.set_weights(tw)
    out["two_inputs"] = {"init_weights": _lists(tw),
                         "call": two([_sp(X), X_DENSE2]).numpy().tolist()}
    out["two_inputs"].update(_fit(two, [_sp(X), X_DENSE2], Y, batch_size=5, epochs=2))

    errors = {}
    model = _mlp(keras)
    for case, data in (("width", {"indices": [[0, 0]], "values": [1.0],
                                  "dense_shape": [2, 5]}),
                       ("rank", {"indices": [[0, 0, 0]], "values": [1.0],
                                 "dense_shape": [2, 6, 3]})):
        try:
            model(_sp(data))
        except ValueError as error:  # Keras's core line, without the call-context wrapper
            errors[case] = [line for line in str(error).splitlines()
                            if line.startswith("Input 0 of layer")][0]
    out["errors"] = errors

    # Keras 3: layers without sparse support take the densified input (Keras 2 refuses).
    import keras as keras3  # Keras 3 on the TF backend
    x = keras3.Input(shape=(6,), sparse=True)
    k3 = keras3.Model(x, keras3.layers.Dense(2)(keras3.layers.Activation("tanh")(x)))
    k3w = _weights(k3)
    k3.set_weights(k3w)
    out["k3_activation_first"] = {"weights": _lists(k3w), "call": np.asarray(
        k3(_sp(X))).tolist()}
    return out


def tutorial_lines() -> Dict[str, str]:
    program = os.path.join(os.path.dirname(HERE), "tests", "tutorials",
                           "sparse_input_models.py")
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1")
    printed = subprocess.run([sys.executable, program], capture_output=True, text=True,
                             check=True, env=env).stdout
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in printed.splitlines()
            if " " in line}


def main() -> None:
    out = record()
    out["tutorial"] = tutorial_lines()
    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
