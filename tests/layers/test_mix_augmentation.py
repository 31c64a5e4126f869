"""Properties of MixUp, CutMix and RandomErasing draws (transforms: compat parity)."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras

L = keras.layers
IMAGES = torch.as_tensor(np.random.RandomState(0).uniform(0, 255, (32, 8, 8, 3)),
                         dtype=torch.float32)
LABELS = torch.eye(4)[torch.arange(32) % 4]


def test_mixup_weights_beta_distributed_and_labels_follow():
    layer = L.MixUp(alpha=0.2, seed=1)
    t = layer.get_random_transformation(IMAGES)
    weight = t["mix_weight"]
    assert weight.shape == (32,) and ((weight >= 0) & (weight <= 1)).all()
    assert float((torch.minimum(weight, 1 - weight) < 0.1).float().mean()) > 0.5  # U-shaped
    assert sorted(t["permutation_order"].tolist()) == list(range(32))
    out = layer({"images": IMAGES, "labels": LABELS})
    assert torch.allclose(out["labels"].sum(dim=1), torch.ones(32), atol=1e-5)


def test_cutmix_box_area_sets_label_weight():
    layer = L.CutMix(seed=2)
    t = layer.get_random_transformation(IMAGES)
    masks = t["batch_masks"]  # (batch, h, w, channels)
    area = masks[..., 0].float().mean(dim=(1, 2))
    assert torch.allclose(1 - area, t["mix_weight"].reshape(-1), atol=0.3)
    out = layer.transform_images(IMAGES, t)
    order = t["permutation_order"]
    assert torch.equal(out[masks], IMAGES[order][masks])
    assert torch.equal(out[~masks], IMAGES[~masks])


def test_random_erasing_box_scale_and_fill():
    layer = L.RandomErasing(factor=1.0, scale=(0.2, 0.2), fill_value=3.0, seed=3)
    t = layer.get_random_transformation(IMAGES)
    out = layer.transform_images(IMAGES, t)
    erased = (out == 3.0).all(dim=-1) & t["apply_erasing"][:, None, None]
    assert 0 < int(t["apply_erasing"].sum()) < 32
    assert int(erased.sum()) > 0
    noise = L.RandomErasing(seed=3).get_random_transformation(IMAGES)["fill_value"]
    assert float(noise.min()) >= 0 and float(noise.max()) <= 255
