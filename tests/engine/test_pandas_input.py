"""pandas DataFrames, Series and dicts of Series in fit/evaluate/predict, as tf-keras."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.engine import data
from torchkeras.graph import convert

pd = pytest.importorskip("pandas")

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 3))
Y = (X.sum(axis=1) > 0).astype("float32")


def _frame():
    return pd.DataFrame(X, columns=["a", "b", "c"]), pd.Series(Y, name="target")


def _model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("split", [0.0, 0.25])
def test_fit_dataframe_and_series_matches_numpy(split):
    df, series = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "non-writable array" warning from torch
        pandas_model = _model()
        pandas_history = pandas_model.fit(df, series, epochs=2, verbose=0, shuffle=False,
                                          validation_split=split)
    numpy_model = _model()
    numpy_history = numpy_model.fit(X, Y[:, None], epochs=2, verbose=0, shuffle=False,
                                    validation_split=split)
    assert pandas_history.history.keys() == numpy_history.history.keys()
    for key, values in numpy_history.history.items():
        np.testing.assert_allclose(pandas_history.history[key], values, rtol=1e-6)
    np.testing.assert_allclose(pandas_model.predict(df, verbose=0),
                               numpy_model.predict(X, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(pandas_model.evaluate(df, series, verbose=0),
                               numpy_model.evaluate(X, Y[:, None], verbose=0), rtol=1e-6)


def test_validation_data_of_dataframes():
    df, series = _frame()
    model = _model()
    history = model.fit(df[:48], series[:48], epochs=1, verbose=0,
                        validation_data=(df[48:], series[48:]))
    reference = _model()
    expected = reference.fit(X[:48], Y[:48, None], epochs=1, verbose=0,
                             validation_data=(X[48:], Y[48:, None]))
    np.testing.assert_allclose(history.history["val_loss"], expected.history["val_loss"],
                               rtol=1e-6)


def test_series_becomes_a_column_as_tf_keras():
    _, series = _frame()
    array = data.standardize_arrays(series)
    assert array.shape == (64, 1)


def test_dict_of_series_feeds_inputs_by_name():
    df, series = _frame()
    a = keras.Input((1,), name="a")
    b = keras.Input((1,), name="b")
    output = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")(
        keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], output)
    model.compile("sgd", "mse")
    features = dict(df[["b", "a"]])  # column order differs from the model's inputs
    np.testing.assert_allclose(model.predict(features, verbose=0)[:, 0],
                               X[:, 0] + X[:, 1], rtol=1e-6)
    model.fit(features, series, epochs=1, verbose=0)
    assert np.isfinite(model.evaluate(features, series, verbose=0))


def test_read_only_array_gives_no_warning():
    array = np.arange(6, dtype="float32").reshape(3, 2)
    array.flags.writeable = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tensor = convert.to_tensor(array, torch.device("cpu"))
        labels = convert.to_tensor(np.arange(3).copy(), torch.device("cpu"))
        model = _model()
        model.fit(np.concatenate([array, array[:, :1]], axis=1), array[:, :1], verbose=0)
    assert not [w for w in caught if "not writable" in str(w.message)]
    assert tensor.data_ptr() == array.ctypes.data  # no copy
    assert labels.dtype == torch.int64


def test_pandas_not_imported_for_numpy_input():
    script = ("import sys, numpy as np, torchkeras as keras\n"
              "m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])\n"
              "m.compile('sgd', 'mse'); m.fit(np.zeros((4, 3)), np.zeros(4), verbose=0)\n"
              "m.predict(np.zeros((4, 3)), verbose=0)\n"
              "print('pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
