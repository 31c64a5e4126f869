"""Keras optimizers on ``torch.optim`` (``keras.optimizers``).

``get('adam')``, ``serialize(opt)``, ``deserialize(config)`` resolve optimizers the way Keras
does: class names are case-insensitive, instances pass through.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.optimizers import schedules
from torchkeras.optimizers.adadelta import Adadelta
from torchkeras.optimizers.adafactor import Adafactor
from torchkeras.optimizers.adagrad import Adagrad
from torchkeras.optimizers.adam import Adam
from torchkeras.optimizers.adamax import Adamax
from torchkeras.optimizers.adamw import AdamW
from torchkeras.optimizers.base import Optimizer
from torchkeras.optimizers.ftrl import Ftrl
from torchkeras.optimizers.lion import Lion
from torchkeras.optimizers.nadam import Nadam
from torchkeras.optimizers.rmsprop import RMSprop
from torchkeras.optimizers.sgd import SGD
from torchkeras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer
from torchkeras.saving.serialization import deserialize_keras_object, serialize_keras_object

_ALL_CLASSES = {cls.__name__.lower(): cls for cls in (
    Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lion, Nadam, RMSprop, SGD)}
_ALL_CLASSES.update({"experimentaladadelta": Adadelta, "experimentaladagrad": Adagrad,
                     "experimentaladam": Adam, "experimentalsgd": SGD})
# Deserializable, not made from a bare name (it needs an inner optimizer). tf-keras writes
# "LossScaleOptimizerV3" around its new optimizers, "LossScaleOptimizer" around legacy ones.
_WRAPPERS = {"lossscaleoptimizer": LossScaleOptimizer,
             "lossscaleoptimizerv3": LossScaleOptimizer}


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
        if class_name.lower() in _ALL_CLASSES or class_name.lower() in _WRAPPERS:
            config = dict(config, class_name=class_name.lower())
    return deserialize_keras_object(config, module_objects={**_ALL_CLASSES, **_WRAPPERS},
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


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adafactor",
           "Adamax",
           "Nadam", "Ftrl", "Lion", "LossScaleOptimizer", "schedules", "get", "serialize",
           "deserialize"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
