import numpy as np

import torchkeras as keras


def test_to_categorical():
    np.testing.assert_array_equal(keras.utils.to_categorical([0, 2, 1], 3),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert keras.utils.to_categorical(np.array([[1], [3]])).shape == (2, 4)


def test_normalize():
    out = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
