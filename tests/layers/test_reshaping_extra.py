import numpy as np
import pytest

import torchkeras as keras
from layer_test import layer_test

L = keras.layers


@pytest.mark.parametrize("cls,kwargs,shape,out", [
    (L.ZeroPadding1D, {"padding": (1, 2)}, (2, 4, 3), (None, 7, 3)),
    (L.ZeroPadding2D, {"padding": ((1, 2), (0, 1))}, (2, 3, 4, 2), (None, 6, 5, 2)),
    (L.ZeroPadding2D, {"padding": 1, "data_format": "channels_first"}, (2, 2, 3, 4),
     (None, 2, 5, 6)),
    (L.ZeroPadding3D, {}, (1, 2, 2, 2, 1), (None, 4, 4, 4, 1)),
    (L.Cropping1D, {"cropping": (1, 2)}, (2, 6, 3), (None, 3, 3)),
    (L.Cropping2D, {"cropping": ((1, 0), (2, 1))}, (2, 5, 6, 2), (None, 4, 3, 2)),
    (L.Cropping3D, {}, (1, 4, 4, 4, 2), (None, 2, 2, 2, 2)),
    (L.UpSampling1D, {"size": 3}, (2, 4, 3), (None, 12, 3)),
    (L.UpSampling2D, {"size": (2, 3)}, (2, 3, 4, 2), (None, 6, 12, 2)),
    (L.UpSampling2D, {"interpolation": "bilinear"}, (2, 3, 4, 2), (None, 6, 8, 2)),
    (L.UpSampling3D, {}, (1, 2, 2, 2, 1), (None, 4, 4, 4, 1)),
    (L.Permute, {"dims": (2, 1)}, (2, 3, 4), (None, 4, 3)),
    (L.RepeatVector, {"n": 3}, (2, 4), (None, 3, 4)),
])
def test_layer_contract(cls, kwargs, shape, out):
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out,
               expected_num_trainable_weights=0)


def test_values():
    x = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
    padded = np.asarray(L.ZeroPadding2D(((1, 0), (0, 2)))(x))[0, ..., 0]
    np.testing.assert_array_equal(padded, [[0, 0, 0, 0, 0], [0, 1, 2, 0, 0], [3, 4, 5, 0, 0]])
    cropped = np.asarray(L.Cropping2D(((0, 1), (1, 0)))(x))[0, ..., 0]
    np.testing.assert_array_equal(cropped, [[1, 2]])
    up = np.asarray(L.UpSampling2D(2)(x))[0, ..., 0]
    np.testing.assert_array_equal(up[:2, :2], 0) and np.testing.assert_array_equal(up[2:, 4:], 5)
    np.testing.assert_array_equal(np.asarray(L.UpSampling1D(2)(x[:, 0]))[0, :, 0],
                                  [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(np.asarray(L.Permute((2, 1, 3))(x)), x.transpose(0, 2, 1, 3))
    np.testing.assert_array_equal(np.asarray(L.RepeatVector(2)(x[:, 0, :, 0])),
                                  [[[0, 1, 2], [0, 1, 2]]])


def test_errors_and_config():
    with pytest.raises(ValueError, match="The set of indices in `dims` must be consecutive"):
        L.Permute((1, 3))
    with pytest.raises(TypeError, match="Expected an integer value for `n`"):
        L.RepeatVector(2.5)
    with pytest.raises(ValueError, match="`padding` should have two elements"):
        L.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="Argument `cropping` must be greater than the input"):
        L.Cropping2D(((2, 2), (0, 0)))(np.zeros((1, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match="`interpolation` argument should be one of"):
        L.UpSampling2D(interpolation="lanczos9")
    assert L.ZeroPadding2D((1, 2)).get_config()["padding"] == ((1, 1), (2, 2))
    assert L.Cropping1D().get_config()["cropping"] == (1, 1)
