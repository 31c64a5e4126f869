"""The applications' own layers: ConvNeXt's StochasticDepth and InceptionResNetV2's
CustomScaleLayer (layer contract via ``layer_test``; behaviour as Keras 2's); saved models
with the stand-in layers reload."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras
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


def test_models_with_the_stand_in_layers_reload_from_keras_files(tmp_path):
    # ConstantAdd/ConstantMultiply (MobileNetV3's hard_sigmoid), LayerScale (ConvNeXt) and
    # PreprocessInput (preprocess_input on a symbolic tensor) are registered for loading.
    inputs = keras.Input((32, 32, 3))
    x = keras.applications.resnet50.preprocess_input(inputs)
    preprocessed = keras.Model(inputs, x)
    x = np.random.RandomState(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    for model in (keras.applications.MobileNetV3Small(weights=None, include_top=False,
                                                      input_shape=(32, 32, 3)),
                  keras.applications.ConvNeXtTiny(weights=None, include_top=False,
                                                  input_shape=(32, 32, 3)),
                  preprocessed):
        path = str(tmp_path / f"{model.name}.keras")
        model.save(path)
        restored = keras.models.load_model(path)
        assert [type(layer).__name__ for layer in restored.layers] == \
            [type(layer).__name__ for layer in model.layers]
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-5, atol=1e-5)
