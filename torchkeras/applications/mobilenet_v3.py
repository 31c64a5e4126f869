"""MobileNetV3Small/Large (Howard et al. 2019), layer for layer as Keras's, so its weight
files load. The model rescales its inputs itself (``include_preprocessing``): feed [0, 255]."""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.applications._layers import ConstantAdd, ConstantMultiply, OpNames
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, Add, BatchNormalization, Conv2D, DepthwiseConv2D,
                               Dropout, Flatten, GlobalAveragePooling2D, Input, Multiply, ReLU,
                               Rescaling, ZeroPadding2D)

__all__ = ["MobileNetV3", "MobileNetV3Small", "MobileNetV3Large", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# model name -> (md5 with top, md5 without top)
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}
# (expansion, filters, kernel ('k': the model's), stride, squeeze-excite, hard-swish) per block
_SMALL = ((1, 16, 3, 2, True, False), (72.0 / 16, 24, 3, 2, False, False),
          (88.0 / 24, 24, 3, 1, False, False), (4, 40, "k", 2, True, True),
          (6, 40, "k", 1, True, True), (6, 40, "k", 1, True, True), (3, 48, "k", 1, True, True),
          (3, 48, "k", 1, True, True), (6, 96, "k", 2, True, True), (6, 96, "k", 1, True, True),
          (6, 96, "k", 1, True, True))
_LARGE = ((1, 16, 3, 1, False, False), (4, 24, 3, 2, False, False),
          (3, 24, 3, 1, False, False), (3, 40, "k", 2, True, False),
          (3, 40, "k", 1, True, False), (3, 40, "k", 1, True, False), (6, 80, 3, 2, False, True),
          (2.5, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True),
          (2.3, 80, 3, 1, False, True), (6, 112, 3, 1, True, True), (6, 112, 3, 1, True, True),
          (6, 160, "k", 2, True, True), (6, 160, "k", 1, True, True),
          (6, 160, "k", 1, True, True))


class _Builder:
    """The model's activations, with Keras 2's names for the op layers of ``hard_sigmoid``."""

    def __init__(self) -> None:
        self.add_name = OpNames("tf.__operators__.add")
        self.multiply_name = OpNames("tf.math.multiply")

    def relu(self, x: Any) -> Any:
        return ReLU()(x)

    def hard_sigmoid(self, x: Any) -> Any:  # relu6(x + 3) / 6
        x = ReLU(6.0)(ConstantAdd(3.0, name=self.add_name())(x))
        return ConstantMultiply([1.0 / 6.0], name=self.multiply_name())(x)

    def hard_swish(self, x: Any) -> Any:
        return Multiply()([x, self.hard_sigmoid(x)])


def _depth(v: float, divisor: int = 8, min_value: Optional[int] = None) -> int:
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:  # rounding down must not lose more than 10%
        new_v += divisor
    return new_v


def _se_block(b: _Builder, inputs: Any, filters: int, se_ratio: float, prefix: str) -> Any:
    x = GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite/AvgPool")(inputs)
    x = Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
               name=prefix + "squeeze_excite/Conv")(x)
    x = ReLU(name=prefix + "squeeze_excite/Relu")(x)
    x = Conv2D(filters, kernel_size=1, padding="same", name=prefix + "squeeze_excite/Conv_1")(x)
    x = b.hard_sigmoid(x)
    return Multiply(name=prefix + "squeeze_excite/Mul")([inputs, x])


def _inverted_res_block(b: _Builder, x: Any, expansion: float, filters: int, kernel_size: int,
                        stride: int, se_ratio: Optional[float], activation: Callable[[Any], Any],
                        block_id: int) -> Any:
    channel_axis = 1 if backend_config.image_data_format() == "channels_first" else -1
    bn = dict(axis=channel_axis, epsilon=1e-3, momentum=0.999)
    shortcut = x
    prefix = "expanded_conv/"
    infilters = tuple(x.shape)[channel_axis]
    if block_id:
        prefix = f"expanded_conv_{block_id}/"
        x = Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
                   name=prefix + "expand")(x)
        x = BatchNormalization(name=prefix + "expand/BatchNorm", **bn)(x)
        x = activation(x)
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=prefix + "depthwise/pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                        use_bias=False, name=prefix + "depthwise")(x)
    x = BatchNormalization(name=prefix + "depthwise/BatchNorm", **bn)(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(b, x, _depth(infilters * expansion), se_ratio, prefix)
    x = Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = BatchNormalization(name=prefix + "project/BatchNorm", **bn)(x)
    if stride == 1 and infilters == filters:
        x = Add(name=prefix + "Add")([shortcut, x])
    return x


def MobileNetV3(blocks: Sequence[tuple], last_point_ch: int,
                input_shape: Optional[Sequence[Optional[int]]] = None, alpha: float = 1.0,
                model_type: str = "large", minimalistic: bool = False,
                include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                classes: int = 1000, pooling: Optional[str] = None,
                dropout_rate: float = 0.2, classifier_activation: Any = "softmax",
                include_preprocessing: bool = True, name: Optional[str] = None) -> Model:
    """A MobileNetV3 of ``blocks`` (see ``_SMALL``/``_LARGE``); ``name`` (Keras 3) defaults
    to Keras 2's ``'MobilenetV3' + model_type`` (Keras 3: ``'MobileNetV3Small'``...)."""
    _common.check_weights(weights, include_top, classes)
    channels_last = backend_config.image_data_format() == "channels_last"
    if input_tensor is not None and not _common.is_keras_tensor(input_tensor):
        raise ValueError("input_tensor must be a valid Keras tensor type; Received "
                         f"{input_tensor} of type {type(input_tensor)}")
    if input_shape is None:
        input_shape = (tuple(input_tensor.shape)[1:] if input_tensor is not None else
                       ((None, None, 3) if channels_last else (3, None, None)))
    rows, cols = (input_shape[0], input_shape[1]) if channels_last else input_shape[1:3]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError("Input size must be at least 32x32; Received `input_shape="
                         f"{input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, "
                             "`1.0` for non minimalistic or `1.0` for minimalistic only.")
        if rows != cols or rows != 224:
            logging.getLogger("torchkeras").warning(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for "
                "input shape (224, 224) will be loaded as the default.")
    img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
    channel_axis = -1 if channels_last else 1
    b = _Builder()
    kernel, activation, se_ratio = ((3, b.relu, None) if minimalistic
                                    else (5, b.hard_swish, 0.25))
    x = img_input
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv")(x)
    x = BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999,
                           name="Conv/BatchNorm")(x)
    x = activation(x)
    for block_id, (expansion, filters, k, stride, se, swish) in enumerate(blocks):
        x = _inverted_res_block(b, x, expansion, _depth(filters * alpha),
                                kernel if k == "k" else k, stride, se_ratio if se else None,
                                activation if swish else b.relu, block_id)
    last_conv_ch = _depth(tuple(x.shape)[channel_axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="Conv_1")(x)
    x = BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999,
                           name="Conv_1/BatchNorm")(x)
    x = activation(x)
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="Conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate)(x)
        x = Conv2D(classes, kernel_size=1, padding="same", name="Logits")(x)
        x = Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Activation(activation=classifier_activation, name="Predictions")(x)
    else:
        x = _common.pool(x, pooling, "avg_pool", "max_pool")
    model = _common.finish(img_input, input_tensor, x, name or "MobilenetV3" + model_type)
    model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    file_name = ("weights_mobilenet_v3_" + model_name
                 + (".h5" if include_top else "_no_top_v2.h5"))
    file_hash = WEIGHTS_HASHES.get(model_name, (None, None))[0 if include_top else 1]
    return _common.load_weights(model, weights, file_name, BASE_WEIGHT_PATH + file_name,
                                file_hash)


def MobileNetV3Small(input_shape: Optional[Sequence[Optional[int]]] = None, alpha: float = 1.0,
                     minimalistic: bool = False, include_top: bool = True,
                     weights: Any = "imagenet", input_tensor: Any = None, classes: int = 1000,
                     pooling: Optional[str] = None, dropout_rate: float = 0.2,
                     classifier_activation: Any = "softmax",
                     include_preprocessing: bool = True,
                     name: str = "MobilenetV3small") -> Model:
    """MobileNetV3Small (pixels in [0, 255]; the model rescales them)."""
    return MobileNetV3(_SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name)


def MobileNetV3Large(input_shape: Optional[Sequence[Optional[int]]] = None, alpha: float = 1.0,
                     minimalistic: bool = False, include_top: bool = True,
                     weights: Any = "imagenet", input_tensor: Any = None, classes: int = 1000,
                     pooling: Optional[str] = None, dropout_rate: float = 0.2,
                     classifier_activation: Any = "softmax",
                     include_preprocessing: bool = True,
                     name: str = "MobilenetV3large") -> Model:
    """MobileNetV3Large (pixels in [0, 255]; the model rescales them)."""
    return MobileNetV3(_LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top,
                       weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Returns ``x`` unchanged: MobileNetV3 rescales its inputs itself."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
