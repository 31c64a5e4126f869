"""RandomHeight/RandomWidth: sizes from the factor, identity at inference, seeded draws,
symbolic shapes (None on the varied axis), errors. Numbers against tf-keras:
compat/test_more_layers.py."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras

L = keras.layers
IMAGES = np.random.RandomState(0).rand(2, 8, 6, 3).astype("float32")


def test_fixed_factor_sizes_and_inference():
    assert tuple(L.RandomHeight((0.5, 0.5))(IMAGES).shape) == (2, 12, 6, 3)
    assert tuple(L.RandomWidth((-0.5, -0.5))(IMAGES).shape) == (2, 8, 3, 3)
    np.testing.assert_array_equal(np.asarray(L.RandomHeight(0.3)(IMAGES, training=False)),
                                  IMAGES)
    assert tuple(L.RandomWidth(0.3)(IMAGES[0], training=True).shape)[0] == 8  # one image


def test_seeded_and_symbolic():
    sizes = [tuple(L.RandomHeight(0.4, seed=3)(IMAGES).shape) for _ in range(2)]
    assert sizes[0] == sizes[1]
    inputs = keras.Input((8, 6, 3))
    assert tuple(L.RandomHeight(0.2)(inputs).shape) == (None, None, 6, 3)
    assert tuple(L.RandomWidth(0.2)(inputs).shape) == (None, 8, None, 3)
    config = L.RandomWidth(0.2, interpolation="nearest", seed=1).get_config()
    assert L.RandomWidth.from_config(config).get_config() == config


def test_errors():
    with pytest.raises(ValueError, match="`factor` argument cannot have an upper bound lesser"):
        L.RandomHeight((0.3, 0.1))
    with pytest.raises(ValueError, match="`factor` argument must have values larger than -1"):
        L.RandomWidth((-1.5, 0.2))
