"""Keras optimizers on ``torch.optim`` (``keras.optimizers``).

``get('adam')``, ``serialize(opt)``, ``deserialize(config)`` resolve optimizers the way Keras
does: class names are case-insensitive, instances pass through.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.optimizers import schedules
from torchkeras.optimizers.base import Optimizer
from torchkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer
from torchkeras.registry.builtin_objects import builtin_objects, export_modules, register_builtin
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

# Each optimizer module lists its class in `__all__`: exported and registered by name.
_EXPORTED = export_modules("optimizers", __name__, __path__, globals(),
                           skip={"base", "schedules", "loss_scale_optimizer"})
for _name in ("Adadelta", "Adagrad", "Adam", "SGD"):  # tf-keras 2.9-2.10 names
    register_builtin("optimizers", globals()[_name], "Experimental" + _name)
# Deserializable, not made from a bare name (it needs an inner optimizer). tf-keras writes
# "LossScaleOptimizerV3" around its new optimizers, "LossScaleOptimizer" around legacy ones.
register_builtin("optimizers", LossScaleOptimizer, "LossScaleOptimizer", "LossScaleOptimizerV3")


def _by_lowercase_name() -> Dict[str, Any]:
    """The built-in optimizers by lowercased name (class names are case-insensitive)."""
    return {name.lower(): obj for name, obj in builtin_objects("optimizers").items()}


def serialize(optimizer: Optimizer) -> Dict[str, Any]:
    """``{'class_name': 'Adam', 'config': {...}}``."""
    return serialize_keras_object(optimizer)


def deserialize(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None
                ) -> Optimizer:
    """An optimizer from ``serialize()``'s output (built-in class names are case-insensitive)."""
    if isinstance(config, dict):
        class_name = str(config.get("class_name", ""))
        if class_name.startswith(("Custom>", "keras>")):  # tf-keras 2.1x writes "Custom>Adam"
            class_name = class_name.split(">", 1)[1]
        if class_name.lower() in _by_lowercase_name():
            config = dict(config, class_name=class_name.lower())
    return deserialize_keras_object(config, module_objects=_by_lowercase_name(),
                                    custom_objects=custom_objects,
                                    printable_module_name="optimizer")


def get(identifier: Any) -> Any:
    """An optimizer from an instance, a name (``'adam'``) or a config dict.

    Example:
        >>> get('RMSprop').learning_rate
        0.001
    """
    if isinstance(identifier, (Optimizer, torch.optim.Optimizer, LossScaleOptimizer)):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = ["Optimizer", *_EXPORTED, "LossScaleOptimizer", "schedules", "get", "serialize",
           "deserialize"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
