"""The applications' own layers: ConvNeXt's StochasticDepth and InceptionResNetV2's
CustomScaleLayer (layer contract via ``layer_test``; behaviour as Keras 2's)."""
from __future__ import annotations

import numpy as np
import torch

from layer_test import layer_test
from torchkeras.applications._layers import StochasticDepth
from torchkeras.applications.inception_resnet_v2 import CustomScaleLayer


def test_stochastic_depth_contract_and_inference_identity():
    data = np.random.RandomState(0).normal(size=(4, 3, 3, 2)).astype("float32")
    out = layer_test(StochasticDepth, {"drop_path_rate": 0.5}, input_data=data,
                     expected_output_shape=(None, 3, 3, 2), expected_num_trainable_weights=0,
                     expected_num_non_trainable_weights=0)
    np.testing.assert_array_equal(out, data)  # identity at inference
    assert StochasticDepth(0.25).get_config()["drop_path_rate"] == 0.25


def test_stochastic_depth_drops_whole_samples_while_training():
    torch.manual_seed(0)
    x = torch.ones(512, 2, 2, 3)
    y = StochasticDepth(0.25)(x, training=True)
    per_sample = y.reshape(512, -1)
    # every sample is either dropped (all 0) or kept and scaled by 1 / keep_prob
    kept = (per_sample == 1 / 0.75).all(dim=1)
    dropped = (per_sample == 0).all(dim=1)
    assert bool((kept | dropped).all())
    assert 0.15 < float(dropped.float().mean()) < 0.35


def test_custom_scale_layer_adds_scaled_residual():
    a = np.arange(6, dtype="float32").reshape(1, 6)
    b = np.ones((1, 6), dtype="float32")
    layer = CustomScaleLayer(0.17)
    np.testing.assert_allclose(np.asarray(layer([a, b])), a + 0.17 * b, rtol=1e-6)
    assert layer.get_config()["scale"] == 0.17
    assert layer.compute_output_shape([(None, 6), (None, 6)]) == (None, 6)
