"""``keras.models``: Sequential, Model and helpers."""
from __future__ import annotations

from typing import Any, Dict, Optional

from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.saving.model_config import decode_json, deserialize_model
from torchkeras.registry.object_registration import CustomObjectScope


def model_from_config(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None):
    """A model (or layer) from ``{'class_name': ..., 'config': ...}`` (Keras 2 or 3)."""
    with CustomObjectScope(custom_objects):
        return deserialize_model(config, custom_objects=custom_objects)


def model_from_json(json_string: str, custom_objects: Optional[Dict[str, Any]] = None):
    """A model from ``model.to_json()`` text (size and nesting bounded before parsing)."""
    config = decode_json(json_string, "the string passed to model_from_json")
    return model_from_config(config, custom_objects=custom_objects)


from torchkeras.saving.cloning import clone_model  # noqa: E402
from torchkeras.saving.saving_api import load_model, save_model  # noqa: E402

__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_config",
           "model_from_json", "save_model"]
