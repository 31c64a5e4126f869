"""Properties of the Keras 3 colour augmentations' random draws (Keras 3 parity of the
transforms themselves: compat/test_k3_augmentation.py)."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras

L = keras.layers
IMAGES = torch.as_tensor(np.random.RandomState(0).uniform(0, 255, (64, 5, 5, 3)),
                         dtype=torch.float32)


def test_grayscale_applies_with_probability_factor_per_image():
    out = L.RandomGrayscale(factor=0.5, seed=1)(IMAGES)
    gray = (out[..., 0] == out[..., 1]).all(dim=(1, 2)) & (out[..., 1] == out[..., 2]).all(
        dim=(1, 2))
    assert 16 < int(gray.sum()) < 48  # per image, about half of 64
    assert torch.equal(out[~gray], IMAGES[~gray])


def test_hue_factor_has_random_sign_and_bounded_size():
    t = L.RandomHue(factor=(0.2, 0.6), seed=2).get_random_transformation(IMAGES)
    factor = t["factor"]
    assert factor.shape == (64,)
    assert ((factor.abs() >= 0.1 - 1e-6) & (factor.abs() <= 0.3 + 1e-6)).all()
    assert (factor > 0).any() and (factor < 0).any()


def test_saturation_factor_and_zero_desaturates():
    t = L.RandomSaturation(factor=(0.0, 0.0)).get_random_transformation(IMAGES)
    assert torch.allclose(t["factor"], torch.zeros(64))
    out = L.RandomSaturation(factor=(0.0, 0.0)).transform_images(IMAGES / 255.0, t)
    assert torch.allclose(out[..., 0], out[..., 1], atol=1e-6)


def test_value_range_is_respected():
    images01 = IMAGES / 255.0
    for layer in (L.RandomColorDegeneration(0.9, value_range=(0, 1), seed=1),
                  L.RandomSharpness(0.9, value_range=(0, 1), seed=1),
                  L.Solarization(0.5, 0.5, value_range=(0, 1), seed=1),
                  L.RandomHue(0.9, value_range=(0, 1), seed=1),
                  L.RandomInvert(value_range=(0, 1), seed=1),
                  L.RandomPosterization(2, value_range=(0, 1), seed=1),
                  L.AutoContrast(value_range=(0, 1)),
                  L.Equalization(value_range=(0, 1))):
        out = layer(images01)
        assert float(out.min()) >= -1e-6 and float(out.max()) <= 1 + 1e-6, layer.name


def test_invert_and_posterization_draws():
    t = L.RandomInvert(factor=0.5, seed=3).get_random_transformation(IMAGES)
    assert 0 < int(t["apply_inversion"].sum()) < 64
    shifts = L.RandomPosterization(factor=(2, 6), seed=3).get_random_transformation(IMAGES)
    shifts = shifts["shift_factor"].int()
    assert int(shifts.min()) >= 3 and int(shifts.max()) <= 6  # 8 - bits, bits in [2, 6)
    out = L.RandomPosterization(factor=3)(IMAGES)
    assert torch.equal(torch.remainder(out, 32), torch.zeros_like(out))


def test_solarization_draws_within_keras_bounds():
    t = L.Solarization(addition_factor=(0.1, 0.4), threshold_factor=0.5,
                       seed=1).get_random_transformation(IMAGES)
    assert t["additions"].shape == (64, 1, 1, 1)
    assert float(t["additions"].min()) >= 0.1 and float(t["additions"].max()) <= 0.4 * 255
    assert float(t["thresholds"].max()) <= 0.5 * 255


def test_auto_contrast_stretches_each_channel():
    out = L.AutoContrast()(IMAGES * 0.5 + 10)
    assert torch.allclose(out.amin(dim=(1, 2)), torch.zeros(64, 3), atol=1e-3)
    assert torch.allclose(out.amax(dim=(1, 2)), torch.full((64, 3), 255.0), atol=1e-3)


def test_gaussian_blur_one_sigma_pair_per_batch_and_odd_kernel():
    t = L.RandomGaussianBlur(sigma=(0.2, 0.8), seed=1).get_random_transformation(IMAGES)
    assert t["blur_factor"].shape == (2,) and t["should_apply_blur"].shape == (64,)
    try:
        L.RandomGaussianBlur(kernel_size=4)
    except ValueError as error:
        assert "kernel_size must be an odd number" in str(error)
    else:
        raise AssertionError("an even kernel_size must be refused")


def test_clahe_flat_image_and_value_range():
    layer = L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    flat = torch.full((1, 8, 8, 3), 100.0)
    out = layer(flat)  # one grey level: one output level everywhere (clipped histogram)
    assert torch.allclose(out, out[0, 0, 0, 0].expand_as(out))
    no_clip = L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2),
                                                             clip_limit=0)
    assert torch.allclose(no_clip(flat), torch.full_like(flat, 255.0))  # cdf is full there
    out = L.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1))(IMAGES / 255.0)
    assert float(out.min()) >= 0 and float(out.max()) <= 1
    assert set(layer.get_config()) >= {"value_range", "clip_limit", "tile_grid_size"}
