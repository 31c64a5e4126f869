import numpy as np

import torchkeras as keras


def test_digits_load_data():
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)
    assert x_train.dtype == np.uint8 and x_train.max() == 16
    assert set(np.unique(y_train)) == set(range(10))
