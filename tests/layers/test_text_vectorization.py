"""TextVectorization (torchkeras/layers/text_vectorization.py, string_ops.py); Keras's
vocabularies and outputs for each mode are in compat/test_text_layers.py."""
from __future__ import annotations

import re
import string

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test
from torchkeras import data
from torchkeras.tfops import strings as tf_strings

TEXTS = np.array(["The cat sat.", "The DOG, the cat!", "a bird"])


def test_layer_contract_int():
    out = layer_test(keras.layers.TextVectorization,
                     {"vocabulary": ["the", "cat", "dog"], "output_sequence_length": 4},
                     input_data=TEXTS[:, None], input_dtype="string",
                     expected_output_shape=(None, 4), run_training=False)
    np.testing.assert_array_equal(out, [[2, 3, 1, 0], [2, 4, 2, 3], [1, 1, 0, 0]])


def test_layer_contract_count_trains_in_a_model():
    out = layer_test(keras.layers.TextVectorization,
                     {"vocabulary": ["the", "cat"], "output_mode": "count"},
                     input_data=TEXTS, input_dtype="string", expected_output_shape=(None, 3))
    np.testing.assert_array_equal(out, [[1, 1, 1], [1, 2, 1], [2, 0, 0]])


def test_adapt_on_array_list_and_dataset_agree():
    vocabularies = []
    for source in (TEXTS, list(TEXTS), data.Dataset.from_tensor_slices(TEXTS).batch(2)):
        layer = keras.layers.TextVectorization()
        layer.adapt(source)
        vocabularies.append(layer.get_vocabulary())
    assert vocabularies[0] == vocabularies[1] == vocabularies[2]
    assert vocabularies[0][:4] == ["", "[UNK]", "the", "cat"]


def test_padding_to_the_longest_and_scalar_input():
    layer = keras.layers.TextVectorization(vocabulary=["the", "cat"])
    np.testing.assert_array_equal(layer(["the", "the cat cat"]), [[2, 0, 0], [2, 3, 3]])
    np.testing.assert_array_equal(layer("cat the"), [3, 2])


def test_callable_standardize_and_split_with_tf_strings():
    def custom_standardization(input_data):  # keras.io text_classification_from_scratch
        lowercase = tf_strings.lower(input_data)
        stripped_html = tf_strings.regex_replace(lowercase, "<br />", " ")
        return tf_strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

    layer = keras.layers.TextVectorization(standardize=custom_standardization,
                                           split=lambda s: [x.split("  ") for x in s],
                                           vocabulary=["a", "b c"])
    np.testing.assert_array_equal(layer(["A  B C<br />  q!"]), [[2, 3, 1]])


def test_ngrams_and_tf_idf():
    layer = keras.layers.TextVectorization(ngrams=2, output_mode="tf_idf")
    layer.adapt(["a b", "a c"])
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b", "a c", "a b"]
    idf = np.log(1 + 2 / (1 + np.array([2, 1, 1, 1, 1])))
    np.testing.assert_allclose(layer.idf_weights, np.r_[idf.mean(), idf], rtol=1e-6)
    # "b a" is out of vocabulary: the OOV slot weighs it with the mean idf
    np.testing.assert_allclose(layer(["a b a"]), [[idf.mean(), 2 * idf[0], 0, idf[2], 0,
                                                  idf[4]]], rtol=1e-6)


def test_inside_dataset_map():
    layer = keras.layers.TextVectorization(output_sequence_length=3)
    layer.adapt(TEXTS)
    ds = data.Dataset.from_tensor_slices((TEXTS, np.array([0, 1, 0]))).batch(2)
    x, y = next(iter(ds.map(lambda text, label: (layer(text), label))))
    np.testing.assert_array_equal(np.asarray(x), np.asarray(layer(TEXTS[:2])))
    assert np.asarray(x).shape == (2, 3) and np.asarray(y).tolist() == [0, 1]


def test_get_config_round_trip_with_ngrams_and_vocabulary():
    layer = keras.layers.TextVectorization(ngrams=(1, 2), vocabulary=["a", "a b"],
                                           output_mode="multi_hot")
    config = layer.get_config()
    assert config["dtype"] == "string" and config["ngrams"] == (1, 2)
    clone = keras.layers.TextVectorization.from_config(dict(config, ngrams=[1, 2]))
    np.testing.assert_array_equal(clone(["a b"]), layer(["a b"]))


def test_errors():
    with pytest.raises(ValueError, match="Unkown value for `standardize`"):
        keras.layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="Unkown value for `split`"):
        keras.layers.TextVectorization(split="comma")
    with pytest.raises(ValueError, match="`ngrams` must be None"):
        keras.layers.TextVectorization(ngrams="2")
    with pytest.raises(ValueError, match="must not be set if `output_mode` is not 'int'"):
        keras.layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="innermost dimension of the input array must be 1"):
        keras.layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="Layer 'tv' \\(TextVectorization\\): `ragged=True`"):
        keras.layers.TextVectorization(ragged=True, name="tv")


def test_dataset_map_unbatched_expand_dims_and_adapt_on_mapped_inputs():
    """The tutorials' pipelines: adapt on ``ds.map(lambda x, y: x)``, vectorize scalar
    strings before ``batch`` (int and multi_hot), and ``expand_dims`` then vectorize."""
    labels = np.array([0, 1, 0])
    ds = data.Dataset.from_tensor_slices((TEXTS, labels))
    layer = keras.layers.TextVectorization(max_tokens=10, output_sequence_length=4)
    layer.adapt(ds.batch(2).map(lambda x, y: x))
    whole = np.asarray(layer(TEXTS))
    x, y = next(iter(ds.map(lambda text, label: (layer(text), label)).batch(3)))
    np.testing.assert_array_equal(np.asarray(x), whole)
    np.testing.assert_array_equal(np.asarray(y), labels)
    x, _ = next(iter(ds.batch(3).map(lambda text, label: (layer(text[:, None]), label))))
    np.testing.assert_array_equal(np.asarray(x), whole)
    multi = keras.layers.TextVectorization(output_mode="multi_hot")
    multi.adapt(TEXTS)
    out = next(iter(data.Dataset.from_tensor_slices(TEXTS).map(multi).batch(3)))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(multi(TEXTS)))
