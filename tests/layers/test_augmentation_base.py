"""The Keras 3 augmentation protocol shared by the new augmentation layers: layer
contract, identity at inference, seeding, single images, dict inputs, channels_first."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.backend import phase
from tests.layer_test import layer_test

IMAGES = np.random.RandomState(0).uniform(0, 255, (4, 6, 7, 3)).astype("float32")

RANDOM_LAYERS = [
    ("MixUp", {"alpha": 0.3, "seed": 1}),
    ("CutMix", {"seed": 1}),
    ("RandomErasing", {"seed": 1}),
    ("RandomGrayscale", {"factor": 0.7, "seed": 1}),
    ("RandomHue", {"factor": 0.5, "seed": 1}),
    ("RandomSaturation", {"factor": 0.5, "seed": 1}),
    ("RandomColorDegeneration", {"factor": 0.5, "seed": 1}),
    ("RandomSharpness", {"factor": 0.5, "seed": 1}),
    ("Solarization", {"addition_factor": 0.5, "threshold_factor": 0.5, "seed": 1}),
    ("RandomInvert", {"factor": 0.5, "seed": 1}),
    ("RandomPosterization", {"factor": (1, 8), "seed": 1}),
    ("RandomGaussianBlur", {"seed": 1}),
    ("RandomShear", {"x_factor": 0.3, "y_factor": 0.3, "seed": 1}),
    ("RandomPerspective", {"seed": 1}),
    ("RandomColorJitter", {"brightness_factor": 0.2, "contrast_factor": 0.2,
                           "saturation_factor": 0.5, "hue_factor": 0.3, "seed": 1}),
    ("RandAugment", {"seed": 1}),
    ("AugMix", {"seed": 1}),
    ("RandomElasticTransform", {"seed": 1}),
    ("Equalization", {}),
]
IDS = [c for c, _ in RANDOM_LAYERS]


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=IDS)
def test_contract_and_identity_at_inference(cls, kwargs):
    with phase.learning_phase_scope(False):
        out = layer_test(getattr(keras.layers, cls), kwargs, input_data=IMAGES,
                         expected_output_shape=(None, 6, 7, 3),
                         expected_num_trainable_weights=0, run_training=False)
    np.testing.assert_array_equal(out, IMAGES)
    model = keras.Sequential([keras.Input((6, 7, 3)), getattr(keras.layers, cls)(**kwargs)])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=IDS)
def test_standalone_call_augments_and_seed_repeats(cls, kwargs):
    # Keras 3's call(data, training=True): a plain call augments.
    first = getattr(keras.layers, cls)(**kwargs)(IMAGES)
    assert not np.allclose(np.asarray(first), IMAGES)
    if "seed" in kwargs:  # the same seed gives the same draws
        again = getattr(keras.layers, cls)(**kwargs)(IMAGES)
        np.testing.assert_allclose(np.asarray(first), np.asarray(again), atol=1e-4)


@pytest.mark.parametrize("cls,kwargs", [c for c in RANDOM_LAYERS if c[0] not in
                                        ("MixUp", "CutMix", "Equalization")],
                         ids=[c for c, _ in RANDOM_LAYERS
                              if c not in ("MixUp", "CutMix", "Equalization")])
def test_single_image_and_channels_first(cls, kwargs):
    layer = getattr(keras.layers, cls)(**kwargs)
    assert tuple(layer(IMAGES[0]).shape) == (6, 7, 3)
    first = getattr(keras.layers, cls)(**kwargs, data_format="channels_first")
    out = first(np.ascontiguousarray(IMAGES.transpose(0, 3, 1, 2)))
    assert tuple(out.shape) == (4, 3, 6, 7)


def test_fit_trains_through_augmentation_and_predict_is_identity():
    model = keras.Sequential([keras.Input((6, 7, 3)), keras.layers.Rescaling(1 / 255.0),
                              keras.layers.RandAugment(value_range=(0, 1), seed=1),
                              keras.layers.MixUp(seed=2), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(IMAGES, np.zeros((4, 2)), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0),
                               np.asarray(model(IMAGES, training=False)), atol=1e-5)


def test_dict_inputs_transform_labels_and_masks():
    labels = np.eye(4, dtype="float32")
    masks = np.random.RandomState(1).randint(0, 3, (4, 6, 7, 1)).astype("float32")
    out = keras.layers.CutMix(seed=3)({"images": IMAGES, "labels": labels,
                                       "segmentation_masks": masks})
    assert set(out) == {"images", "labels", "segmentation_masks"}
    np.testing.assert_allclose(np.asarray(out["labels"]).sum(axis=1), 1.0, atol=1e-5)
    assert tuple(out["segmentation_masks"].shape) == (4, 6, 7, 1)
    with pytest.raises(NotImplementedError, match="bounding_boxes"):
        keras.layers.CutMix()({"images": IMAGES, "bounding_boxes": {}})


def test_factor_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"`factor` argument should be a number .* \[0, 1\]"):
        keras.layers.RandomHue(factor=2.0)
    with pytest.raises(ValueError, match="`value_range` argument should be a list of two"):
        keras.layers.RandomSaturation(0.5, value_range=3)
    with pytest.raises(ValueError, match="does not take a `factor`"):
        keras.layers.AutoContrast(factor=0.3)
    with pytest.raises(ValueError, match="Expected image tensor to have rank 3"):
        keras.layers.RandomGrayscale()(np.zeros((2, 3), "float32"))
