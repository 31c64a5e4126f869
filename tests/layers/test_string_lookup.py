"""StringLookup / IntegerLookup (torchkeras/layers/string_lookup.py, index_lookup.py);
Keras's numbers for every output mode are in compat/test_text_layers.py."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.layers import farmhash
from tests.layer_test import layer_test
from torchkeras import data

WORDS = np.array([["a", "b", "z"], ["c", "a", "a"]])


def test_layer_contract_int():
    out = layer_test(keras.layers.StringLookup, {"vocabulary": ["a", "b", "c"]},
                     input_data=WORDS, input_dtype="string", expected_output_shape=(None, 3),
                     run_training=False)
    np.testing.assert_array_equal(out, [[1, 2, 0], [3, 1, 1]])


def test_layer_contract_multi_hot_trains_in_a_model():
    out = layer_test(keras.layers.StringLookup,
                     {"vocabulary": ["a", "b", "c"], "output_mode": "multi_hot"},
                     input_data=WORDS, input_dtype="string", expected_output_shape=(None, 4))
    np.testing.assert_array_equal(out, [[1, 1, 1, 0], [0, 1, 0, 1]])


def test_integer_lookup_contract():
    out = layer_test(keras.layers.IntegerLookup, {"vocabulary": [12, 36, 7]},
                     input_data=np.array([[12, 7], [99, 36]]), input_dtype="int64",
                     run_training=False)
    np.testing.assert_array_equal(out, [[1, 3], [0, 2]])


def test_adapt_orders_by_count_then_larger_token():
    layer = keras.layers.StringLookup()
    layer.adapt(["b", "a", "c", "a", "b", "d"])  # a list: one document
    assert layer.get_vocabulary() == ["[UNK]", "b", "a", "d", "c"]
    assert layer.vocabulary_size() == 5


def test_adapt_on_a_dataset_and_bytes():
    layer = keras.layers.StringLookup(max_tokens=3)
    layer.adapt(data.Dataset.from_tensor_slices(np.array([b"x", b"y", b"y", b"z"])).batch(2))
    assert layer.get_vocabulary() == ["[UNK]", "y", "z"]
    np.testing.assert_array_equal(layer(np.array([b"y", b"x"])), [1, 0])


def test_adapt_rejects_a_dataset_of_pairs():
    ds = data.Dataset.from_tensor_slices((np.array(["a", "b"]), np.array([0, 1]))).batch(2)
    with pytest.raises(ValueError, match="dataset of inputs only"):
        keras.layers.StringLookup().adapt(ds)


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("cat\ndog\n", encoding="utf-8")
    layer = keras.layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "cat", "dog"]
    np.testing.assert_array_equal(layer(["dog", "emu"]), [2, 0])
    with pytest.raises(ValueError, match="does not exist"):
        keras.layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_invert_gives_strings_and_set_vocabulary():
    layer = keras.layers.StringLookup(invert=True)
    layer.set_vocabulary(["a", "b"])
    out = layer(np.array([[1, 2, 5]]))
    assert isinstance(out, np.ndarray) and out.tolist() == [["a", "b", "[UNK]"]]


def test_tf_idf_and_idf_weights():
    layer = keras.layers.StringLookup(output_mode="tf_idf", vocabulary=["a", "b"],
                                      idf_weights=[0.5, 2.0])
    np.testing.assert_allclose(layer.idf_weights, [1.25, 0.5, 2.0])  # OOV: the mean
    np.testing.assert_allclose(layer(np.array([["a", "a", "b", "q"]])), [[1.25, 1.0, 2.0]])


def test_errors():
    with pytest.raises(ValueError, match="must be greater than 1"):
        keras.layers.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="must be `'int'` when `invert` is true"):
        keras.layers.StringLookup(invert=True, output_mode="one_hot")
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.StringLookup(output_mode="onehot")
    with pytest.raises(ValueError, match="repeated term"):
        keras.layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="larger than the maximum vocab size"):
        keras.layers.StringLookup(max_tokens=2, vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="found OOV values"):
        keras.layers.StringLookup(num_oov_indices=0, vocabulary=["a"])(["a", "b"])
    with pytest.raises(ValueError, match="Cannot adapt StringLookup"):
        keras.layers.StringLookup(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(RuntimeError, match="must set the layer's vocabulary"):
        keras.layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="Layer 'sl' \\(StringLookup\\): `sparse=True`"):
        keras.layers.StringLookup(output_mode="multi_hot", sparse=True, name="sl")
    with pytest.raises(ValueError, match="expects string inputs"):
        keras.layers.StringLookup(vocabulary=["a"])(np.array([1.0]))
    with pytest.raises(ValueError, match="integer dtype"):
        keras.layers.IntegerLookup(vocabulary_dtype="float32")


def test_string_oov_buckets_are_farmhash_fingerprints():
    """num_oov_indices > 1: Fingerprint64(utf-8) % num_oov_indices (tf's to_hash_bucket_fast);
    the mask keeps index 0 and the buckets start after it."""
    words = np.array(["q", "zebra", "Ça va", "x" * 70, "a"], dtype=object)
    buckets = (farmhash.fingerprint64(words[:4]) % np.uint64(3)).astype(np.int64)
    layer = keras.layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    np.testing.assert_array_equal(layer(words), list(buckets) + [3])
    masked = keras.layers.StringLookup(vocabulary=["a"], num_oov_indices=3, mask_token="")
    np.testing.assert_array_equal(masked(np.array(["", "q", "a"])), [0, buckets[0] + 1, 4])
    assert masked.get_vocabulary() == ["", "[UNK]", "[UNK]", "[UNK]", "a"]


def test_integer_lookup_on_a_tensor_and_oov_buckets():
    layer = keras.layers.IntegerLookup(vocabulary=[12, 36], num_oov_indices=2)
    out = layer(torch.tensor([[12, 5, 6, 36]]))
    assert out.dtype == torch.int64
    np.testing.assert_array_equal(out, [[2, 1, 0, 3]])  # OOV: 5 % 2, 6 % 2


def test_symbolic_call_in_a_string_model():
    inputs = keras.Input(shape=(), dtype="string")
    outputs = keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(inputs)
    model = keras.Model(inputs, outputs)
    assert inputs.dtype == "string" and tuple(outputs.shape) == (None, 3)
    np.testing.assert_array_equal(model.predict(np.array(["b", "q"]), verbose=0),
                                  [[0, 0, 1], [1, 0, 0]])


def test_dataset_map_batched_unbatched_and_dicts():
    """StringLookup adapted on a Dataset and used in ``map`` on batched, unbatched (rank-0
    strings) and dict elements: the indices of a NumPy call."""
    words = np.array([["a", "b"], ["c", "a"], ["b", "z"]])
    layer = keras.layers.StringLookup()
    layer.adapt(data.Dataset.from_tensor_slices(words).batch(2))
    assert layer.get_vocabulary() == ["[UNK]", "b", "a", "z", "c"]  # ties: larger first
    whole = np.asarray(layer(words))
    ds = data.Dataset.from_tensor_slices(words)
    np.testing.assert_array_equal(np.asarray(next(iter(ds.batch(3).map(layer)))), whole)
    np.testing.assert_array_equal(np.asarray(next(iter(ds.map(layer).batch(3)))), whole)
    one_hot = keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    scalars = data.Dataset.from_tensor_slices(np.array(["a", "q", "b"]))
    np.testing.assert_array_equal(np.asarray(next(iter(scalars.map(one_hot).batch(3)))),
                                  [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    records = data.Dataset.from_tensor_slices({"w": np.array(["b", "a"]),
                                               "n": np.array([1.0, 2.0])}).batch(2)
    ids, n = next(iter(records.map(lambda d: (layer(d["w"]), d["n"]))))
    np.testing.assert_array_equal(np.asarray(ids), [1, 2])
    np.testing.assert_array_equal(np.asarray(n), [1.0, 2.0])
