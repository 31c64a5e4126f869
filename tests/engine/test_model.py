"""Model's public predicates (``is_sequential``, ``functional_graph``) that the saving,
summary and export code use instead of private attributes."""
import numpy as np
import pytest

import torchkeras as keras
from torchkeras.compat.gradient_tape import GradientTape
from torchkeras.engine.functional import FunctionalGraph


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


def _functional():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def test_functional_graph_is_the_graph_of_a_functional_model_only():
    assert isinstance(_functional().functional_graph, FunctionalGraph)
    assert Subclassed().functional_graph is None
    assert keras.Sequential([keras.layers.Dense(1, input_shape=(3,))]).functional_graph is None


def test_is_sequential():
    assert keras.Sequential().is_sequential
    assert not _functional().is_sequential and not Subclassed().is_sequential


def test_a_gradient_tape_is_not_taken_for_a_sequential():
    tape = GradientTape()
    with tape:  # a tape has a private `_stack` too; the predicate is not fooled by it
        assert hasattr(tape, "_stack")
    assert not getattr(tape, "is_sequential", False)


def test_saving_a_subclassed_model_to_h5_still_says_why(tmp_path):
    model = Subclassed()
    model(np.zeros((1, 3), "float32"))
    with pytest.raises(NotImplementedError, match="subclassed"):
        model.save(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")  # Keras 3: class + get_config + weights by path
    assert (tmp_path / "m.keras").stat().st_size > 0
