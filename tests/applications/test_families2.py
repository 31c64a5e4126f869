"""InceptionResNetV2, NASNet, EfficientNetV2, RegNet and ResNetRS without TensorFlow:
arguments and errors as Keras 2's, public names, and weight files named as Keras's."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from torchkeras import compat
from torchkeras.applications import efficientnet_v2, nasnet, regnet, resnet_rs


def test_new_families_are_served_as_keras_and_tf_keras_applications():
    compat.install(override=True)
    try:
        import tensorflow as tf
        from keras.applications.efficientnet_v2 import EfficientNetV2B0
        from tensorflow.keras.applications.nasnet import NASNetMobile
        assert EfficientNetV2B0 is keras.applications.EfficientNetV2B0
        assert NASNetMobile is keras.applications.NASNetMobile
        for name in ("InceptionResNetV2", "NASNetLarge", "EfficientNetV2L", "RegNetX002",
                     "RegNetY320", "ResNetRS50", "ResNetRS420"):
            assert getattr(tf.keras.applications, name) is getattr(keras.applications, name)
            assert getattr(keras.applications, name).__name__ == name
    finally:
        compat.uninstall()
    for module in ("inception_resnet_v2", "nasnet", "efficientnet_v2", "regnet", "resnet_rs"):
        mod = getattr(keras.applications, module)
        assert callable(mod.preprocess_input) and callable(mod.decode_predictions)


def test_preprocess_inputs():
    x = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    np.testing.assert_allclose(keras.applications.nasnet.preprocess_input(x.copy()),
                               [[[[-1.0, 0.0, 1.0]]]])
    np.testing.assert_allclose(
        keras.applications.inception_resnet_v2.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]])
    for module in (efficientnet_v2, regnet, resnet_rs):  # the models rescale themselves
        assert module.preprocess_input(x) is x


def test_nasnet_checks_penultimate_filters_and_static_shape():
    with pytest.raises(ValueError, match="`penultimate_filters` must be a multiple of 24"):
        nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=1000, include_top=False,
                      weights=None)
    with pytest.raises(ValueError, match="the input_shape argument must be static"):
        keras.applications.NASNetMobile(input_shape=(None, None, 3), weights="imagenet",
                                        include_top=False)


def test_resnet_rs_weight_variants():
    with pytest.raises(ValueError, match=r"For ResNetRS50 the following weight variants are "
                                         r"available \['imagenet-i160'\]"):
        keras.applications.ResNetRS50(weights="imagenet-i224")
    with pytest.raises(ValueError, match="`classes` should be 1000. Received classes=10"):
        keras.applications.ResNetRS101(weights="imagenet-i192", classes=10)
    assert resnet_rs.WEIGHT_HASHES["resnet-rs-50-i160_notop.h5"] == (
        "90daa68cd26c95aa6c5d25451e095529")


def test_regnet_top_is_logits_like_keras_2():
    model = keras.applications.RegNetX002(weights=None, input_shape=(32, 32, 3), classes=5)
    assert [layer.name for layer in model.layers[-2:]] == ["1_head_gap", "1head_dense"]
    assert model.layers[-1].get_config()["activation"] == "linear"
    assert model.output_shape == (None, 5)
    with pytest.raises(ValueError, match=r"Input filters\(8\) and output filters\(16\) are "
                                         "not equal for stride 1"):
        regnet.XBlock(8, 16, 8)(keras.Input((4, 4, 8)))


def test_efficientnet_v2_sizes_and_weight_names():
    model = keras.applications.EfficientNetV2S(weights=None, include_top=False,
                                               input_shape=(64, 64, 3), pooling="max")
    assert model.name == "efficientnetv2-s" and model.output_shape == (None, 1280)
    assert model.layers[1].__class__.__name__ == "Rescaling"  # S/M/L: x / 128 - 1
    assert model.layers[1].get_config()["offset"] == -1
    assert efficientnet_v2.WEIGHTS_HASHES["-l"][0] == "27e6d408b53c7ebc868fefa357689935"


def test_keras_3_name_argument():
    model = keras.applications.NASNetMobile(weights=None, include_top=False,
                                            input_shape=(32, 32, 3), name="nasnet_mobile")
    assert model.name == "nasnet_mobile"
    model = keras.applications.EfficientNetV2B0(weights=None, include_top=False,
                                                input_shape=(32, 32, 3), name="backbone")
    assert model.name == "backbone"
    assert keras.applications.InceptionResNetV2(weights=None, include_top=False,
                                                input_shape=(75, 75, 3)).name == (
        "inception_resnet_v2")  # Keras 2's default
