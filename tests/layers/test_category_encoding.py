"""CategoryEncoding: layer contract, output modes, count_weights, range errors."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

IDS = np.array([[0, 1], [0, 0], [1, 2], [3, 1]], dtype="int64")


@pytest.mark.parametrize("mode,shape", [("multi_hot", (None, 4)), ("count", (None, 4))])
def test_layer_contract(mode, shape):
    layer_test(keras.layers.CategoryEncoding, {"num_tokens": 4, "output_mode": mode},
               input_data=IDS, input_dtype="int64", expected_output_shape=shape,
               expected_num_trainable_weights=0, run_training=False)


def test_one_hot_shapes():
    layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(np.asarray(layer(np.array([3, 2, 0]))), np.eye(4)[[3, 2, 0]])
    assert layer.compute_output_shape((None, 1)) == (None, 4)
    assert layer.compute_output_shape((None,)) == (None, 4)
    assert layer.compute_output_shape((None, 2)) == (None, 2, 4)


def test_multi_hot_count_and_weights():
    multi = np.asarray(keras.layers.CategoryEncoding(num_tokens=4)(IDS))
    np.testing.assert_array_equal(multi, [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0],
                                          [0, 1, 0, 1]])
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]], dtype="float32")
    counted = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")(
        IDS, count_weights=weights)
    np.testing.assert_allclose(np.asarray(counted)[1], [0.2, 0, 0, 0], rtol=1e-6)


def test_errors_as_keras():
    with pytest.raises(ValueError, match="Input values must be in the range 0 <= values < "
                                         "num_tokens with num_tokens=3"):
        keras.layers.CategoryEncoding(num_tokens=3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="`count_weights` is not used"):
        keras.layers.CategoryEncoding(num_tokens=3)(np.array([[0]]), count_weights=[[1.0]])
    with pytest.raises(ValueError, match="num_tokens must be set"):
        keras.layers.CategoryEncoding()
    with pytest.raises(ValueError, match="maximum supported output rank is 2"):
        keras.layers.CategoryEncoding(num_tokens=3)(np.zeros((2, 2, 2), "int64"))


def test_in_model_and_dataset_map():
    inputs = keras.Input(shape=(2,), dtype="int64")
    model = keras.Model(inputs, keras.layers.CategoryEncoding(num_tokens=4)(inputs))
    np.testing.assert_array_equal(model.predict(IDS, verbose=0)[2], [0, 1, 1, 0])
    encode = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    ds = keras.data.Dataset.from_tensor_slices((np.array([1, 3]), np.array([0, 1])))
    ds = ds.map(lambda x, y: (encode(x), y)).batch(2)
    x, _ = next(iter(ds))
    np.testing.assert_array_equal(np.asarray(x), np.eye(4)[[1, 3]])


def test_batched_and_unbatched_dataset_map_equal_standalone():
    """In ``Dataset.map`` before or after ``batch``: the same numbers as a NumPy call."""
    for mode, ids in (("one_hot", np.array([0, 1, 3])), ("multi_hot", IDS), ("count", IDS)):
        layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
        whole = np.asarray(layer(ids))
        ds = keras.data.Dataset.from_tensor_slices(ids)
        np.testing.assert_array_equal(np.asarray(next(iter(ds.batch(8).map(layer)))), whole)
        np.testing.assert_array_equal(np.asarray(next(iter(ds.map(layer).batch(8)))), whole)
