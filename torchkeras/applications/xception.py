"""Xception (Chollet 2017), layer for layer as Keras's, so its weight files load."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                               GlobalAveragePooling2D, MaxPooling2D, SeparableConv2D)

__all__ = ["Xception", "preprocess_input", "decode_predictions"]

_BASE = ("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
         "xception_weights_tf_dim_ordering_tf_kernels")
WEIGHTS_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def Xception(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
             input_shape: Optional[Sequence[Optional[int]]] = None,
             pooling: Optional[str] = None, classes: int = 1000,
             classifier_activation: Any = "softmax", name: str = "xception") -> Model:
    """Xception (default input 299x299, at least 71x71; inputs in [-1, 1])."""
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 299, 71, include_top, weights)
    axis = 1 if backend_config.image_data_format() == "channels_first" else -1

    def sepconv_bn(x: Any, filters: int, name: str) -> Any:
        x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
        return BatchNormalization(axis=axis, name=name + "_bn")(x)

    def shortcut(x: Any, filters: int) -> Any:
        residual = Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
        return BatchNormalization(axis=axis)(residual)

    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)
    for block, filters in ((2, 128), (3, 256), (4, 728)):  # entry flow
        residual = shortcut(x, filters)
        if block > 2:
            x = Activation("relu", name=f"block{block}_sepconv1_act")(x)
        x = sepconv_bn(x, filters, f"block{block}_sepconv1")
        x = Activation("relu", name=f"block{block}_sepconv2_act")(x)
        x = sepconv_bn(x, filters, f"block{block}_sepconv2")
        x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
        x = Add()([x, residual])
    for i in range(8):  # middle flow
        residual = x
        prefix = "block" + str(i + 5)
        for j in (1, 2, 3):
            x = Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = sepconv_bn(x, 728, f"{prefix}_sepconv{j}")
        x = Add()([x, residual])
    residual = shortcut(x, 1024)  # exit flow
    x = Activation("relu", name="block13_sepconv1_act")(x)
    x = sepconv_bn(x, 728, "block13_sepconv1")
    x = Activation("relu", name="block13_sepconv2_act")(x)
    x = sepconv_bn(x, 1024, "block13_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = Add()([x, residual])
    x = sepconv_bn(x, 1536, "block14_sepconv1")
    x = Activation("relu", name="block14_sepconv1_act")(x)
    x = sepconv_bn(x, 2048, "block14_sepconv2")
    x = Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x, name)
    suffix = "" if include_top else "_notop"
    return _common.load_weights(model, weights, f"xception_weights_tf_dim_ordering_tf_kernels"
                                f"{suffix}.h5", f"{_BASE}{suffix}.h5",
                                WEIGHTS_HASHES[0 if include_top else 1])


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
