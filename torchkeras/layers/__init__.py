"""Keras layers (``keras.layers``).

Every module in this package that defines ``__all__`` is imported here and its names
exported, so a new layer module (``conv.py``, ``recurrent.py``, ...) needs no edit of this
file: define the classes, list them in the module's ``__all__``.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Dict, Optional

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.layers.input_layer import Input, InputLayer
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["Input", "InputLayer", "InputSpec", "Layer", "deserialize", "serialize"]

_INFRASTRUCTURE = {"base", "input_spec", "weights"}

for _module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module_info.name in _INFRASTRUCTURE or _module_info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_module_info.name}")
    for _name in getattr(_module, "__all__", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)


# Model, Functional and Sequential by name, for configs that nest a model: engine (above
# layers) fills this in when it is imported.
_MODEL_CLASSES: Dict[str, Any] = {}


def _layer_classes() -> Dict[str, Any]:
    classes = {name: obj for name, obj in globals().items()
               if isinstance(obj, type) and issubclass(obj, Layer)}
    classes.update(_MODEL_CLASSES)
    return classes


def serialize(layer: Layer) -> Dict[str, Any]:
    """``{'class_name': 'Dense', 'config': {...}}``."""
    return serialize_keras_object(layer)


def deserialize(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None) -> Layer:
    """A layer from ``{'class_name': ..., 'config': ...}``."""
    return deserialize_keras_object(config, _layer_classes(), custom_objects, "layer")


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
