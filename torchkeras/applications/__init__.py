"""``keras.applications``: Keras's pretrained image models as torchkeras functional models,
with Keras's layer names and weight order, so Keras's published ``.h5`` weight files load
(``weights='imagenet'`` reads them from the Keras cache, ``~/.keras/models``)."""
from torchkeras.applications import (convnext, efficientnet, imagenet_utils, mobilenet_v2,
                                     resnet, resnet50, resnet_v2, vgg16, vgg19)
from torchkeras.applications.convnext import (ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall,
                                              ConvNeXtTiny, ConvNeXtXLarge)
from torchkeras.applications.efficientnet import (EfficientNetB0, EfficientNetB1,
                                                  EfficientNetB2, EfficientNetB3,
                                                  EfficientNetB4, EfficientNetB5,
                                                  EfficientNetB6, EfficientNetB7)
from torchkeras.applications.mobilenet_v2 import MobileNetV2
from torchkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from torchkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from torchkeras.applications.vgg16 import VGG16
from torchkeras.applications.vgg19 import VGG19

__all__ = ["ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
           "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
           "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
           "MobileNetV2", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
           "ResNet152V2", "VGG16", "VGG19", "convnext", "efficientnet", "imagenet_utils",
           "mobilenet_v2", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19"]
