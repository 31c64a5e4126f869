"""Image preprocessing and augmentation layers: layer contract, inference identity,
training behaviour, seeds, argument errors."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.backend import phase
from tests.layer_test import layer_test

IMAGES = (np.random.RandomState(0).uniform(0, 255, (2, 6, 7, 3))).astype("float32")


@pytest.mark.parametrize("cls,kwargs,shape", [
    ("Rescaling", {"scale": 1 / 255.0, "offset": 0.5}, (2, 6, 7, 3)),
    ("Resizing", {"height": 4, "width": 5}, (2, 4, 5, 3)),
    ("Resizing", {"height": 9, "width": 4, "interpolation": "bicubic"}, (2, 9, 4, 3)),
    ("Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True}, (2, 4, 4, 3)),
    ("Resizing", {"height": 4, "width": 4, "pad_to_aspect_ratio": True}, (2, 4, 4, 3)),
    ("CenterCrop", {"height": 3, "width": 5}, (2, 3, 5, 3)),
])
def test_layer_contract(cls, kwargs, shape):
    layer_test(getattr(keras.layers, cls), kwargs, input_data=IMAGES,
               expected_output_shape=(None,) + shape[1:], expected_num_trainable_weights=0)


AUGMENT = [
    ("RandomFlip", {"seed": 1}),
    ("RandomRotation", {"factor": 0.2, "seed": 1}),
    ("RandomZoom", {"height_factor": 0.3, "fill_mode": "constant"}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.2, "fill_mode": "wrap"}),
    ("RandomContrast", {"factor": 0.5}),
    ("RandomBrightness", {"factor": 0.3}),
]


@pytest.mark.parametrize("cls,kwargs", AUGMENT, ids=[c for c, _ in AUGMENT])
def test_augmentation_contract_and_inference_identity(cls, kwargs):
    with phase.learning_phase_scope(False):  # inference: the layer is the identity
        out = layer_test(getattr(keras.layers, cls), kwargs, input_data=IMAGES,
                         expected_output_shape=(None, 6, 7, 3), run_training=False)
    np.testing.assert_array_equal(out, IMAGES)
    model = keras.Sequential([keras.Input((6, 7, 3)), getattr(keras.layers, cls)(**kwargs)])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)


@pytest.mark.parametrize("cls,kwargs", AUGMENT, ids=[c for c, _ in AUGMENT])
def test_augmentation_changes_images_when_training(cls, kwargs):
    layer = getattr(keras.layers, cls)(**kwargs)
    outputs = [np.asarray(layer(IMAGES, training=True)) for _ in range(4)]
    assert any(not np.allclose(o, IMAGES) for o in outputs)
    assert all(o.shape == IMAGES.shape for o in outputs)


def test_standalone_call_augments_as_keras2():
    # Outside any model call and learning-phase scope (earlier tests in the suite can leave
    # the enclosing-call `training` set: reset it for this check).
    previous, previous_call = phase._LEARNING_PHASE, phase.enter_call_training(None)
    phase.set_learning_phase(None)
    try:
        out = np.asarray(keras.layers.RandomBrightness(0.5, seed=2)(IMAGES))
    finally:
        phase.set_learning_phase(previous)
        phase.exit_call_training(previous_call)
    assert not np.allclose(out, IMAGES)


def test_seeded_layers_repeat_their_draws():
    first = keras.layers.RandomRotation(0.3, seed=7)(IMAGES)
    second = keras.layers.RandomRotation(0.3, seed=7)(IMAGES)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))


def test_random_crop_training_and_inference():
    layer = keras.layers.RandomCrop(4, 5, seed=3)
    crop = np.asarray(layer(IMAGES, training=True))
    assert crop.shape == (2, 4, 5, 3)
    windows = [IMAGES[:, t:t + 4, l:l + 5] for t in range(3) for l in range(3)]
    assert any(np.array_equal(crop, w) for w in windows)
    resized = np.asarray(layer(IMAGES, training=False))  # Keras 2: smart_resize at inference
    assert resized.shape == (2, 4, 5, 3)


def test_augmentation_in_fit_keeps_training():
    model = keras.Sequential([keras.Input((6, 7, 3)), keras.layers.RandomFlip("horizontal"),
                              keras.layers.Rescaling(1 / 255.0), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(IMAGES, np.array([0, 1]), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


@pytest.mark.parametrize("make,match", [
    (lambda: keras.layers.Resizing(4, 4, interpolation="cubic"),
     "Value not recognized for `interpolation`: cubic"),
    (lambda: keras.layers.RandomFlip("diagonal"), "unknown mode argument diagonal"),
    (lambda: keras.layers.RandomZoom(1.5), r"must have values between \[-1.0, 1.0\]"),
    (lambda: keras.layers.RandomRotation(0.1, fill_mode="mirror"), "Unknown `fill_mode` mirror"),
    (lambda: keras.layers.RandomContrast(-0.1), "cannot have negative values"),
    (lambda: keras.layers.RandomBrightness(2.0), r"in the range \[-1.0, 1.0\]"),
])
def test_argument_errors(make, match):
    with pytest.raises((ValueError, NotImplementedError), match=match):
        make()


def test_rank_error_names_layer():
    with pytest.raises(ValueError, match=r"Layer center_crop.* expected images of rank 3"):
        keras.layers.CenterCrop(2, 2, name="center_crop")(np.ones((4, 4)))
