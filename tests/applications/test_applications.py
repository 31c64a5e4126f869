"""keras.applications without TensorFlow: arguments and errors as Keras's, weights from the
Keras cache or a path, the frozen-base pattern, and the shim's ``keras.applications``."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import compat
from torchkeras.applications import imagenet_utils
from torchkeras.data import data_utils


def _small_mobilenet(**kwargs):
    kwargs = dict(dict(alpha=0.35, include_top=False, weights=None, input_shape=(32, 32, 3),
                       pooling="avg"), **kwargs)
    return keras.applications.MobileNetV2(**kwargs)


def test_weights_argument_is_checked():
    with pytest.raises(ValueError, match="The `weights` argument should be either `None`"):
        keras.applications.ResNet50(weights="no_such_file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000. Received `classes=10`"):
        keras.applications.VGG16(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 32x32; Received: "
                                         r"input_shape=\(16, 16, 3\)"):
        keras.applications.ResNet50(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="you should specify a static `input_shape`"):
        keras.applications.MobileNetV2(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        keras.applications.VGG16(weights=__file__, classifier_activation="relu")


def test_default_shapes_and_pooling():
    model = keras.applications.EfficientNetB0(weights=None, include_top=False)
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, None, None, 1280)
    pooled = keras.applications.ResNet50(weights=None, include_top=False, pooling="max",
                                         input_shape=(64, 64, 3))
    assert pooled.layers[-1].name == "max_pool" and pooled.output_shape == (None, 2048)
    top = keras.applications.VGG19(weights=None, classes=7, classifier_activation=None,
                                   input_shape=(32, 32, 3))
    assert top.output_shape == (None, 7) and top.name == "vgg19"


def test_input_tensor_keeps_its_predecessors():
    inputs = keras.Input((40, 40, 3))
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    model = keras.applications.ResNet50V2(weights=None, include_top=False, input_tensor=x,
                                          pooling="avg")
    assert model.inputs[0] is inputs and model.layers[1].name.startswith("rescaling")
    assert tuple(model(np.zeros((1, 40, 40, 3), "float32")).shape) == (1, 2048)
    with pytest.raises(ValueError, match="input_tensor must be a valid Keras tensor"):
        keras.applications.ResNet50(weights=None, input_tensor=np.zeros((1, 32, 32, 3)))


def test_imagenet_weights_missing_offline_names_file_url_and_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(origin, fpath):
        raise data_utils.DownloadError(f"URL fetch failure on {origin}: no network")

    monkeypatch.setattr(data_utils, "_download", offline)
    with pytest.raises(OSError) as info:
        keras.applications.ResNet50(weights="imagenet")
    message = str(info.value)
    name = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
    assert f"'{name}'" in message
    assert ("https://storage.googleapis.com/tensorflow/keras-applications/resnet/" + name
            in message)
    assert f"{tmp_path}/models/{name}" in message


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    source = _small_mobilenet(input_shape=(96, 96, 3))
    (tmp_path / "models").mkdir()
    source.save_weights(str(tmp_path / "models" /
                            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"))
    loaded = _small_mobilenet(input_shape=(96, 96, 3), weights="imagenet")
    for a, b in zip(source.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    path = tmp_path / "weights.h5"
    source.save_weights(str(path))
    from_path = _small_mobilenet(input_shape=(96, 96, 3), weights=str(path))
    np.testing.assert_array_equal(from_path.get_weights()[5], source.get_weights()[5])


def test_frozen_base_runs_batchnorm_in_inference_mode():
    keras.utils.set_random_seed(0)
    base = _small_mobilenet(pooling=None)
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    x = base(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3)(x)
    model = keras.Model(inputs, outputs)
    assert [w.shape for w in model.trainable_weights] == [(1280, 3), (3,)]
    bn = base.get_layer("bn_Conv1")
    before = [w.copy() for w in bn.get_weights()]
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x_data = np.random.RandomState(0).uniform(-1, 1, (16, 32, 32, 3)).astype("float32")
    y_data = np.arange(16) % 3
    kernel = base.get_layer("Conv1").get_weights()[0].copy()
    model.fit(x_data, y_data, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(before, bn.get_weights()):  # moving statistics untouched
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(kernel, base.get_layer("Conv1").get_weights()[0])
    # frozen: training=True gives the inference output (BatchNormalization uses its
    # moving statistics), as in Keras 2
    np.testing.assert_allclose(np.asarray(base(x_data[:4], training=True)),
                               np.asarray(base(x_data[:4], training=False)), atol=1e-6)
    # fine-tuning the top layers only
    base.trainable = True
    for layer in base.layers[:-10]:
        layer.trainable = False
    trainable_layers = {w_layer.name for w_layer in base.layers if w_layer.trainable_weights}
    assert trainable_layers == {"block_16_expand_BN", "block_16_depthwise",
                                "block_16_depthwise_BN", "block_16_project",
                                "block_16_project_BN", "Conv_1", "Conv_1_bn"}
    assert len(base.trainable_weights) == 11  # 3 kernels + 4 BatchNorms x (gamma, beta)


def test_summary_reports_keras_parameter_counts(capsys):
    keras.applications.MobileNetV2(weights=None).summary()
    out = capsys.readouterr().out
    assert 'Model: "mobilenetv2_1.00_224"' in out
    assert "Total params: 3538984 (13.50 MB)" in out  # tf-keras 2.15's format
    assert "Trainable params: 3504872" in out and "Non-trainable params: 34112" in out


def test_preprocess_input_modes():
    pixels = np.array([[[[255.0, 0.0, 127.5]]]], dtype="float32")
    np.testing.assert_allclose(imagenet_utils.preprocess_input(pixels.copy(), mode="tf"),
                               [[[[1.0, -1.0, 0.0]]]])
    torch_mode = imagenet_utils.preprocess_input(pixels.copy(), mode="torch")
    np.testing.assert_allclose(torch_mode, [[[[(1 - 0.485) / 0.229, -0.456 / 0.224,
                                               (0.5 - 0.406) / 0.225]]]], rtol=1e-6)
    caffe = imagenet_utils.preprocess_input(pixels.copy(), mode="caffe")
    np.testing.assert_allclose(caffe, [[[[127.5 - 103.939, 0 - 116.779, 255 - 123.68]]]],
                               rtol=1e-6)
    first = imagenet_utils.preprocess_input(pixels.reshape(1, 3, 1, 1).copy(), mode="caffe",
                                            data_format="channels_first")
    np.testing.assert_allclose(first.reshape(-1), caffe.reshape(-1), rtol=1e-6)
    uint8 = imagenet_utils.preprocess_input(np.full((1, 1, 3), 255, np.uint8), mode="tf")
    assert uint8.dtype == np.float32
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or "
                                         "`torch`. Received: mode=bgr"):
        imagenet_utils.preprocess_input(pixels, mode="bgr")
    assert keras.applications.efficientnet.preprocess_input(pixels) is pixels


def test_decode_predictions_checks_shape_and_reads_cached_index(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match=r"Found array with shape: \(2, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX",
                        {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)})
    preds = np.zeros((1, 1000), "float32")
    preds[0, [3, 7]] = [0.25, 0.75]
    top = keras.applications.resnet50.decode_predictions(torch.as_tensor(preds), top=2)
    assert [(name, score) for _, name, score in top[0]] == [("class_7", 0.75),
                                                            ("class_3", 0.25)]


def test_served_as_keras_and_tf_keras_applications():
    compat.install(override=True)
    try:
        import keras as shim_keras
        import tensorflow as tf
        from keras.applications.resnet50 import ResNet50, preprocess_input
        from tensorflow.keras.applications import MobileNetV2
        assert ResNet50 is keras.applications.ResNet50
        assert preprocess_input is keras.applications.resnet50.preprocess_input
        assert MobileNetV2 is tf.keras.applications.MobileNetV2
        assert shim_keras.applications.convnext.ConvNeXtTiny is keras.applications.ConvNeXtTiny
        assert tf.keras.applications.efficientnet.EfficientNetB3 is \
            keras.applications.EfficientNetB3
    finally:
        compat.uninstall()


def test_preprocess_input_on_a_symbolic_tensor_becomes_a_layer():
    inputs = keras.Input((4, 4, 3))
    outputs = keras.applications.resnet50.preprocess_input(inputs)
    model = keras.Model(inputs, outputs)
    pixels = np.random.RandomState(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(pixels)),
                               imagenet_utils.preprocess_input(pixels.copy()), rtol=1e-6)
    assert model.count_params() == 0
