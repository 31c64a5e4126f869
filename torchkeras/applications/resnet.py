"""ResNet50/101/152 (He et al. 2015) and the shared ResNet builder used by ResNetV2, layer for
layer as Keras's, so its weight files load."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                               GlobalAveragePooling2D, MaxPooling2D, ZeroPadding2D)

__all__ = ["ResNet", "ResNet50", "ResNet101", "ResNet152", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# model name -> (md5 of the file with top, md5 of the file without top)
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}


def _bn_axis() -> int:
    return 3 if backend_config.image_data_format() == "channels_last" else 1


def ResNet(stack_fn: Callable[[Any], Any], preact: bool, use_bias: bool,
           model_name: str = "resnet", include_top: bool = True, weights: Any = "imagenet",
           input_tensor: Any = None, input_shape: Optional[Sequence[Optional[int]]] = None,
           pooling: Optional[str] = None, classes: int = 1000,
           classifier_activation: Any = "softmax", name: Optional[str] = None,
           **kwargs: Any) -> Model:
    """A ResNet: the stem, ``stack_fn``'s residual stacks, and the top; ``name`` (Keras 3)
    names the model (default ``model_name``, which picks the weight file)."""
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    bn_axis = _bn_axis()
    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1_bn")(x)
        x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="post_bn")(x)
        x = Activation("relu", name="post_relu")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling, "avg_pool", "max_pool")
    model = _common.finish(img_input, input_tensor, x, name or model_name)
    if weights == "imagenet" and model_name not in WEIGHTS_HASHES:
        return model  # Keras leaves such a model (a custom stack) uninitialized too
    suffix = "" if include_top else "_notop"
    file_name = f"{model_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    file_hash = WEIGHTS_HASHES.get(model_name, (None, None))[0 if include_top else 1]
    return _common.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                file_hash)


def block1(x: Any, filters: int, kernel_size: int = 3, stride: int = 1,
           conv_shortcut: bool = True, name: str = "") -> Any:
    """A bottleneck residual block (ResNet v1)."""
    bn_axis = _bn_axis()
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = BatchNormalization(axis=bn_axis, epsilon=1.001e-5,
                                      name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = Activation("relu", name=name + "_1_relu")(x)
    x = Conv2D(filters, kernel_size, padding="SAME", name=name + "_2_conv")(x)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = Activation("relu", name=name + "_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_3_bn")(x)
    x = Add(name=name + "_add")([shortcut, x])
    return Activation("relu", name=name + "_out")(x)


def stack1(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` v1 blocks; the first one strides and projects the shortcut."""
    x = block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=name + "_block" + str(i))
    return x


def block2(x: Any, filters: int, kernel_size: int = 3, stride: int = 1,
           conv_shortcut: bool = False, name: str = "") -> Any:
    """A pre-activation bottleneck residual block (ResNet v2)."""
    bn_axis = _bn_axis()
    preact = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_preact_bn")(x)
    preact = Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    else:
        shortcut = MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = Activation("relu", name=name + "_1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = Activation("relu", name=name + "_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return Add(name=name + "_out")([shortcut, x])


def stack2(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` v2 blocks; the last one strides."""
    x = block2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = block2(x, filters, name=name + "_block" + str(i))
    return block2(x, filters, stride=stride1, name=name + "_block" + str(blocks))


def _v1(blocks: Sequence[int]) -> Callable[[Any], Any]:
    def stack_fn(x: Any) -> Any:
        x = stack1(x, 64, blocks[0], stride1=1, name="conv2")
        x = stack1(x, 128, blocks[1], name="conv3")
        x = stack1(x, 256, blocks[2], name="conv4")
        return stack1(x, 512, blocks[3], name="conv5")
    return stack_fn


def ResNet50(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
             input_shape: Optional[Sequence[Optional[int]]] = None,
             pooling: Optional[str] = None, classes: int = 1000,
             classifier_activation: Any = "softmax", name: str = "resnet50",
             **kwargs: Any) -> Model:
    """ResNet50 (inputs: ``resnet50.preprocess_input``, caffe mode)."""
    return ResNet(_v1((3, 4, 6, 3)), False, True, "resnet50", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name,
                  **kwargs)


def ResNet101(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Optional[Sequence[Optional[int]]] = None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet101",
              **kwargs: Any) -> Model:
    """ResNet101 (inputs: ``resnet.preprocess_input``, caffe mode)."""
    return ResNet(_v1((3, 4, 23, 3)), False, True, "resnet101", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name,
                  **kwargs)


def ResNet152(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Optional[Sequence[Optional[int]]] = None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet152",
              **kwargs: Any) -> Model:
    """ResNet152 (inputs: ``resnet.preprocess_input``, caffe mode)."""
    return ResNet(_v1((3, 8, 36, 3)), False, True, "resnet152", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name,
                  **kwargs)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """RGB -> BGR, minus the ImageNet mean (mode ``'caffe'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
