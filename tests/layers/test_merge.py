import numpy as np
import pytest

import torchkeras as keras


@pytest.mark.parametrize("name,fn", [
    ("Add", lambda a, b: a + b), ("Subtract", lambda a, b: a - b),
    ("Multiply", lambda a, b: a * b), ("Average", lambda a, b: (a + b) / 2),
    ("Maximum", np.maximum), ("Minimum", np.minimum)])
def test_elementwise_merge(name, fn):
    rng = np.random.RandomState(0)
    a, b = rng.randn(3, 4).astype("float32"), rng.randn(3, 4).astype("float32")
    layer = getattr(keras.layers, name)()
    np.testing.assert_allclose(np.asarray(layer([a, b])), fn(a, b), rtol=1e-6)
    out = getattr(keras.layers, name)()([keras.Input((4,)), keras.Input((4,))])
    assert out.shape == (None, 4)


def test_concatenate_and_functional_forms():
    a, b = keras.Input((4,)), keras.Input((3,))
    assert keras.layers.concatenate([a, b]).shape == (None, 7)
    assert keras.layers.add([a, a]).shape == (None, 4)
    with pytest.raises(ValueError, match="matching shapes"):
        keras.layers.Concatenate(axis=-1)([keras.Input((2, 3)), keras.Input((3, 3))])


def test_merge_needs_a_list():
    with pytest.raises(ValueError, match="list of inputs"):
        keras.layers.Add()(keras.Input((3,)))
