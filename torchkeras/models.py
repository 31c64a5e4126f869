"""``keras.models``: Sequential, Model and helpers."""
from __future__ import annotations

from typing import Any, Dict, Optional

from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential


def model_from_config(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None):
    """A model (or layer) from ``{'class_name': ..., 'config': ...}``."""
    from torchkeras import layers
    return layers.deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string: str, custom_objects: Optional[Dict[str, Any]] = None):
    import json
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)


__all__ = ["Model", "Sequential", "model_from_config", "model_from_json"]
