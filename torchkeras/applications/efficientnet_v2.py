"""EfficientNetV2 B0-B3, S, M, L (Tan & Le 2021), layer for layer as Keras's, so its weight
files load. The model rescales and normalizes its inputs itself: feed pixels in [0, 255]."""
from __future__ import annotations

import copy
import math
from typing import Any, Callable, Dict, List, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, BatchNormalization, Conv2D, Dense, DepthwiseConv2D,
                               Dropout, GlobalAveragePooling2D, Normalization, Rescaling,
                               Reshape, add, multiply)

__all__ = ["EfficientNetV2", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
           "EfficientNetV2B3", "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
           "MBConvBlock", "FusedMBConvBlock", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "efficientnet_v2/")
# model_name[-2:] -> (md5 with top, md5 without top)
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio",
         "se_ratio", "strides", "conv_type")
# Per stage: (kernel_size, num_repeat, input_filters, output_filters, expand_ratio, se_ratio,
# strides, conv_type); conv_type 1 = FusedMBConv, 0 = MBConv.
_B = ((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
      (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0),
      (3, 8, 112, 192, 6, 0.25, 2, 0))
_STAGES = {
    "efficientnetv2-s": ((3, 2, 24, 24, 1, 0.0, 1, 1), (3, 4, 24, 48, 4, 0.0, 2, 1),
                         (3, 4, 48, 64, 4, 0, 2, 1), (3, 6, 64, 128, 4, 0.25, 2, 0),
                         (3, 9, 128, 160, 6, 0.25, 1, 0), (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "efficientnetv2-m": ((3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1),
                         (3, 5, 48, 80, 4, 0, 2, 1), (3, 7, 80, 160, 4, 0.25, 2, 0),
                         (3, 14, 160, 176, 6, 0.25, 1, 0), (3, 18, 176, 304, 6, 0.25, 2, 0),
                         (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "efficientnetv2-l": ((3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1),
                         (3, 7, 64, 96, 4, 0, 2, 1), (3, 10, 96, 192, 4, 0.25, 2, 0),
                         (3, 19, 192, 224, 6, 0.25, 1, 0), (3, 25, 224, 384, 6, 0.25, 2, 0),
                         (3, 7, 384, 640, 6, 0.25, 1, 0)),
    "efficientnetv2-b0": _B, "efficientnetv2-b1": _B, "efficientnetv2-b2": _B,
    "efficientnetv2-b3": _B,
}
DEFAULT_BLOCKS_ARGS: Dict[str, List[Dict[str, Any]]] = {
    name: [dict(zip(_KEYS, stage)) for stage in stages] for name, stages in _STAGES.items()}
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}


def round_filters(filters: float, width_coefficient: float, min_depth: Optional[int],
                  depth_divisor: int) -> int:
    """``filters * width_coefficient`` rounded to a multiple of ``depth_divisor``."""
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(max(minimum_depth,
                   int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats: int, depth_coefficient: float) -> int:
    """``repeats * depth_coefficient`` rounded up."""
    return int(math.ceil(depth_coefficient * repeats))


def _bn_axis() -> int:
    return 3 if backend_config.image_data_format() == "channels_last" else 1


def _conv(filters: int, kernel_size: int, name: str, strides: int = 1, **kwargs: Any) -> Conv2D:
    return Conv2D(filters, kernel_size=kernel_size, strides=strides,
                  kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=False,
                  name=name, **kwargs)


def _squeeze_excite(x: Any, input_filters: int, filters: int, se_ratio: float,
                    activation: Any, name: str) -> Any:
    """Squeeze-and-excitation: channel weights from the global average."""
    filters_se = max(1, int(input_filters * se_ratio))
    se = GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se_shape = (filters, 1, 1) if _bn_axis() == 1 else (1, 1, filters)
    se = Reshape(se_shape, name=name + "se_reshape")(se)
    se = Conv2D(filters_se, 1, padding="same", activation=activation,
                kernel_initializer=CONV_KERNEL_INITIALIZER, name=name + "se_reduce")(se)
    se = Conv2D(filters, 1, padding="same", activation="sigmoid",
                kernel_initializer=CONV_KERNEL_INITIALIZER, name=name + "se_expand")(se)
    return multiply([x, se], name=name + "se_excite")


def _residual(x: Any, inputs: Any, strides: int, input_filters: int, output_filters: int,
              survival_probability: float, name: str) -> Any:
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = Dropout(survival_probability, noise_shape=(None, 1, 1, 1),
                        name=name + "drop")(x)
        x = add([x, inputs], name=name + "add")
    return x


def MBConvBlock(input_filters: int, output_filters: int, expand_ratio: int = 1,
                kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0,
                bn_momentum: float = 0.9, activation: Any = "swish",
                survival_probability: float = 0.8, name: str = "") -> Callable[[Any], Any]:
    """Expand (1x1) -> depthwise -> squeeze-excite -> project (1x1), plus the input."""
    bn_axis = _bn_axis()

    def apply(inputs: Any) -> Any:
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, 1, name + "expand_conv")(inputs)
            x = BatchNormalization(axis=bn_axis, momentum=bn_momentum,
                                   name=name + "expand_bn")(x)
            x = Activation(activation, name=name + "expand_activation")(x)
        x = DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                            depthwise_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                            use_bias=False, name=name + "dwconv2")(x)
        x = BatchNormalization(axis=bn_axis, momentum=bn_momentum, name=name + "bn")(x)
        x = Activation(activation, name=name + "activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = _conv(output_filters, 1, name + "project_conv")(x)
        x = BatchNormalization(axis=bn_axis, momentum=bn_momentum, name=name + "project_bn")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def FusedMBConvBlock(input_filters: int, output_filters: int, expand_ratio: int = 1,
                     kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0,
                     bn_momentum: float = 0.9, activation: Any = "swish",
                     survival_probability: float = 0.8,
                     name: str = "") -> Callable[[Any], Any]:
    """A full convolution in place of expand + depthwise, then project, plus the input."""
    bn_axis = _bn_axis()

    def apply(inputs: Any) -> Any:
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, kernel_size, name + "expand_conv", strides=strides)(inputs)
            x = BatchNormalization(axis=bn_axis, momentum=bn_momentum,
                                   name=name + "expand_bn")(x)
            x = Activation(activation=activation, name=name + "expand_activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = _conv(output_filters, 1 if expand_ratio != 1 else kernel_size,
                  name + "project_conv", strides=1 if expand_ratio != 1 else strides)(x)
        x = BatchNormalization(axis=bn_axis, momentum=bn_momentum, name=name + "project_bn")(x)
        if expand_ratio == 1:
            x = Activation(activation=activation, name=name + "project_activation")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def EfficientNetV2(width_coefficient: float, depth_coefficient: float, default_size: int,
                   dropout_rate: float = 0.2, drop_connect_rate: float = 0.2,
                   depth_divisor: int = 8, min_depth: int = 8, bn_momentum: float = 0.9,
                   activation: Any = "swish", blocks_args: Any = "default",
                   model_name: str = "efficientnetv2", include_top: bool = True,
                   weights: Any = "imagenet", input_tensor: Any = None,
                   input_shape: Optional[Sequence[Optional[int]]] = None,
                   pooling: Optional[str] = None, classes: int = 1000,
                   classifier_activation: Any = "softmax",
                   include_preprocessing: bool = True, name: Optional[str] = None) -> Model:
    """An EfficientNetV2 scaled by ``width_coefficient``/``depth_coefficient``; ``name``
    (Keras 3's argument) names the model, else ``model_name`` does."""
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[model_name]
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    bn_axis = _bn_axis()
    x = img_input
    if include_preprocessing:
        num_channels = tuple(img_input.shape)[bn_axis]
        if model_name.split("-")[-1].startswith("b") and num_channels == 3:
            x = Rescaling(scale=1.0 / 255)(x)
            x = Normalization(mean=[0.485, 0.456, 0.406],
                              variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2], axis=bn_axis)(x)
        else:
            x = Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rounded(filters: float) -> int:
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = _conv(rounded(blocks_args[0]["input_filters"]), 3, "stem_conv", strides=2)(x)
    x = BatchNormalization(axis=bn_axis, momentum=bn_momentum, name="stem_bn")(x)
    x = Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        args["input_filters"] = rounded(args["input_filters"])
        args["output_filters"] = rounded(args["output_filters"])
        block = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:  # only the first block of a stage strides and changes width
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / blocks,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            b += 1

    x = _conv(rounded(1280), 1, "top_conv")(x)
    x = BatchNormalization(axis=bn_axis, momentum=bn_momentum, name="top_bn")(x)
    x = Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation,
                  kernel_initializer=DENSE_KERNEL_INITIALIZER, bias_initializer="zeros",
                  name="predictions")(x)
    else:
        x = _common.pool(x, pooling, "avg_pool", "max_pool")
    model = _common.finish(img_input, input_tensor, x, name or model_name)
    file_name = model_name + (".h5" if include_top else "_notop.h5")
    file_hash = WEIGHTS_HASHES.get(model_name[-2:], (None, None))[0 if include_top else 1]
    return _common.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                file_hash)


def _variant(suffix: str, width: float, depth: float, size: int) -> Any:
    model_name = "efficientnetv2-" + suffix

    def build(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Optional[Sequence[Optional[int]]] = None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation: Any = "softmax",
              include_preprocessing: bool = True, name: str = model_name) -> Model:
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth,
                              default_size=size, model_name=model_name,
                              include_top=include_top, weights=weights,
                              input_tensor=input_tensor, input_shape=input_shape,
                              pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, name=name)

    build.__name__ = build.__qualname__ = "EfficientNetV2" + suffix.upper()
    build.__doc__ = (f"EfficientNetV2{suffix.upper()} (default input {size}x{size}; pixels in "
                     "[0, 255], the model normalizes them).")
    return build


EfficientNetV2B0 = _variant("b0", 1.0, 1.0, 224)
EfficientNetV2B1 = _variant("b1", 1.0, 1.1, 240)
EfficientNetV2B2 = _variant("b2", 1.1, 1.2, 260)
EfficientNetV2B3 = _variant("b3", 1.2, 1.4, 300)
EfficientNetV2S = _variant("s", 1.0, 1.0, 384)
EfficientNetV2M = _variant("m", 1.0, 1.0, 480)
EfficientNetV2L = _variant("l", 1.0, 1.0, 480)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Returns ``x`` unchanged: EfficientNetV2 rescales its inputs itself (Keras keeps this
    placeholder for compatibility)."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
