"""Keras layers (``keras.layers``)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from torchkeras.engine.input_layer import Input, InputLayer
from torchkeras.layers.base import Layer
from torchkeras.layers.core import Activation, Dense, Lambda
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply,
                                     Subtract, add, average, concatenate, maximum, minimum,
                                     multiply, subtract)
from torchkeras.layers.regularization import Dropout
from torchkeras.layers.reshaping import Flatten, Reshape
from torchkeras.saving.serialization import deserialize_keras_object, serialize_keras_object


def _layer_classes() -> Dict[str, Any]:
    from torchkeras.engine.model import Model
    from torchkeras.engine.sequential import Sequential
    classes = {name: obj for name, obj in globals().items()
               if isinstance(obj, type) and issubclass(obj, Layer)}
    classes.update({"Model": Model, "Functional": Model, "Sequential": Sequential})
    return classes


def serialize(layer: Layer) -> Dict[str, Any]:
    """``{'class_name': 'Dense', 'config': {...}}``."""
    return serialize_keras_object(layer)


def deserialize(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None) -> Layer:
    """A layer from ``{'class_name': ..., 'config': ...}``."""
    return deserialize_keras_object(config, _layer_classes(), custom_objects, "layer")


__all__ = ["Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract",
           "add", "average", "concatenate", "maximum", "minimum", "multiply", "subtract",
           "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "InputSpec",
           "Lambda", "Layer", "Reshape", "deserialize", "serialize"]
