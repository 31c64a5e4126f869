"""InceptionResNetV2 (Szegedy et al. 2017), layer for layer as Keras's, so its weight files
load."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                               Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D)
from torchkeras.layers.base import Layer
from torchkeras.registry.object_registration import register_keras_serializable

__all__ = ["InceptionResNetV2", "CustomScaleLayer", "conv2d_bn", "inception_resnet_block",
           "preprocess_input", "decode_predictions"]

BASE_WEIGHT_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                   "inception_resnet_v2/")
WEIGHTS_HASHES = ("e693bd0210a403b3192acc6073ad2e96", "d19885ff4a710c122648d3b5c3b684e4")


def _axis() -> int:
    return 1 if backend_config.image_data_format() == "channels_first" else 3


@register_keras_serializable()  # "Custom>CustomScaleLayer", as Keras registers it
class CustomScaleLayer(Layer):
    """``inputs[0] + inputs[1] * scale``: the shortcut plus the scaled residual."""

    def __init__(self, scale: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        return inputs[0] + inputs[1] * self.scale  # (batch, rows, cols, channels)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape[0]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"scale": self.scale})
        return config


def conv2d_bn(x: Any, filters: int, kernel_size: Any, strides: int = 1,
              padding: str = "same", activation: Any = "relu", use_bias: bool = False,
              name: Optional[str] = None) -> Any:
    """Conv -> BatchNormalization (no scale; only without a bias) -> activation."""
    x = Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
               name=name)(x)
    if not use_bias:
        bn_name = None if name is None else name + "_bn"
        x = BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        x = Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def inception_resnet_block(x: Any, scale: float, block_type: str, block_idx: int,
                           activation: Any = "relu") -> Any:
    """An Inception-ResNet block: ``'block35'`` (A), ``'block17'`` (B) or ``'block8'`` (C)."""
    if block_type == "block35":
        branches = [conv2d_bn(x, 32, 1),
                    conv2d_bn(conv2d_bn(x, 32, 1), 32, 3),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)]
    elif block_type == "block17":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])]
    elif block_type == "block8":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])]
    else:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" '
                         f'or "block8", but got: {block_type}')
    block_name = f"{block_type}_{block_idx}"
    axis = _axis()
    mixed = Concatenate(axis=axis, name=block_name + "_mixed")(branches)
    up = conv2d_bn(mixed, tuple(x.shape)[axis], 1, activation=None, use_bias=True,
                   name=block_name + "_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = Activation(activation, name=block_name + "_ac")(x)
    return x


def InceptionResNetV2(include_top: bool = True, weights: Any = "imagenet",
                      input_tensor: Any = None,
                      input_shape: Optional[Sequence[Optional[int]]] = None,
                      pooling: Optional[str] = None, classes: int = 1000,
                      classifier_activation: Any = "softmax",
                      name: str = "inception_resnet_v2", **kwargs: Any) -> Model:
    """InceptionResNetV2 (default input 299x299, at least 75x75; inputs in [-1, 1])."""
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 299, 75, include_top, weights)
    axis = _axis()
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")  # stem
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = MaxPooling2D(3, strides=2)(x)
    branches = [conv2d_bn(x, 96, 1),  # mixed 5b (Inception-A): 35 x 35 x 320
                conv2d_bn(conv2d_bn(x, 48, 1), 64, 5),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3),
                conv2d_bn(AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)]
    x = Concatenate(axis=axis, name="mixed_5b")(branches)
    for block_idx in range(1, 11):  # 10x block35: 35 x 35 x 320
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    branches = [conv2d_bn(x, 384, 3, strides=2, padding="valid"),  # mixed 6a: 17 x 17 x 1088
                conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2,
                          padding="valid"),
                MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = Concatenate(axis=axis, name="mixed_6a")(branches)
    for block_idx in range(1, 21):  # 20x block17: 17 x 17 x 1088
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    branches = [conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2,
                          padding="valid"),
                MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = Concatenate(axis=axis, name="mixed_7a")(branches)  # 8 x 8 x 2080
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8",
                               block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")  # 8 x 8 x 1536
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x, name)
    suffix = "" if include_top else "_notop"
    file_name = f"inception_resnet_v2_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return _common.load_weights(model, weights, file_name, BASE_WEIGHT_URL + file_name,
                                WEIGHTS_HASHES[0 if include_top else 1])


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
