"""DenseNet121/169/201 (Huang et al. 2017), layer for layer as Keras's, so its weight files
load."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, AveragePooling2D, BatchNormalization,
                               Concatenate, Conv2D, Dense, GlobalAveragePooling2D,
                               MaxPooling2D, ZeroPadding2D)

__all__ = ["DenseNet", "DenseNet121", "DenseNet169", "DenseNet201", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks -> (name, md5 with top, md5 without top)
_VARIANTS = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7",
                      "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b",
                      "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807",
                      "c13680b51ded0fb44dff2d8f86ac8bb1"),
}


def _bn_axis() -> int:
    return 3 if backend_config.image_data_format() == "channels_last" else 1


def dense_block(x: Any, blocks: int, name: str) -> Any:
    for i in range(blocks):
        x = conv_block(x, 32, name=name + "_block" + str(i + 1))
    return x


def transition_block(x: Any, reduction: float, name: str) -> Any:
    bn_axis = _bn_axis()
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_bn")(x)
    x = Activation("relu", name=name + "_relu")(x)
    x = Conv2D(int(tuple(x.shape)[bn_axis] * reduction), 1, use_bias=False,
               name=name + "_conv")(x)
    return AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def conv_block(x: Any, growth_rate: int, name: str) -> Any:
    """BN-ReLU-1x1 conv, BN-ReLU-3x3 conv; the ``growth_rate`` new channels are concatenated."""
    bn_axis = _bn_axis()
    x1 = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_0_bn")(x)
    x1 = Activation("relu", name=name + "_0_relu")(x1)
    x1 = Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_1_bn")(x1)
    x1 = Activation("relu", name=name + "_1_relu")(x1)
    x1 = Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
    return Concatenate(axis=bn_axis, name=name + "_concat")([x, x1])


def DenseNet(blocks: Sequence[int], include_top: bool = True, weights: Any = "imagenet",
             input_tensor: Any = None, input_shape: Optional[Sequence[Optional[int]]] = None,
             pooling: Optional[str] = None, classes: int = 1000,
             classifier_activation: Any = "softmax", name: Optional[str] = None) -> Model:
    """A DenseNet with ``blocks[i]`` conv blocks in dense block ``i``; ``name`` (Keras 3)
    names the model (default: ``'densenet121'`` etc., which also picks the weight file)."""
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    bn_axis = _bn_axis()
    x = ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1/bn")(x)
    x = Activation("relu", name="conv1/relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{i + 2}")
        if i < 3:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="bn")(x)
    x = Activation("relu", name="relu")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling, "avg_pool", "max_pool")
    variant, top_hash, notop_hash = _VARIANTS.get(tuple(blocks), ("densenet", None, None))
    model = _common.finish(img_input, input_tensor, x, name or variant)
    if weights == "imagenet" and top_hash is None:
        return model  # Keras has no file for other depths either
    file_name = f"{variant}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return _common.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                top_hash if include_top else notop_hash)


def DenseNet121(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet121") -> Model:
    """DenseNet121 (inputs: ``densenet.preprocess_input``, torch mode)."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


def DenseNet169(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet169") -> Model:
    """DenseNet169 (inputs: ``densenet.preprocess_input``, torch mode)."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


def DenseNet201(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet201") -> Model:
    """DenseNet201 (inputs: ``densenet.preprocess_input``, torch mode)."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Pixels to [0, 1], then the ImageNet mean/std per channel (mode ``'torch'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
