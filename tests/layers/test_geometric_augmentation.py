"""RandomShear and RandomPerspective: draws, identity transforms, homography."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras
from torchkeras.layers.geometric_augmentation import homography_matrix

L = keras.layers
IMAGES = torch.as_tensor(np.random.RandomState(0).uniform(0, 255, (16, 6, 7, 3)),
                         dtype=torch.float32)


def test_shear_draws_signed_per_image_factors():
    t = L.RandomShear(x_factor=(0.1, 0.3), y_factor=0.0, seed=1).get_random_transformation(
        IMAGES)
    shear = t["shear_factor"]  # (batch, 2)
    assert shear.shape == (16, 2)
    assert ((shear[:, 0].abs() >= 0.1) & (shear[:, 0].abs() <= 0.3)).all()
    assert (shear[:, 0] > 0).any() and (shear[:, 0] < 0).any()
    assert torch.equal(shear[:, 1], torch.zeros(16))


def test_zero_shear_and_unmoved_corners_are_identity():
    shear = L.RandomShear()
    out = shear.transform_images(IMAGES, {"shear_factor": torch.zeros(16, 2)})
    assert torch.allclose(out, IMAGES)
    perspective = L.RandomPerspective()
    corners = torch.tensor([[[0.0, 0.0], [6.0, 0.0], [0.0, 5.0], [6.0, 5.0]]]).repeat(16, 1, 1)
    out = perspective.transform_images(IMAGES, {"start_points": corners, "end_points": corners,
                                                "apply_perspective": torch.ones(16, dtype=bool)})
    assert torch.allclose(out, IMAGES, atol=1e-3)


def test_homography_maps_end_points_to_start_points():
    start = torch.tensor([[[0.0, 0.0], [9.0, 0.0], [0.0, 7.0], [9.0, 7.0]]])
    end = start + torch.tensor([[[1.0, 0.5], [-0.5, 1.0], [0.3, -0.7], [-1.0, -0.2]]])
    a = homography_matrix(start, end)[0]
    for (sx, sy), (ex, ey) in zip(start[0].tolist(), end[0].tolist()):
        k = a[6] * ex + a[7] * ey + 1
        assert abs(float((a[0] * ex + a[1] * ey + a[2]) / k) - sx) < 1e-4
        assert abs(float((a[3] * ex + a[4] * ey + a[5]) / k) - sy) < 1e-4


def test_perspective_scale_bounds_the_corner_moves():
    t = L.RandomPerspective(scale=0.2, seed=1).get_random_transformation(IMAGES)
    moved = (t["end_points"] - t["start_points"]).abs()
    assert float(moved.max()) <= 0.1 * 6 + 1e-5  # corners move by <= scale/2 of the size
    try:
        L.RandomPerspective(scale=1.5)
    except ValueError as error:
        assert "`scale` argument should be a number in the range [0,1]" in str(error)
    else:
        raise AssertionError("scale > 1 must be refused")


def test_elastic_transform_zero_noise_is_identity_and_range_is_clipped():
    layer = L.RandomElasticTransform(scale=1.0, seed=1)
    images = torch.as_tensor(np.random.RandomState(1).uniform(0, 255, (4, 40, 40, 3)),
                             dtype=torch.float32)
    t = layer.get_random_transformation(images)
    assert t["noise"].shape == (4, 40, 40)
    still = layer.transform_images(images, dict(t, noise=torch.zeros(4, 40, 40),
                                                apply_transform=torch.ones(4, dtype=bool)))
    assert torch.allclose(still, images, atol=1e-3)
    moved = layer.transform_images(images, dict(t, apply_transform=torch.ones(4, dtype=bool)))
    assert not torch.allclose(moved, images)
    assert float(moved.min()) >= 0 and float(moved.max()) <= 255
    assert L.RandomElasticTransform(scale=0.0).get_random_transformation(images) is None
