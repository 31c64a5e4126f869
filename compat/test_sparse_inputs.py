"""Models fed ``tf.SparseTensor`` inputs against tf_keras (``sparse_inputs.json``, written by
``generate_sparse_inputs.py``): forward outputs of ``Input(sparse=True)`` models (Dense's
sparse-dense product) and of a dense ``Input`` given a SparseTensor (densified), SGD fits on
a SparseTensor ``x`` batched by ``batch_size`` and on a dataset of SparseTensor elements
(loss history, final weights), and Keras's errors for a mismatched sparse input.

Tolerances: rtol 1e-5 / atol 1e-6 (float32 sums of a few products, as compat/README).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()

REF = json.loads((Path(__file__).resolve().parent / "fixtures" /
                  "sparse_inputs.json").read_text())
TOL = {"rtol": 1e-5, "atol": 1e-6}


def _sp(data, dtype="float32"):
    return tf.sparse.SparseTensor(data["indices"], np.asarray(data["values"], dtype),
                                  data["dense_shape"])


def _weights(lists):
    return [np.asarray(w, dtype="float32") for w in lists]


def _mlp(sparse=True):
    x = keras.Input(shape=(6,), sparse=sparse)
    h = keras.layers.Dense(3, activation="relu")(x)
    model = keras.Model(x, keras.layers.Dense(2)(h))
    model.set_weights(_weights(REF["mlp"]["weights"]))
    return model


def _fit(model, x, y, **kwargs):
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model.fit(x, y, verbose=0, shuffle=False, **kwargs)


def _close_weights(model, ref):
    for got, want in zip(model.get_weights(), ref):
        np.testing.assert_allclose(got, np.asarray(want), **TOL)


def test_sparse_input_mlp_call_and_predict():
    model = _mlp()
    np.testing.assert_allclose(np.asarray(model(_sp(REF["x"]))), REF["mlp"]["call"], **TOL)
    np.testing.assert_allclose(model.predict(_sp(REF["x"]), batch_size=4, verbose=0),
                               REF["mlp"]["predict"], **TOL)


def test_guide_model_with_integer_values():
    x = keras.Input(shape=(4,), sparse=True)
    model = keras.Model(x, keras.layers.Dense(4)(x))
    model.set_weights(_weights(REF["guide_model"]["weights"]))
    data = _sp(REF["guide"], "int32")
    np.testing.assert_allclose(np.asarray(model(data)), REF["guide_model"]["call"], **TOL)
    np.testing.assert_allclose(model.predict(data, verbose=0), REF["guide_model"]["predict"],
                               **TOL)


def test_dense_input_takes_a_densified_sparse_tensor():
    model = _mlp(sparse=False)
    np.testing.assert_allclose(np.asarray(model(_sp(REF["x"]))), REF["dense_input"]["call"],
                               **TOL)
    np.testing.assert_allclose(model.predict(_sp(REF["x"]), verbose=0),
                               REF["dense_input"]["predict"], **TOL)


def test_sequential_with_sparse_input():
    model = keras.Sequential([keras.Input(shape=(6,), sparse=True), keras.layers.Dense(3),
                              keras.layers.Activation("tanh")])
    model.set_weights(_weights(REF["sequential"]["weights"]))
    np.testing.assert_allclose(np.asarray(model(_sp(REF["x"]))), REF["sequential"]["call"],
                               **TOL)


def test_fit_on_sparse_arrays_by_batch_size():
    model = _mlp()
    history = _fit(model, _sp(REF["x"]), np.asarray(REF["y"], "float32"), batch_size=4,
                   epochs=3)
    np.testing.assert_allclose(history.history["loss"], REF["fit_arrays"]["loss"], **TOL)
    _close_weights(model, REF["fit_arrays"]["weights"])
    loss = model.evaluate(_sp(REF["x"]), np.asarray(REF["y"], "float32"), batch_size=4,
                          verbose=0)
    np.testing.assert_allclose(loss, REF["fit_arrays"]["evaluate"], **TOL)


def test_fit_on_dataset_of_sparse_elements():
    model = _mlp()
    dataset = tf.data.Dataset.from_tensor_slices(
        (_sp(REF["x"]), np.asarray(REF["y"], "float32"))).batch(4)
    history = _fit(model, dataset, None, epochs=2)
    np.testing.assert_allclose(history.history["loss"], REF["fit_dataset"]["loss"], **TOL)
    _close_weights(model, REF["fit_dataset"]["weights"])


def test_two_inputs_sparse_and_dense():
    a = keras.Input(shape=(6,), sparse=True, name="sparse_in")
    b = keras.Input(shape=(2,), name="dense_in")
    h = keras.layers.concatenate([keras.layers.Dense(3, activation="tanh")(a), b])
    model = keras.Model([a, b], keras.layers.Dense(2)(h))
    model.set_weights(_weights(REF["two_inputs"]["init_weights"]))
    x = [_sp(REF["x"]), np.asarray(REF["x_dense2"], "float32")]
    np.testing.assert_allclose(np.asarray(model(x)), REF["two_inputs"]["call"], **TOL)
    np.testing.assert_allclose(model.predict(x, batch_size=4, verbose=0),
                               REF["two_inputs"]["call"], **TOL)
    history = _fit(model, x, np.asarray(REF["y"], "float32"), batch_size=5, epochs=2)
    np.testing.assert_allclose(history.history["loss"], REF["two_inputs"]["loss"], **TOL)
    _close_weights(model, REF["two_inputs"]["weights"])


def test_keras3_densifies_for_layers_without_sparse_support():
    x = keras.Input(shape=(6,), sparse=True)
    model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Activation("tanh")(x)))
    model.set_weights(_weights(REF["k3_activation_first"]["weights"]))
    np.testing.assert_allclose(np.asarray(model(_sp(REF["x"]))),
                               REF["k3_activation_first"]["call"], **TOL)


@pytest.mark.parametrize("case,data", [
    ("width", {"indices": [[0, 0]], "values": [1.0], "dense_shape": [2, 5]}),
    ("rank", {"indices": [[0, 0, 0]], "values": [1.0], "dense_shape": [2, 6, 3]})])
def test_mismatched_sparse_input_errors(case, data):
    model = _mlp()
    names = {"model": model.name, "dense": model.layers[1].name}
    expected = re.sub(r'layer "(model|dense)_\d+"', lambda m: f'layer "{names[m.group(1)]}"',
                      REF["errors"][case])
    with pytest.raises(ValueError) as info:
        model(_sp(data))
    assert expected in str(info.value)
