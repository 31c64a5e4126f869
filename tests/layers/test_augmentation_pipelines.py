"""Pipeline, RandomColorJitter and RandAugment."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras

L = keras.layers
IMAGES = np.random.RandomState(0).uniform(0, 255, (8, 6, 7, 3)).astype("float32")


def test_pipeline_runs_layers_in_order_and_round_trips():
    pipeline = L.Pipeline([L.AutoContrast(), L.RandomInvert(factor=(1.0, 1.0))])
    expected = 255.0 - np.asarray(L.AutoContrast()(IMAGES))
    np.testing.assert_allclose(np.asarray(pipeline(IMAGES)), expected, atol=1e-4)
    np.testing.assert_array_equal(np.asarray(pipeline(IMAGES, training=False)),
                                  np.asarray(L.AutoContrast()(IMAGES)))
    clone = L.deserialize(L.serialize(pipeline))
    assert [type(x).__name__ for x in clone.layers] == ["AutoContrast", "RandomInvert"]
    assert len(pipeline.layers) == 2
    symbolic = pipeline(keras.Input((6, 7, 3)))
    assert tuple(symbolic.shape) == (None, 6, 7, 3)


def test_color_jitter_fixed_brightness_shifts_by_the_range_fraction():
    layer = L.RandomColorJitter(brightness_factor=(0.1, 0.1))
    out = np.asarray(layer(IMAGES * 0.5))
    np.testing.assert_allclose(out, np.clip(IMAGES * 0.5 + 25.5, 0, 255), atol=1e-4)
    assert set(layer.get_config()) >= {"value_range", "brightness_factor", "contrast_factor",
                                       "saturation_factor", "hue_factor", "seed"}


def test_rand_augment_draws_num_ops_of_eleven_per_call():
    layer = L.RandAugment(num_ops=3, seed=1)
    seen = set()
    for _ in range(20):
        idx = layer.get_random_transformation(torch.as_tensor(IMAGES))["layer_idxes"]
        assert idx.shape == (3,)
        seen.update(idx.tolist())
    assert seen <= set(range(11)) and len(seen) > 6
    out = np.asarray(layer(IMAGES))
    assert out.shape == IMAGES.shape and out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    assert layer.factor == (0, 0.5)


def test_aug_mix_weights_and_chains():
    layer = L.AugMix(num_chains=4, chain_depth=2, seed=2)
    t = layer.get_random_transformation(torch.as_tensor(IMAGES))
    assert t["chain_mixing_weights"].shape == (4,)
    assert abs(float(t["chain_mixing_weights"].sum()) - 1.0) < 1e-5  # Dirichlet sample
    assert 0.0 <= float(t["weight_sample"]) <= 1.0
    assert t["chain_ops"].shape == (4, 2) and int(t["chain_ops"].max()) <= 11
    # Weight 1 on the original image: AugMix returns it unchanged.
    same = layer.transform_images(IMAGES, dict(t, weight_sample=torch.tensor(1.0)))
    np.testing.assert_allclose(np.asarray(same), IMAGES, atol=1e-4)
    assert len(L.AugMix(all_ops=False)._ops) == 7
