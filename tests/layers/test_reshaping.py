import numpy as np
import pytest

import torchkeras as keras
from layer_test import layer_test


def test_flatten_layer_test():
    layer_test(keras.layers.Flatten, {}, input_shape=(2, 3, 4, 5),
               expected_output_shape=(None, 60), run_training=False)


def test_flatten_uses_channels_last_order():
    x = np.arange(2 * 2 * 3 * 4, dtype="float32").reshape(2, 2, 3, 4)
    np.testing.assert_array_equal(np.asarray(keras.layers.Flatten()(x)), x.reshape(2, -1))
    channels_first = np.asarray(keras.layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(channels_first, np.moveaxis(x, 1, -1).reshape(2, -1))


def test_reshape_layer_test():
    layer_test(keras.layers.Reshape, {"target_shape": (2, -1)}, input_shape=(3, 4, 3),
               expected_output_shape=(None, 2, 6), run_training=False)


def test_reshape_errors():
    with pytest.raises(ValueError, match="total size of new array must be unchanged"):
        keras.layers.Reshape((5,))(keras.Input((2, 3)))
    with pytest.raises(ValueError, match="at most one unknown dimension"):
        keras.layers.Reshape((-1, -1))
