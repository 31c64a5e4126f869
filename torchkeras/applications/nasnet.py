"""NASNet-A Mobile/Large (Zoph et al. 2018), layer for layer as Keras's, so its weight files
load. Channels-last only, as in Keras."""
from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence, Tuple

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D,
                               Cropping2D, Dense, GlobalAveragePooling2D, MaxPooling2D,
                               SeparableConv2D, ZeroPadding2D, add, concatenate)

__all__ = ["NASNet", "NASNetMobile", "NASNetLarge", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# default_size -> ((file, url, md5) with top, (file, url, md5) without top)
WEIGHT_FILES = {
    224: (("nasnet_mobile.h5", BASE_WEIGHTS_PATH + "NASNet-mobile.h5",
           "020fb642bf7360b370c678b08e0adf61"),
          ("nasnet_mobile_no_top.h5", BASE_WEIGHTS_PATH + "NASNet-mobile-no-top.h5",
           "1ed92395b5b598bdda52abe5c0dbfd63")),
    331: (("nasnet_large.h5", BASE_WEIGHTS_PATH + "NASNet-large.h5",
           "11577c9a518f0070763c2b964a382f17"),
          ("nasnet_large_no_top.h5", BASE_WEIGHTS_PATH + "NASNet-large-no-top.h5",
           "d81d89dc07e6e56530c4e77faddd61b5")),
}
_CHANNEL = -1  # NASNet is built channels-last


def _bn(name: Optional[str] = None) -> BatchNormalization:
    return BatchNormalization(axis=_CHANNEL, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters: int, name: str) -> Conv2D:
    return Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=name,
                  kernel_initializer="he_normal")


def NASNet(input_shape: Optional[Sequence[Optional[int]]] = None,
           penultimate_filters: int = 4032, num_blocks: int = 6, stem_block_filters: int = 96,
           skip_reduction: bool = True, filter_multiplier: int = 2, include_top: bool = True,
           weights: Any = "imagenet", input_tensor: Any = None, pooling: Optional[str] = None,
           classes: int = 1000, default_size: Optional[int] = None,
           classifier_activation: Any = "softmax", name: Optional[str] = None) -> Model:
    """A NASNet-A of ``num_blocks`` normal cells per stage, ``penultimate_filters`` wide
    (``name``: Keras 3's argument; the default is Keras 2's ``'NASNet'``)."""
    _common.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None "
                         f"entries). Got: `input_shape={input_shape}`.")
    default_size = 331 if default_size is None else default_size
    old_data_format = None
    if backend_config.image_data_format() != "channels_last":
        warnings.warn('The NASNet family of models is only available for the input data '
                      'format "channels_last" (width, height, channels). However your '
                      'settings specify the default data format "channels_first" (channels, '
                      'width, height). The model being returned right now will expect '
                      'inputs to follow the "channels_last" data format.', stacklevel=2)
        backend_config.set_image_data_format("channels_last")
        old_data_format = "channels_first"
    try:
        img_input = _common.image_input(input_shape, input_tensor, default_size, 32,
                                        include_top, weights)
        if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
            raise ValueError("For NASNet-A models, the `penultimate_filters` must be a "
                             "multiple of 24 * (`filter_multiplier` ** 2). Current value: "
                             f"{penultimate_filters}")
        filters = penultimate_filters // 24
        x = Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                   use_bias=False, name="stem_conv1", kernel_initializer="he_normal")(img_input)
        x = _bn("stem_bn1")(x)
        p = None
        x, p = _reduction_a_cell(x, p, filters // (filter_multiplier ** 2), block_id="stem_1")
        x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, filters, block_id=f"{i}")
        x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier,
                                  block_id=f"reduce_{num_blocks}")
        p = p0 if not skip_reduction else p
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, filters * filter_multiplier,
                                  block_id=f"{num_blocks + i + 1}")
        x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier ** 2,
                                  block_id=f"reduce_{2 * num_blocks}")
        p = p0 if not skip_reduction else p
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, filters * filter_multiplier ** 2,
                                  block_id=f"{2 * num_blocks + i + 1}")
        x = Activation("relu")(x)
        if include_top:
            x = GlobalAveragePooling2D()(x)
            imagenet_utils.validate_activation(classifier_activation, weights)
            x = Dense(classes, activation=classifier_activation, name="predictions")(x)
        else:
            x = _common.pool(x, pooling)
        model = _common.finish(img_input, input_tensor, x, name or "NASNet")
        if weights == "imagenet" and default_size not in WEIGHT_FILES:
            raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                             "NASNetMobile")
        file_name, origin, file_hash = WEIGHT_FILES.get(default_size, WEIGHT_FILES[331])[
            0 if include_top else 1]
        return _common.load_weights(model, weights, file_name, origin, file_hash)
    finally:
        if old_data_format:
            backend_config.set_image_data_format(old_data_format)


def NASNetMobile(input_shape: Optional[Sequence[Optional[int]]] = None,
                 include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                 pooling: Optional[str] = None, classes: int = 1000,
                 classifier_activation: Any = "softmax", name: str = "NASNet") -> Model:
    """NASNet-A Mobile (default input 224x224; inputs in [-1, 1])."""
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape: Optional[Sequence[Optional[int]]] = None,
                include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "NASNet") -> Model:
    """NASNet-A Large (default input 331x331; inputs in [-1, 1])."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


def _separable_conv_block(ip: Any, filters: int, kernel_size: Tuple[int, int] = (3, 3),
                          strides: Tuple[int, int] = (1, 1), block_id: str = "") -> Any:
    """ReLU -> SeparableConv2D -> BN -> ReLU -> SeparableConv2D -> BN."""
    x = Activation("relu")(ip)
    if strides == (2, 2):
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=f"separable_conv_1_pad_{block_id}")(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = SeparableConv2D(filters, kernel_size, strides=strides,
                        name=f"separable_conv_1_{block_id}", padding=conv_pad, use_bias=False,
                        kernel_initializer="he_normal")(x)
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = Activation("relu")(x)
    x = SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}",
                        padding="same", use_bias=False, kernel_initializer="he_normal")(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p: Any, ip: Any, filters: int, block_id: str = "") -> Any:
    """Bring the previous cell's output ``p`` to the size and width of ``ip``."""
    ip_shape = tuple(ip.shape)
    if p is None:
        return ip
    p_shape = tuple(p.shape)
    if p_shape[-2] != ip_shape[-2]:  # halve the resolution: two offset 1x1 average pools
        p = Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                              name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                    name=f"adjust_conv_1_{block_id}", kernel_initializer="he_normal")(p1)
        p2 = ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                              name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                    name=f"adjust_conv_2_{block_id}", kernel_initializer="he_normal")(p2)
        p = concatenate([p1, p2], axis=_CHANNEL)
        p = _bn(f"adjust_bn_{block_id}")(p)
    elif p_shape[_CHANNEL] != filters:  # project to `filters` channels
        p = Activation("relu")(p)
        p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        p = _bn(f"adjust_bn_{block_id}")(p)
    return p


def _normal_a_cell(ip: Any, p: Any, filters: int, block_id: str = "") -> Tuple[Any, Any]:
    """The normal cell: five combinations of ``ip`` and ``p``, concatenated with ``p``."""
    p = _adjust_block(p, ip, filters, block_id)
    h = Activation("relu")(ip)
    h = _conv1x1(filters, f"normal_conv_1_{block_id}")(h)
    h = _bn(f"normal_bn_1_{block_id}")(h)
    x1 = add([_separable_conv_block(h, filters, kernel_size=(5, 5),
                                    block_id=f"normal_left1_{block_id}"),
              _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")],
             name=f"normal_add_1_{block_id}")
    x2 = add([_separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}"),
              _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")],
             name=f"normal_add_2_{block_id}")
    x3 = AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                          name=f"normal_left3_{block_id}")(h)
    x3 = add([x3, p], name=f"normal_add_3_{block_id}")
    x4_1 = AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                            name=f"normal_left4_{block_id}")(p)
    x4_2 = AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                            name=f"normal_right4_{block_id}")(p)
    x4 = add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = add([x5, h], name=f"normal_add_5_{block_id}")
    x = concatenate([p, x1, x2, x3, x4, x5], axis=_CHANNEL, name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip: Any, p: Any, filters: int, block_id: str = "") -> Tuple[Any, Any]:
    """The reduction cell: halves the resolution."""
    p = _adjust_block(p, ip, filters, block_id)
    h = Activation("relu")(ip)
    h = _conv1x1(filters, f"reduction_conv_1_{block_id}")(h)
    h = _bn(f"reduction_bn_1_{block_id}")(h)
    h3 = ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                       name=f"reduction_pad_1_{block_id}")(h)
    x1_1 = _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                 block_id=f"reduction_left1_{block_id}")
    x1_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id=f"reduction_right1_{block_id}")
    x1 = add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
    x2_1 = MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                        name=f"reduction_left2_{block_id}")(h3)
    x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id=f"reduction_right2_{block_id}")
    x2 = add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
    x3_1 = AveragePooling2D((3, 3), strides=(2, 2), padding="valid",
                            name=f"reduction_left3_{block_id}")(h3)
    x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                 block_id=f"reduction_right3_{block_id}")
    x3 = add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
    x4 = AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                          name=f"reduction_left4_{block_id}")(x1)
    x4 = add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                        name=f"reduction_right5_{block_id}")(h3)
    x5 = add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
    x = concatenate([x2, x3, x4, x5], axis=_CHANNEL, name=f"reduction_concat_{block_id}")
    return x, ip


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
