"""Keras layers (``keras.layers``).

Every module in this package that defines ``__all__`` is imported here, its names exported
and its layer classes registered for ``deserialize`` (``registry/builtin_objects.py``), so a
new layer module (``conv.py``, ``recurrent.py``, ...) needs no edit of this file: define the
classes, list them in the module's ``__all__``.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.layers.input_layer import Input, InputLayer
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.registry.builtin_objects import builtin_objects, export_modules, register_builtin
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["Input", "InputLayer", "InputSpec", "Layer", "deserialize", "serialize"]

__all__ += export_modules("layers", __name__, __path__, globals(),
                          skip={"base", "input_spec", "weights"},
                          accept=lambda obj: isinstance(obj, type) and issubclass(obj, Layer))
register_builtin("layers", Layer)
register_builtin("layers", InputLayer)
# Model, Functional and Sequential (configs that nest a model) are registered by engine,
# above layers, when it is imported.


def _layer_classes() -> Dict[str, Any]:
    """Every built-in layer class by Keras name (aliases included)."""
    return builtin_objects("layers")


def serialize(layer: Layer) -> Dict[str, Any]:
    """``{'class_name': 'Dense', 'config': {...}}``."""
    return serialize_keras_object(layer)


def deserialize(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None) -> Layer:
    """A layer from ``{'class_name': ..., 'config': ...}`` (and its Keras 3
    ``build_config``, for a layer that defines its own ``build_from_config``)."""
    layer = deserialize_keras_object(config, _layer_classes(), custom_objects, "layer")
    build_config = config.get("build_config") if isinstance(config, dict) else None
    if build_config and isinstance(layer, Layer) and \
            type(layer).build_from_config is not Layer.build_from_config:
        layer.build_from_config(build_config)
    return layer


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
