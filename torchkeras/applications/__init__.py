"""``keras.applications``: Keras's pretrained image models as torchkeras functional models,
with Keras's layer names and weight order, so Keras's published ``.h5`` weight files load
(``weights='imagenet'`` reads them from the Keras cache, ``~/.keras/models``)."""
import importlib
from typing import Any, List

# Loaded with the package: the layers saved application models name (so `load_model` of a
# saved ConvNeXt or InceptionResNetV2 finds them); the model builders load on first use.
from torchkeras.applications import _layers, inception_resnet_v2  # noqa: F401

# The package's own submodules, and the builder each one defines (``keras.applications.X``).
_SUBMODULES = ("convnext", "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils",
               "inception_resnet_v2", "inception_v3", "mobilenet", "mobilenet_v2",
               "mobilenet_v3", "nasnet", "regnet", "resnet", "resnet50", "resnet_rs",
               "resnet_v2", "vgg16", "vgg19", "xception")
_BUILDERS = {
    "convnext": ("ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny",
                 "ConvNeXtXLarge"),
    "densenet": ("DenseNet121", "DenseNet169", "DenseNet201"),
    "efficientnet": ("EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
                     "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7"),
    "efficientnet_v2": ("EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
                        "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M",
                        "EfficientNetV2S"),
    "inception_resnet_v2": ("InceptionResNetV2",),
    "inception_v3": ("InceptionV3",),
    "mobilenet": ("MobileNet",),
    "mobilenet_v2": ("MobileNetV2",),
    "mobilenet_v3": ("MobileNetV3Large", "MobileNetV3Small"),
    "nasnet": ("NASNetLarge", "NASNetMobile"),
    "regnet": tuple(f"RegNet{kind}{size}" for kind in "XY"
                    for size in ("002", "004", "006", "008", "016", "032", "040", "064",
                                 "080", "120", "160", "320")),
    "resnet": ("ResNet50", "ResNet101", "ResNet152"),
    "resnet_rs": ("ResNetRS50", "ResNetRS101", "ResNetRS152", "ResNetRS200", "ResNetRS270",
                  "ResNetRS350", "ResNetRS420"),
    "resnet_v2": ("ResNet50V2", "ResNet101V2", "ResNet152V2"),
    "vgg16": ("VGG16",),
    "vgg19": ("VGG19",),
    "xception": ("Xception",),
}
_MODULE_OF = {name: module for module, names in _BUILDERS.items() for name in names}

__all__ = ["ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny",
           "ConvNeXtXLarge", "DenseNet121", "DenseNet169", "DenseNet201",
           "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
           "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
           "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
           "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S",
           "InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2",
           "MobileNetV3Large", "MobileNetV3Small", "NASNetLarge", "NASNetMobile",
           "RegNetX002", "RegNetX004", "RegNetX006", "RegNetX008", "RegNetX016",
           "RegNetX032", "RegNetX040", "RegNetX064", "RegNetX080", "RegNetX120",
           "RegNetX160", "RegNetX320", "RegNetY002", "RegNetY004", "RegNetY006",
           "RegNetY008", "RegNetY016", "RegNetY032", "RegNetY040", "RegNetY064",
           "RegNetY080", "RegNetY120", "RegNetY160", "RegNetY320", "ResNet101",
           "ResNet101V2", "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2",
           "ResNetRS101", "ResNetRS152", "ResNetRS200", "ResNetRS270", "ResNetRS350",
           "ResNetRS420", "ResNetRS50", "VGG16", "VGG19", "Xception", "convnext",
           "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils",
           "inception_resnet_v2", "inception_v3", "mobilenet", "mobilenet_v2",
           "mobilenet_v3", "nasnet", "regnet", "resnet", "resnet50", "resnet_rs",
           "resnet_v2", "vgg16", "vgg19", "xception"]


def __getattr__(name: str) -> Any:
    """A submodule or builder on first use: ``import torchkeras`` does not load the ~20
    application modules (issue 21, time to first step)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")  # the package's own module
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
