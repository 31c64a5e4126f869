"""`from keras import ops`, `keras.ops.nn`, `keras.random` resolve to torchkeras under the shim."""
import pytest

import torchkeras
from torchkeras import compat


@pytest.fixture
def shim():
    compat.install(override=True)
    yield
    compat.uninstall()


def test_keras3_ops_and_random_paths(shim):
    from keras import ops
    from keras.ops import nn as ops_nn
    from keras.random import SeedGenerator
    from keras.src import ops as src_ops
    import keras
    assert ops.mean is keras.ops.mean is src_ops.mean is torchkeras.ops.mean
    assert ops_nn.softmax is torchkeras.ops.softmax
    assert keras.ops.linalg.norm is torchkeras.ops.norm
    assert SeedGenerator is keras.random.SeedGenerator is torchkeras.random.SeedGenerator
    assert keras.backend.result_type("int32", float) == "float32"
    assert float(keras.ops.mean(keras.ops.arange(4))) == 1.5


def test_keras_ops_names_without_the_shim():
    assert torchkeras.ops.add is torchkeras.ops.numpy.add
    assert "ops" in torchkeras.__all__ and "random" in torchkeras.__all__
