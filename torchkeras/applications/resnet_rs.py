"""ResNet-RS 50-420 (Bello et al. 2021), layer for layer as Keras's, so its weight files load.
The model rescales and normalizes its inputs itself: feed pixels in [0, 255]."""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.backend import naming
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, Add, AveragePooling2D, BatchNormalization, Conv2D,
                               Dense, Dropout, GlobalAveragePooling2D, Normalization, Rescaling,
                               Reshape, ZeroPadding2D, multiply)

__all__ = ["ResNetRS", "ResNetRS50", "ResNetRS101", "ResNetRS152", "ResNetRS200",
           "ResNetRS270", "ResNetRS350", "ResNetRS420", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet_rs/"
WEIGHT_HASHES = {
    "resnet-rs-101-i160.h5": "544b3434d00efc199d66e9058c7f3379",
    "resnet-rs-101-i160_notop.h5": "82d5b90c5ce9d710da639d6216d0f979",
    "resnet-rs-101-i192.h5": "eb285be29ab42cf4835ff20a5e3b5d23",
    "resnet-rs-101-i192_notop.h5": "f9a0f6b85faa9c3db2b6e233c4eebb5b",
    "resnet-rs-152-i192.h5": "8d72a301ed8a6f11a47c4ced4396e338",
    "resnet-rs-152-i192_notop.h5": "5fbf7ac2155cb4d5a6180ee9e3aa8704",
    "resnet-rs-152-i224.h5": "31a46a92ab21b84193d0d71dd8c3d03b",
    "resnet-rs-152-i224_notop.h5": "dc8b2cba2005552eafa3167f00dc2133",
    "resnet-rs-152-i256.h5": "ba6271b99bdeb4e7a9b15c05964ef4ad",
    "resnet-rs-152-i256_notop.h5": "fa79794252dbe47c89130f65349d654a",
    "resnet-rs-200-i256.h5": "a76930b741884e09ce90fa7450747d5f",
    "resnet-rs-200-i256_notop.h5": "bbdb3994718dfc0d1cd45d7eff3f3d9c",
    "resnet-rs-270-i256.h5": "20d575825ba26176b03cb51012a367a8",
    "resnet-rs-270-i256_notop.h5": "2c42ecb22e35f3e23d2f70babce0a2aa",
    "resnet-rs-350-i256.h5": "f4a039dc3c421321b7fc240494574a68",
    "resnet-rs-350-i256_notop.h5": "6e44b55025bbdff8f51692a023143d66",
    "resnet-rs-350-i320.h5": "7ccb858cc738305e8ceb3c0140bee393",
    "resnet-rs-350-i320_notop.h5": "ab0c1f9079d2f85a9facbd2c88aa6079",
    "resnet-rs-420-i320.h5": "ae0eb9bed39e64fc8d7e0db4018dc7e8",
    "resnet-rs-420-i320_notop.h5": "fe6217c32be8305b1889657172b98884",
    "resnet-rs-50-i160.h5": "69d9d925319f00a8bdd4af23c04e4102",
    "resnet-rs-50-i160_notop.h5": "90daa68cd26c95aa6c5d25451e095529",
}
DEPTH_TO_WEIGHT_VARIANTS = {50: [160], 101: [160, 192], 152: [192, 224, 256], 200: [256],
                            270: [256], 350: [256, 320], 420: [320]}
# depth -> num_repeats of the four block groups (input_filters 64, 128, 256, 512)
_REPEATS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3),
            270: (4, 29, 53, 4), 350: (4, 36, 72, 4), 420: (4, 44, 87, 4)}
BLOCK_ARGS: Dict[int, List[Dict[str, int]]] = {
    depth: [{"input_filters": f, "num_repeats": r} for f, r in zip((64, 128, 256, 512), reps)]
    for depth, reps in _REPEATS.items()}
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}


def _bn_axis() -> int:
    return 3 if backend_config.image_data_format() == "channels_last" else 1


def fixed_padding(inputs: Any, kernel_size: int) -> Any:
    """Pad ``kernel_size - 1`` in total, independent of the input size."""
    pad_total = kernel_size - 1
    pad_beg = pad_total // 2
    pad_end = pad_total - pad_beg
    return ZeroPadding2D(padding=((pad_beg, pad_end), (pad_beg, pad_end)))(inputs)


def Conv2DFixedPadding(filters: int, kernel_size: int, strides: int,
                       name: Optional[str] = None) -> Callable[[Any], Any]:
    """A convolution whose padding does not depend on the input size when striding."""
    if name is None:
        name = f"conv_{naming.get_uid('conv_') + 1}"  # Keras 2's get_uid counts from 1

    def apply(inputs: Any) -> Any:
        if strides > 1:
            inputs = fixed_padding(inputs, kernel_size)
        return Conv2D(filters=filters, kernel_size=kernel_size, strides=strides,
                      padding="same" if strides == 1 else "valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name=name)(inputs)

    return apply


def _bn(bn_momentum: float, bn_epsilon: float, name: str) -> BatchNormalization:
    return BatchNormalization(axis=_bn_axis(), momentum=bn_momentum, epsilon=bn_epsilon,
                              name=name)


def STEM(bn_momentum: float = 0.0, bn_epsilon: float = 1e-5, activation: str = "relu",
         name: Optional[str] = None) -> Callable[[Any], Any]:
    """Four 3x3 convolutions (32, 32, 64, 64 filters; the first and last stride 2)."""
    if name is None:
        name = f"stem_{naming.get_uid('stem_') + 1}"

    def apply(inputs: Any) -> Any:
        x = inputs
        for i, (filters, strides) in enumerate(((32, 2), (32, 1), (64, 1), (64, 2)), 1):
            x = Conv2DFixedPadding(filters=filters, kernel_size=3, strides=strides,
                                   name=f"{name}_stem_conv_{i}")(x)
            x = _bn(bn_momentum, bn_epsilon, f"{name}_stem_batch_norm_{i}")(x)
            x = Activation(activation, name=f"{name}_stem_act_{i}")(x)
        return x

    return apply


def SE(in_filters: int, se_ratio: float = 0.25, expand_ratio: int = 1,
       name: str = "") -> Callable[[Any], Any]:
    """Squeeze-and-excitation."""

    def apply(inputs: Any) -> Any:
        x = GlobalAveragePooling2D(name=name + "_se_squeeze")(inputs)
        channels = tuple(x.shape)[-1]
        se_shape = (channels, 1, 1) if _bn_axis() == 1 else (1, 1, channels)
        x = Reshape(se_shape, name=name + "_se_reshape")(x)
        x = Conv2D(filters=max(1, int(in_filters * 4 * se_ratio)), kernel_size=[1, 1],
                   strides=[1, 1], kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                   use_bias=True, activation="relu", name=name + "_se_reduce")(x)
        x = Conv2D(filters=4 * in_filters * expand_ratio, kernel_size=[1, 1], strides=[1, 1],
                   kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=True,
                   activation="sigmoid", name=name + "_se_expand")(x)
        return multiply([inputs, x], name=name + "_se_excite")

    return apply


def BottleneckBlock(filters: int, strides: int, use_projection: bool,
                    bn_momentum: float = 0.0, bn_epsilon: float = 1e-5,
                    activation: str = "relu", se_ratio: float = 0.25,
                    survival_probability: float = 0.8, name: str = "") -> Callable[[Any], Any]:
    """1x1 -> 3x3 -> 1x1 (x4) convolutions with squeeze-excite, plus the shortcut."""

    def apply(inputs: Any) -> Any:
        shortcut = inputs
        if use_projection:
            if strides == 2:  # average-pool, then project (ResNet-D)
                shortcut = AveragePooling2D(pool_size=(2, 2), strides=(2, 2), padding="same",
                                            name=name + "_projection_pooling")(inputs)
                shortcut = Conv2DFixedPadding(filters=filters * 4, kernel_size=1, strides=1,
                                              name=name + "_projection_conv")(shortcut)
            else:
                shortcut = Conv2DFixedPadding(filters=filters * 4, kernel_size=1,
                                              strides=strides,
                                              name=name + "_projection_conv")(inputs)
            shortcut = _bn(bn_momentum, bn_epsilon, name + "_projection_batch_norm")(shortcut)
        x = Conv2DFixedPadding(filters=filters, kernel_size=1, strides=1,
                               name=name + "_conv_1")(inputs)
        x = _bn(bn_momentum, bn_epsilon, name + "batch_norm_1")(x)  # sic: Keras's name
        x = Activation(activation, name=name + "_act_1")(x)
        x = Conv2DFixedPadding(filters=filters, kernel_size=3, strides=strides,
                               name=name + "_conv_2")(x)
        x = _bn(bn_momentum, bn_epsilon, name + "_batch_norm_2")(x)
        x = Activation(activation, name=name + "_act_2")(x)
        x = Conv2DFixedPadding(filters=filters * 4, kernel_size=1, strides=1,
                               name=name + "_conv_3")(x)
        x = _bn(bn_momentum, bn_epsilon, name + "_batch_norm_3")(x)
        if 0 < se_ratio < 1:
            x = SE(filters, se_ratio=se_ratio, name=name + "_se")(x)
        if survival_probability:
            x = Dropout(survival_probability, noise_shape=(None, 1, 1, 1),
                        name=name + "_drop")(x)
        x = Add()([x, shortcut])
        return Activation(activation, name=name + "_output_act")(x)

    return apply


def BlockGroup(filters: int, strides: int, num_repeats: int, se_ratio: float = 0.25,
               bn_epsilon: float = 1e-5, bn_momentum: float = 0.0, activation: str = "relu",
               survival_probability: float = 0.8, name: str = "") -> Callable[[Any], Any]:
    """``num_repeats`` bottleneck blocks; the first projects the shortcut."""

    def apply(inputs: Any) -> Any:
        x = inputs
        for i in range(num_repeats):
            x = BottleneckBlock(filters=filters, strides=strides if i == 0 else 1,
                                use_projection=i == 0, se_ratio=se_ratio,
                                bn_epsilon=bn_epsilon, bn_momentum=bn_momentum,
                                activation=activation,
                                survival_probability=survival_probability,
                                name=name + f"_block_{i}_")(x)
        return x

    return apply


def ResNetRS(depth: int, input_shape: Optional[Sequence[Optional[int]]] = None,
             bn_momentum: float = 0.0, bn_epsilon: float = 1e-5, activation: str = "relu",
             se_ratio: float = 0.25, dropout_rate: float = 0.25,
             drop_connect_rate: float = 0.2, include_top: bool = True,
             block_args: Optional[List[Dict[str, int]]] = None,
             model_name: str = "resnet-rs", pooling: Optional[str] = None,
             weights: Any = "imagenet", input_tensor: Any = None, classes: int = 1000,
             classifier_activation: Any = "softmax",
             include_preprocessing: bool = True) -> Model:
    """A ResNet-RS of ``depth`` layers; ``weights`` ``'imagenet'`` (the largest input size
    trained) or ``'imagenet-i<size>'``."""
    available = DEPTH_TO_WEIGHT_VARIANTS[depth]
    if weights == "imagenet":
        weights = f"imagenet-i{max(available)}"
    allowed = [f"imagenet-i{size}" for size in available]
    if not (weights in {*allowed, None} or (isinstance(weights, (str, os.PathLike))
                                            and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `'imagenet'` (pre-training on ImageNet, with "
                         "highest available input shape), or the path to the weights file to "
                         f"be loaded. For ResNetRS{depth} the following weight variants are "
                         f"available {allowed} (default=highest). Received weights={weights}")
    if weights in allowed and include_top and classes != 1000:
        raise ValueError("If using `weights` as `'imagenet'` or any of "
                         f"{allowed} with `include_top` as true, `classes` should be 1000. "
                         f"Received classes={classes}")
    img_input = _common.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    bn_axis = _bn_axis()
    x = img_input
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 255)(x)
        if tuple(img_input.shape)[bn_axis] == 3:
            x = Normalization(mean=[0.485, 0.456, 0.406],
                              variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2], axis=bn_axis)(x)
    x = STEM(bn_momentum=bn_momentum, bn_epsilon=bn_epsilon, activation=activation)(x)
    block_args = BLOCK_ARGS[depth] if block_args is None else block_args
    for i, args in enumerate(block_args):
        survival_probability = drop_connect_rate * float(i + 2) / (len(block_args) + 1)
        x = BlockGroup(filters=args["input_filters"], activation=activation,
                       strides=1 if i == 0 else 2, num_repeats=args["num_repeats"],
                       se_ratio=se_ratio, bn_momentum=bn_momentum, bn_epsilon=bn_epsilon,
                       survival_probability=survival_probability, name=f"BlockGroup{i + 2}_")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling, "avg_pool", "max_pool")
    model = _common.finish(img_input, input_tensor, x, model_name)
    if weights in allowed:
        file_name = f"{model_name}-{weights.split('-')[-1]}{'' if include_top else '_notop'}.h5"
        model.load_weights(imagenet_utils.fetch_cached(file_name, BASE_WEIGHTS_URL + file_name,
                                                       WEIGHT_HASHES[file_name]))
    elif weights is not None:
        model.load_weights(weights)
    return model


def _variant(depth: int, drop_connect_rate: float, dropout_rate: float) -> Any:
    def build(include_top: bool = True, weights: Any = "imagenet", classes: int = 1000,
              input_shape: Optional[Sequence[Optional[int]]] = None, input_tensor: Any = None,
              pooling: Optional[str] = None, classifier_activation: Any = "softmax",
              include_preprocessing: bool = True) -> Model:
        return ResNetRS(depth=depth, include_top=include_top,
                        drop_connect_rate=drop_connect_rate, dropout_rate=dropout_rate,
                        weights=weights, classes=classes, input_shape=input_shape,
                        input_tensor=input_tensor, pooling=pooling,
                        classifier_activation=classifier_activation,
                        model_name=f"resnet-rs-{depth}",
                        include_preprocessing=include_preprocessing)

    build.__name__ = build.__qualname__ = f"ResNetRS{depth}"
    build.__doc__ = (f"ResNetRS{depth} (pixels in [0, 255], the model normalizes them; "
                     f"weights 'imagenet' or one of {DEPTH_TO_WEIGHT_VARIANTS[depth]} as "
                     "'imagenet-i<size>').")
    return build


ResNetRS50 = _variant(50, 0.0, 0.25)
ResNetRS101 = _variant(101, 0.0, 0.25)
ResNetRS152 = _variant(152, 0.0, 0.25)
ResNetRS200 = _variant(200, 0.1, 0.25)
ResNetRS270 = _variant(270, 0.1, 0.25)
ResNetRS350 = _variant(350, 0.1, 0.4)
ResNetRS420 = _variant(420, 0.1, 0.4)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Returns ``x`` unchanged: ResNet-RS normalizes its inputs itself (Keras keeps this
    placeholder for compatibility)."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
