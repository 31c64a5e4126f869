"""Augmentation layers inside models: Keras's ``training`` resolution (explicit value, the
enclosing call's, the learning phase, else the default of the layer's ``call``)."""
from __future__ import annotations

import numpy as np

import torchkeras as keras
from torchkeras import layers
from torchkeras.backend import phase


def _images() -> np.ndarray:
    return np.random.RandomState(0).rand(4, 8, 8, 1).astype("float32")


def _augmenter() -> keras.Sequential:
    return keras.Sequential([layers.RandomFlip("horizontal", seed=1),
                             layers.RandomRotation(0.1, seed=2)])


def test_standalone_sequential_augments_without_training_argument():
    x = _images()
    aug = _augmenter()
    assert np.abs(np.asarray(aug(x)) - x).max() > 0.1
    assert np.abs(np.asarray(aug(x, training=True)) - x).max() > 0.1
    np.testing.assert_array_equal(np.asarray(aug(x, training=False)), x)
    np.testing.assert_array_equal(aug.predict(x, verbose=0), x)


def test_model_call_applies_each_layer_default():
    # Keras 2 and 3: model(x) augments (RandomFlip's call defaults to training=True) while
    # Dropout (default None -> learning phase 0) stays off.
    x = _images()
    inputs = keras.Input((8, 8, 1))
    hidden = layers.Dropout(0.5)(_augmenter()(inputs))
    model = keras.Model(inputs, layers.Flatten()(hidden))
    out = np.asarray(model(x))
    assert np.abs(out - x.reshape(4, -1)).max() > 0.1
    assert (out == 0).mean() < 0.05  # no dropout
    np.testing.assert_array_equal(np.asarray(model(x, training=False)), x.reshape(4, -1))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.reshape(4, -1))


def test_learning_phase_overrides_layer_default():
    x = _images()
    aug = _augmenter()
    with phase.learning_phase_scope(False):
        np.testing.assert_array_equal(np.asarray(aug(x)), x)


def test_augmentation_runs_inside_fit():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, training=None):
            seen.append(np.asarray(inputs.detach().cpu()).copy())
            return inputs

    x = _images()
    model = keras.Sequential([keras.Input((8, 8, 1)), _augmenter(), Probe(), layers.Flatten(),
                              layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((4, 1)), batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert np.abs(seen[-1] - x).max() > 0.1
