"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al. 2022), layer for layer as Keras's, so its
weight files load. The model normalizes its inputs itself: feed pixels in [0, 255]."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from torchkeras.applications import _common, imagenet_utils
from torchkeras.applications._layers import LayerScale, OpNames, StochasticDepth
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers import (Activation, Add, Conv2D, Dense, GlobalAveragePooling2D,
                               LayerNormalization, Normalization)

__all__ = ["ConvNeXt", "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
           "ConvNeXtXLarge", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# model name -> (sha256 with top, sha256 without top)
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768]},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768]},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024]},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536]},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048]},
}


def ConvNeXtBlock(projection_dim: int, drop_path_rate: float = 0.0,
                  layer_scale_init_value: Optional[float] = 1e-6, name: str = "",
                  add_name: Optional[Callable[[], str]] = None) -> Callable[[Any], Any]:
    """Depthwise 7x7 conv -> LayerNorm -> MLP (Dense layers) -> LayerScale, plus the input."""
    def apply(inputs: Any) -> Any:
        x = Conv2D(filters=projection_dim, kernel_size=7, padding="same",
                   groups=projection_dim, name=name + "_depthwise_conv")(inputs)
        x = LayerNormalization(epsilon=1e-6, name=name + "_layernorm")(x)
        x = Dense(4 * projection_dim, name=name + "_pointwise_conv_1")(x)
        x = Activation("gelu", name=name + "_gelu")(x)
        x = Dense(projection_dim, name=name + "_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim,
                           name=name + "_layer_scale")(x)
        if drop_path_rate:
            x = StochasticDepth(drop_path_rate, name=name + "_stochastic_depth")(x)
        else:
            x = Activation("linear", name=name + "_identity")(x)
        return Add(name=add_name() if add_name else None)([inputs, x])

    return apply


def ConvNeXt(depths: Sequence[int], projection_dims: Sequence[int],
             drop_path_rate: float = 0.0, layer_scale_init_value: float = 1e-6,
             default_size: int = 224, model_name: str = "convnext",
             include_preprocessing: bool = True, include_top: bool = True,
             weights: Any = None, input_tensor: Any = None,
             input_shape: Optional[Sequence[Optional[int]]] = None,
             pooling: Optional[str] = None, classes: int = 1000,
             classifier_activation: Any = "softmax") -> Model:
    """A ConvNeXt of ``depths[i]`` blocks of width ``projection_dims[i]`` per stage."""
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    inputs = (_common.get_source_inputs(input_tensor)[0] if input_tensor is not None
              else img_input)
    x = inputs
    channels_last = backend_config.image_data_format() == "channels_last"
    if include_preprocessing and tuple(img_input.shape)[-1 if channels_last else 1] == 3:
        x = Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                          variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2,
                                    (0.225 * 255) ** 2],
                          name=model_name + "_prestem_normalization")(x)
    stem = Sequential([
        Conv2D(projection_dims[0], kernel_size=4, strides=4, name=model_name + "_stem_conv"),
        LayerNormalization(epsilon=1e-6, name=model_name + "_stem_layernorm"),
    ], name=model_name + "_stem")
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(Sequential([
            LayerNormalization(epsilon=1e-6,
                               name=model_name + "_downsampling_layernorm_" + str(i)),
            Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                   name=model_name + "_downsampling_conv_" + str(i)),
        ], name=model_name + "_downsampling_block_" + str(i)))
    depth_drop_rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    add_name = OpNames("tf.__operators__.add")  # Keras 2's names for `inputs + x`
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dim=projection_dims[i],
                              drop_path_rate=depth_drop_rates[cur + j],
                              layer_scale_init_value=layer_scale_init_value,
                              name=model_name + f"_stage_{i}_block_{j}",
                              add_name=add_name)(x)
        cur += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = GlobalAveragePooling2D(name=model_name + "_head_gap")(x)
        x = LayerNormalization(epsilon=1e-6, name=model_name + "_head_layernorm")(x)
        x = Dense(classes, activation=classifier_activation,
                  name=model_name + "_head_dense")(x)
    else:
        x = _common.pool(x, pooling)
        x = LayerNormalization(epsilon=1e-6)(x)
    model = Model(inputs=inputs, outputs=x, name=model_name)
    file_name = model_name + (".h5" if include_top else "_notop.h5")
    file_hash = WEIGHTS_HASHES.get(model_name, (None, None))[0 if include_top else 1]
    return _common.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                file_hash)


def _variant(key: str) -> Any:
    config = MODEL_CONFIGS[key]

    def build(model_name: str = "convnext_" + key, include_top: bool = True,
              include_preprocessing: bool = True, weights: Any = "imagenet",
              input_tensor: Any = None, input_shape: Optional[Sequence[Optional[int]]] = None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: Optional[str] = None) -> Model:
        return ConvNeXt(depths=config["depths"], projection_dims=config["projection_dims"],
                        drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
                        model_name=model_name if name is None else name,
                        include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                        classes=classes, classifier_activation=classifier_activation)

    title = {"xlarge": "XLarge"}.get(key, key.capitalize())
    build.__name__ = build.__qualname__ = "ConvNeXt" + title
    build.__doc__ = (f"ConvNeXt{title} (pixels in [0, 255]; the model normalizes them). "
                     "``name`` (Keras 3) is Keras 2's ``model_name``: the model's name and "
                     "its layers' prefix.")
    return build


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Returns ``x`` unchanged: ConvNeXt normalizes its inputs itself."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
