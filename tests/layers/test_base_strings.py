"""String inputs in ``Layer.__call__`` (layers/base.py): a user's Layer subclass gets
strings (NumPy str/bytes arrays, StringArray, a RaggedTensor) unconverted, as tf_keras lets any
layer's ``call`` take string tensors; numbers are converted as before; built-in numeric layers
still refuse strings with TensorFlow's conversion error."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.compat.finder import tensorflow_module
from torchkeras.data import ragged
from torchkeras.data.structure import StringArray
from torchkeras.layers.base import is_string_data, passes_string_inputs

tf = tensorflow_module()


class Recorder(keras.layers.Layer):
    """Keeps what ``call`` and ``build`` received."""

    def build(self, input_shape):
        self.built_with = input_shape

    def call(self, inputs):
        self.received = inputs
        return inputs


class NoStrings(Recorder):
    _passes_string_inputs = False


def test_user_layers_pass_strings_builtin_layers_do_not():
    assert passes_string_inputs(Recorder())
    assert not passes_string_inputs(NoStrings())
    assert not passes_string_inputs(keras.layers.Dense(2))
    assert passes_string_inputs(keras.layers.TextVectorization())  # a string layer


@pytest.mark.parametrize("value", [np.array(["a b", "c"]), np.array([b"a b", b"c"]),
                                   np.array(["a", "b"], dtype=object)])
def test_numpy_strings_reach_call_as_they_are(value):
    layer = Recorder()
    out = layer(value)
    assert layer.received is value
    assert layer.built_with == (None,)
    assert out.numpy().tolist() == [v.encode() if isinstance(v, str) else v for v in value]


def test_string_array_keeps_its_type_and_list_of_strings_becomes_an_array():
    layer = Recorder()
    strings = np.array(["x", "y"]).view(StringArray)
    layer(strings)
    assert layer.received is strings
    layer(["p", "q", "r"])
    assert isinstance(layer.received, np.ndarray) and layer.received.tolist() == ["p", "q", "r"]


def test_ragged_tensor_reaches_call_as_it_is_and_builds_with_its_shape():
    layer = Recorder()
    tokens = ragged.constant([["a", "b"], ["c"]])
    out = layer(tokens)
    assert layer.received is tokens
    assert isinstance(out, ragged.RaggedTensor) and out.to_list() == [[b"a", b"b"], [b"c"]]
    assert layer.built_with == (None, None)
    ids = ragged.constant([[1, 2], [3]])
    assert Recorder()(ids).to_list() == [[1, 2], [3]]  # integer rows keep their dtype


def test_numbers_are_still_converted():
    layer = Recorder()
    layer(np.array([[1.0, 2.0]], dtype="float64"))
    assert isinstance(layer.received, torch.Tensor)
    assert layer.received.dtype == torch.float32


def test_opting_out_and_builtin_layers_refuse_strings():
    with pytest.raises(ValueError, match=r"Unsupported object type <U1"):
        NoStrings()(np.array(["a"]))
    with pytest.raises(ValueError, match=r"Unsupported object type <U1"):
        keras.layers.Flatten()(np.array([["a"]]))


def test_subclassed_model_takes_strings():
    class Lengths(keras.Model):
        def call(self, text):
            return torch.tensor([len(t) for t in np.asarray(text).tolist()])

    assert Lengths()(np.array(["ab", "cde"])).tolist() == [2, 3]


@pytest.mark.parametrize("value, expected", [
    (np.array(["a"]), True), (np.array([b"a"]), True), ("a", True), (b"a", True),
    (["a", ["b"]], True), (ragged.constant([["a"], []]), True),
    (ragged.constant([[1], [2, 3]]), False), (np.zeros(2), False), ([1, 2], False),
    (torch.zeros(2), False), ([], False)])
def test_is_string_data(value, expected):
    assert is_string_data(value) is expected


def test_lambda_takes_strings_eagerly_and_on_a_string_input():
    lower = keras.layers.Lambda(lambda x: tf.strings.lower(x))
    assert lower(np.array(["AbC"])).numpy().tolist() == [b"abc"]
    out = keras.layers.Lambda(lambda x: tf.strings.length(x))(keras.Input(shape=(),
                                                                          dtype="string"))
    assert out.dtype == "int32" and tuple(out.shape) == (None,)
