import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import backend


def test_defaults():
    assert backend.floatx() == "float32"
    assert backend.epsilon() == 1e-7
    assert backend.image_data_format() == "channels_last"
    assert backend.backend() == "torch"


def test_unique_names_and_clear_session():
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"
    assert keras.layers.Dropout(0.1).name == "dropout"
    assert keras.Input((2,)).name == "input_1"
    backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"


def test_set_random_seed_makes_weights_reproducible():
    keras.utils.set_random_seed(123)
    a = keras.layers.Dense(4)
    a.build((None, 3))
    keras.utils.set_random_seed(123)
    b = keras.layers.Dense(4)
    b.build((None, 3))
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])
    with pytest.raises(ValueError, match="integer"):
        keras.utils.set_random_seed("x")


def test_device_override_by_environment():
    script = ("import torchkeras as k; l = k.layers.Dense(2); l.build((None, 3)); "
              "print(k.backend.get_device(), l.kernel.device)")
    env = dict(os.environ, TORCHKERAS_DEVICE="meta")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["meta", "meta"]


def test_set_device_api():
    previous = backend.get_device()
    try:
        backend.set_device("cpu")
        assert backend.get_device() == torch.device("cpu")
    finally:
        backend.set_device(previous)


def test_standardize_dtype():
    assert backend.standardize_dtype(np.float64) == "float64"
    assert backend.standardize_dtype(torch.int32) == "int32"
    with pytest.raises(ValueError, match="Invalid dtype"):
        backend.standardize_dtype("float31")
