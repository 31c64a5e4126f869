"""Models that start with strings: ``Input(dtype="string")`` then TextVectorization or
StringLookup. NumPy strings stay on the host until those layers turn them into tensors
(engine/data.py keeps them as arrays; Layer/Model calls pass them through)."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import data

TEXTS = np.array(["good movie great", "bad movie awful", "great fun", "awful boring bad"] * 4)
LABELS = np.array([1, 0, 1, 0] * 4)


def _model(input_shape=(1,)):
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=input_shape, dtype="string")
    x = keras.layers.Embedding(20, 4)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def test_string_input_tensor():
    inputs = keras.Input(shape=(1,), dtype="string")
    assert inputs.dtype == "string"
    assert keras.Input(shape=(), dtype=data.string).dtype == "string"  # tf.string
    assert keras.Model(inputs, inputs).get_config()["layers"][0]["config"]["dtype"] == "string"


def test_fit_evaluate_predict_on_numpy_strings():
    model = _model()
    history = model.fit(TEXTS[:, None], LABELS, epochs=2, batch_size=4, shuffle=True,
                        validation_split=0.25, verbose=0)
    assert len(history.history["val_loss"]) == 2
    loss, accuracy = model.evaluate(TEXTS[:, None], LABELS, verbose=0)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    column = model.predict(TEXTS[:, None], verbose=0)
    # rank-1 strings and lists of str reach a (None, 1) input as a column (tf-keras)
    np.testing.assert_allclose(model.predict(TEXTS, verbose=0), column, rtol=1e-6)
    np.testing.assert_allclose(model.predict(list(TEXTS[:2]), verbose=0), column[:2],
                               rtol=1e-6)
    single = model.predict(np.array(["good movie"]), verbose=0)
    assert single.shape == (1, 1)
    np.testing.assert_allclose(np.asarray(model(np.array([["good movie"]]))), single,
                               rtol=1e-6)


def test_fit_on_a_string_dataset():
    model = _model(input_shape=())
    ds = data.Dataset.from_tensor_slices((TEXTS, LABELS)).shuffle(16).batch(4)
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
    assert model.predict(np.array(["good", "bad"]), verbose=0).shape == (2, 1)


def test_sequential_starting_with_text_vectorization():
    model = keras.Sequential([
        keras.layers.TextVectorization(max_tokens=20, output_sequence_length=5,
                                       vocabulary=["good", "bad", "great", "awful"]),
        keras.layers.Embedding(20, 4), keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(TEXTS, LABELS, epochs=1, verbose=0)
    assert model.inputs[0].dtype == "string"
    assert model.predict(np.array(["good stuff"]), verbose=0).shape == (1, 1)


def test_numeric_model_still_rejects_strings():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="Failed to convert a NumPy array to a Tensor"):
        model.fit(np.array([["a"] * 4] * 8), np.zeros(8), verbose=0)


@pytest.mark.parametrize("suffix", [".keras", ".h5", "json"])
def test_save_and_load_keep_the_adapted_vocabulary(tmp_path, suffix):
    model = _model()
    expected = model.predict(TEXTS, verbose=0)
    if suffix == "json":
        loaded = keras.models.model_from_json(model.to_json())
        loaded.set_weights(model.get_weights())
    else:
        path = os.path.join(tmp_path, "model" + suffix)
        model.save(path)
        loaded = keras.models.load_model(path)
    assert loaded.layers[1].get_vocabulary() == model.layers[1].get_vocabulary()
    np.testing.assert_allclose(loaded.predict(TEXTS, verbose=0), expected, rtol=1e-6)


def test_keras_file_keeps_tf_idf_weights(tmp_path):
    vectorize = keras.layers.TextVectorization(output_mode="tf_idf")
    vectorize.adapt(TEXTS)
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, keras.layers.Dense(1)(vectorize(inputs)))
    path = os.path.join(tmp_path, "tfidf.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.layers[1].idf_weights, vectorize.idf_weights)
    np.testing.assert_allclose(loaded.predict(TEXTS, verbose=0),
                               model.predict(TEXTS, verbose=0), rtol=1e-6)


def test_dict_of_string_and_numeric_inputs_matched_by_name():
    vectorize = keras.layers.TextVectorization(output_sequence_length=5)
    vectorize.adapt(TEXTS)
    text = keras.Input(shape=(1,), dtype="string", name="text")  # sorts after "num"
    num = keras.Input(shape=(2,), name="num")
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(vectorize(text)))
    model = keras.Model([text, num], keras.layers.Dense(1)(keras.layers.Concatenate()([x, num])))
    model.compile("adam", "mse")
    numbers = np.ones((16, 2), "float32")
    model.fit({"text": TEXTS, "num": numbers}, LABELS, epochs=1, verbose=0)
    by_name = model.predict({"text": TEXTS[:3], "num": numbers[:3]}, verbose=0)
    by_position = model.predict([TEXTS[:3], numbers[:3]], verbose=0)
    np.testing.assert_allclose(by_name, by_position, rtol=1e-6)
    ds = data.Dataset.from_tensor_slices(({"text": TEXTS, "num": numbers}, LABELS)).batch(4)
    assert np.isfinite(model.fit(ds, epochs=1, verbose=0).history["loss"][0])


# ---- user Layer subclasses first: strings reach their `call` (tf_keras lets any layer take
# string tensors), and a Sequential builds on a string Input for string data
class _Tokens(keras.layers.Layer):
    """Words to ids (hash of each word mod 50, padded with 0), dense ``(batch, 4)``."""

    def call(self, text):
        rows = [[1 + sum(map(ord, w)) % 49 for w in str(t).split()][:4]
                for t in np.asarray(text).reshape(-1).tolist()]
        return torch.tensor([r + [0] * (4 - len(r)) for r in rows], dtype=torch.int64)


def _token_model():
    model = keras.Sequential([_Tokens(), keras.layers.Embedding(50, 4, mask_zero=True),
                              keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    return model


def test_sequential_first_call_on_strings_builds_a_string_input():
    model = _token_model()
    assert model(np.array(["good movie", "bad"])).shape == (2, 1)
    assert model.inputs[0].dtype == "string"
    assert tuple(model.inputs[0].shape) == (None,)
    assert model.layers[0].output.dtype == "int64"  # the probe ran the layer on strings


def test_sequential_of_user_layer_first_called_on_numbers_stays_numeric():
    class Double(keras.layers.Layer):
        def call(self, x):
            return x * 2

    model = keras.Sequential([Double(), keras.layers.Dense(1)])
    model(np.ones((2, 3)))
    assert model.inputs[0].dtype == "float32"


@pytest.mark.parametrize("form", ["numpy", "list"])
def test_fit_predict_evaluate_on_string_x_through_a_user_layer(form):
    model = _token_model()
    x = TEXTS if form == "numpy" else TEXTS.tolist()
    history = model.fit(x, LABELS, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    assert model.predict(x[:3], verbose=0).shape == (3, 1)
    assert np.isfinite(model.evaluate(x, LABELS, verbose=0))


def test_fit_on_a_string_dataset_through_a_user_layer():
    model = _token_model()
    ds = data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(4)
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_functional_model_with_user_layer_on_string_input():
    inputs = keras.Input(shape=(), dtype="string")
    ids = _Tokens()(inputs)
    assert ids.dtype == "int64" and tuple(ids.shape) == (None, 4)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Embedding(50, 2)(ids)))
    assert model.predict(TEXTS[:5], verbose=0).shape == (5, 4, 1)


def test_sequential_of_builtin_layers_still_rejects_strings():
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Failed to convert a NumPy array to a Tensor"):
        model(np.array([["a"] * 4] * 2))


def test_predict_joins_string_outputs_of_several_batches():
    class Upper(keras.layers.Layer):
        def call(self, text):
            return np.char.upper(np.asarray(text).astype(str))

    out = keras.Sequential([Upper()]).predict(np.array(["a", "b", "c"]), batch_size=2,
                                              verbose=0)
    assert out.dtype == object and out.tolist() == [b"A", b"B", b"C"]
