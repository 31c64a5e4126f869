"""User Layer subclasses on strings against tf_keras (``string_layers.json``, written by
``generate_string_layers.py``): a tokenizer Layer (``tf.strings``) and a ``tf.lookup`` table
Layer called on NumPy/list/``tf.constant`` strings and on a RaggedTensor, in a ``Sequential``
built by its first call on strings (``predict`` of string outputs), in a functional model on
a string ``Input`` (the KerasTensors' dtypes and shapes, ``predict``), and ``tf.reshape`` of
a RaggedTensor of strings (its flat values) with TF's errors. Exact comparisons (strings and
integer ids)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()

REF = json.loads((Path(__file__).resolve().parent / "fixtures" /
                  "string_layers.json").read_text())
KEYS = ["", "a", "b", "c"]
TEXT = ["A b", "c D e", "z"]


class Tokenizer(keras.layers.Layer):
    def call(self, text):
        return tf.strings.split(tf.strings.lower(text))


class Padded(keras.layers.Layer):
    def call(self, text):
        return tf.strings.split(tf.strings.lower(text)).to_tensor()


class Lookup(keras.layers.Layer):
    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.table = table

    def call(self, tokens):
        return self.table.lookup(tokens)


class Upper(keras.layers.Layer):
    def call(self, text, training=None):
        return tf.strings.upper(text)


class Identity(keras.layers.Layer):
    def call(self, x):
        return x


def _table():
    return tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        KEYS, tf.range(len(KEYS), dtype=tf.int64), key_dtype=tf.string,
        value_dtype=tf.int64), 1)


def _text(value):
    """Nested lists with ``bytes`` as str (as the fixture)."""
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value.decode() if isinstance(value, bytes) else value


@pytest.mark.parametrize("form", ["numpy", "list", "constant"])
def test_tokenizer_layer_on_strings(form):
    data = {"numpy": np.array(TEXT), "list": TEXT, "constant": tf.constant(TEXT)}[form]
    assert _text(Tokenizer()(data).to_list()) == REF[f"tokens_{form}"]


def test_lookup_layer_on_ragged_tokens():
    assert Lookup(_table())(Tokenizer()(tf.constant(TEXT))).to_list() == REF["ragged_ids"]


def test_identity_layer_passes_strings_and_ragged_through():
    assert _text(Identity()(np.array(["x", "y"])).numpy().tolist()) == REF["identity_strings"]
    ragged = tf.ragged.constant([["x"], ["y", "z"]])
    assert _text(Identity()(ragged).to_list()) == REF["identity_ragged"]


def test_sequential_built_by_strings():
    model = keras.Sequential([Tokenizer(), Lookup(_table())])
    assert model(np.array(TEXT)).to_list() == REF["sequential_ids"]
    # tf_keras keeps the first call's batch size in the inferred Input; torchkeras gives None
    assert model.inputs[0].dtype == REF["sequential_input"]["dtype"]
    assert len(model.inputs[0].shape) == len(REF["sequential_input"]["shape"])


def test_predict_of_string_outputs_and_sequential_on_ragged_tokens():
    predicted = keras.Sequential([Upper(), Upper()]).predict(np.array(["b", "c", "d"]),
                                                             batch_size=2, verbose=0)
    assert _text(predicted.tolist()) == REF["predict_strings"]["values"]
    assert str(predicted.dtype) == REF["predict_strings"]["dtype"]
    tokens = Tokenizer()(tf.constant(TEXT))
    assert keras.Sequential([Lookup(_table())])(tokens).to_list() == \
        REF["sequential_ragged_ids"]


def test_functional_model_on_string_input():
    inp = keras.Input(shape=(), dtype="string")
    tokens = Padded()(inp)
    ids = Lookup(_table())(tokens)
    model = keras.Model(inp, ids)
    ref = REF["functional_tensors"]
    assert [tokens.dtype, list(tokens.shape)] == ref["tokens"]
    assert [ids.dtype, list(ids.shape)] == ref["ids"]
    assert np.asarray(model(np.array(TEXT))).tolist() == REF["functional_call"]
    assert model.predict(np.array(TEXT), verbose=0).tolist() == REF["functional_predict"]
    ragged = Tokenizer()(keras.Input(shape=(), dtype="string"))
    assert [ragged.dtype, list(ragged.shape)] == REF["functional_ragged_tokens"]


@pytest.mark.parametrize("shape", list(REF["reshape_ragged"]))
def test_reshape_ragged_strings(shape):
    rt = tf.ragged.constant([[b"a", b"b"], [b"c", b"d", b"e"], [b"f"]])
    expected = REF["reshape_ragged"][shape]
    dims = json.loads(shape)
    if "error" in expected:
        with pytest.raises(getattr(tf.errors, expected["error"]["type"])) as info:
            tf.reshape(rt, dims)
        assert str(info.value) == expected["error"]["message"]
    else:
        assert _text(tf.reshape(rt, dims).numpy().tolist()) == expected["value"]


def test_reshape_dense_strings_and_ragged_numbers():
    dense = tf.reshape(tf.constant([["a", "b"], ["c", "d"]]), [-1])
    assert _text(dense.numpy().tolist()) == REF["reshape_dense_strings"]
    numbers = tf.reshape(tf.ragged.constant([[1.5], [2.0, 3.0]]), [3, 1])
    assert numbers.numpy().tolist() == REF["reshape_ragged_numbers"]
