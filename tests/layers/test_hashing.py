"""Hashing and HashedCrossing: Keras's documented bins, strings on the host, integers,
masks, salts, output modes, models and Dataset.map."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

WORDS = np.array([["A"], ["B"], ["C"], ["D"], ["E"]])


def test_layer_contract_on_integers():
    layer_test(keras.layers.Hashing, {"num_bins": 7}, input_data=np.arange(10).reshape(5, 2),
               input_dtype="int64", expected_output_shape=(None, 2),
               expected_num_trainable_weights=0, run_training=False)
    layer_test(keras.layers.Hashing, {"num_bins": 7, "output_mode": "multi_hot"},
               input_data=np.arange(10).reshape(5, 2), input_dtype="int64",
               expected_output_shape=(None, 7), run_training=False)


def test_keras_documented_bins():
    # The examples in Keras's Hashing docstring.
    assert np.asarray(keras.layers.Hashing(num_bins=3)(WORDS)).ravel().tolist() == \
        [1, 0, 1, 1, 2]
    masked = np.array([["A"], ["B"], [""], ["C"], ["D"]])
    assert np.asarray(keras.layers.Hashing(num_bins=3, mask_value="")(masked)).ravel() \
        .tolist() == [1, 1, 0, 2, 2]
    assert np.asarray(keras.layers.Hashing(num_bins=3, salt=133)(WORDS)).ravel().tolist() == \
        [0, 0, 2, 1, 0]


def test_strings_bytes_and_integer_strings_agree():
    layer = keras.layers.Hashing(num_bins=1000)
    as_str = np.asarray(layer(np.array(["12", "-3", "héllo"])))
    as_bytes = np.asarray(layer(np.array([b"12", b"-3", "héllo".encode()], dtype=object)))
    np.testing.assert_array_equal(as_str, as_bytes)
    np.testing.assert_array_equal(np.asarray(layer(np.array([12, -3]))), as_str[:2])


def test_output_modes_and_float_error():
    out = keras.layers.Hashing(num_bins=4, output_mode="count")(np.array([[1, 1, 2]]))
    assert np.asarray(out).sum() == 3 and tuple(out.shape) == (1, 4)
    with pytest.raises(ValueError, match="hashes strings or integers"):
        keras.layers.Hashing(num_bins=3)(np.array([1.5]))
    with pytest.raises(ValueError, match="The `salt` argument for `Hashing`"):
        keras.layers.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="cannot be `None` or non-positive"):
        keras.layers.Hashing(num_bins=0)


def test_hashing_in_model_and_dataset_map():
    inputs = keras.Input(shape=(1,), dtype="int64")
    hashed = keras.layers.Hashing(num_bins=5, output_mode="one_hot")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hashed))
    assert model.predict(np.array([[3], [4]]), verbose=0).shape == (2, 1)
    layer = keras.layers.Hashing(num_bins=3)
    ds = keras.data.Dataset.from_tensor_slices(WORDS).batch(5).map(layer)
    np.testing.assert_array_equal(np.asarray(next(iter(ds))).ravel(), [1, 0, 1, 1, 2])


def test_hashed_crossing():
    layer = keras.layers.HashedCrossing(num_bins=5, output_mode="one_hot")
    out = np.asarray(layer((np.array([1, 2, 3, 4, 5]), np.array(["A", "B", "A", "B", "A"]))))
    assert out.shape == (5, 5) and (out.sum(1) == 1).all()
    ints = keras.layers.HashedCrossing(num_bins=50)((np.array([[1], [2]]), np.array([[7], [8]])))
    assert tuple(ints.shape) == (2, 1)
    with pytest.raises(ValueError, match="at least two inputs"):
        keras.layers.HashedCrossing(num_bins=5)([np.array([1])])
    with pytest.raises(ValueError, match="should have equal shape"):
        keras.layers.HashedCrossing(num_bins=5)([np.array([1]), np.array([1, 2])])
    a, b = keras.Input(shape=(1,), dtype="int64"), keras.Input(shape=(1,), dtype="int64")
    model = keras.Model([a, b], keras.layers.HashedCrossing(num_bins=7)([a, b]))
    pred = model.predict([np.array([[1], [2]]), np.array([[7], [8]])], verbose=0)
    np.testing.assert_array_equal(pred % 7, pred)


def test_scalar_elements_in_dataset_map_then_batch():
    """Unbatched string/integer elements (rank 0) are hashed one by one inside ``map`` and
    batched after, as in tf.data: the same bins as hashing the whole array standalone."""
    words = np.array(["a", "b", "c", "naïve", ""])
    layer = keras.layers.Hashing(num_bins=4)
    whole = np.asarray(layer(words))
    assert whole.shape == (5,)
    ds = keras.data.Dataset.from_tensor_slices(words).map(layer).batch(5)
    np.testing.assert_array_equal(np.asarray(next(iter(ds))), whole)
    assert np.asarray(layer("a")).shape == ()
    masked = keras.layers.Hashing(num_bins=4, mask_value="a", output_mode="one_hot")
    np.testing.assert_array_equal(np.asarray(masked(np.str_("a"))), [1, 0, 0, 0])
    crossing = keras.layers.HashedCrossing(num_bins=5)
    pairs = keras.data.Dataset.from_tensor_slices((np.array(["a", "b"]), np.array([3, 4])))
    crossed = next(iter(pairs.map(lambda s, i: crossing((s, i))).batch(2)))
    np.testing.assert_array_equal(np.asarray(crossed),
                                  np.asarray(crossing((np.array(["a", "b"]), np.array([3, 4])))))
