"""Built-in losses (``keras.losses``) with Keras 2 (tf-keras) numbers.

Loss *functions* return one value per sample (most take the mean over the last axis);
:class:`Loss` objects reduce those with sample weights into a scalar, as tf-keras's
``compute_weighted_loss`` does ('sum_over_batch_size' divides by the number of elements,
not by the sum of the weights).

Logits recovery: like tf-keras, a ``sigmoid``/``softmax`` output carries its input as
``y_pred._keras_logits`` and the cross-entropies then compute from those logits (no
clipping):

>>> z = torch.tensor([[20.0]])
>>> p = torch.sigmoid(z); p._keras_logits = z
>>> binary_crossentropy(torch.tensor([[0.0]]), p)   # 20 + log1p(exp(-20)), not clipped
tensor([20.])
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, Optional, Union

from torchkeras.backend import to_snake_case
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.losses.backend_crossentropy import (  # noqa: F401  (keras.backend's K.*)
    backend_binary_crossentropy, backend_binary_focal_crossentropy,
    backend_categorical_crossentropy, backend_categorical_focal_crossentropy,
    backend_sparse_categorical_crossentropy, sigmoid_cross_entropy_with_logits)
from torchkeras.losses.base import Loss, LossFunctionWrapper
from torchkeras.losses.reduction import (  # noqa: F401  (helpers of losses and metrics)
    Reduction, ReductionV2, TensorLike, apply_mask, apply_valid_mask, as_tensor,
    compute_weighted_loss, get_mask, match_dtype_and_rank, reduce_weighted_loss,
    remove_squeezable_dimensions, squeeze_or_expand_dimensions)
from torchkeras.losses.regression import cosine, cosine_proximity, l2_normalize  # noqa: F401
from torchkeras.registry import function_lookup
from torchkeras.registry.builtin_objects import builtin_objects, export_modules, register_builtin
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

# Each loss module (base, and the families: regression, probabilistic, hinge) lists its
# classes, functions and Keras 2 aliases in `__all__`: exported and registered by name.
_EXPORTED = export_modules("losses", __name__, __path__, globals(),
                           skip={"reduction", "backend_crossentropy"})
# Old tf.keras (v1) names: resolvable, not in `__all__`.
register_builtin("losses", cosine, "cosine", "cosine_proximity")


def _module_objects() -> Dict[str, Any]:
    return builtin_objects("losses")


function_lookup.register_builtin_functions("losses", _module_objects)  # Lambda configs


def serialize(loss: Any) -> Any:
    """A loss function's name, or ``{'class_name': ..., 'config': ...}`` for a Loss."""
    if loss is None:
        return None
    if not isinstance(loss, Loss):
        if not callable(loss):
            warnings.warn("The `keras.losses.serialize()` API should only be used for objects "
                          "of type `keras.losses.Loss`. Found an instance of type "
                          f"{type(loss)}, which may lead to improper serialization.")
    return serialize_keras_object(loss)


def deserialize(name: Union[str, Dict[str, Any]],
                custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """The loss function or Loss instance named by ``name`` (string or config dict)."""
    return deserialize_keras_object(name, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name="loss function")


def get(identifier: Any) -> Any:
    """Keras 2 ``losses.get``: a function for a function name, an instance for a class name.

    >>> get('mse') is mean_squared_error
    True
    >>> get('BinaryCrossentropy').name
    'binary_crossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def get_custom_object_name(obj: Any) -> Optional[str]:
    """The name Keras gives ``obj`` in compile: ``.name``, ``__name__`` or snake-cased class."""
    if hasattr(obj, "name") and isinstance(obj.name, str):
        return obj.name
    if hasattr(obj, "__name__"):
        return obj.__name__
    if hasattr(obj, "__class__"):
        return to_snake_case(obj.__class__.__name__)
    return None


def to_loss_object(identifier: Any) -> Optional[Loss]:
    """What ``compile(loss=...)`` turns an identifier into: always a :class:`Loss`.

    Functions (built-in or the user's) are wrapped in :class:`LossFunctionWrapper` named
    after the function.

    >>> to_loss_object('mse').name
    'mean_squared_error'
    """
    if identifier is None:
        return None
    loss = get(identifier)
    if isinstance(loss, Loss):
        loss._allow_sum_over_batch_size = True
        return loss
    name = get_custom_object_name(loss)
    if name is None or not callable(loss):
        raise ValueError(f"Loss should be a callable, received: {loss}")
    wrapper = LossFunctionWrapper(loss, name=name)
    wrapper._allow_sum_over_batch_size = True
    return wrapper


def is_categorical_crossentropy(loss: Any) -> bool:
    """Whether ``loss`` is categorical cross-entropy in any of its forms."""
    return (isinstance(loss, CategoricalCrossentropy)
            or (isinstance(loss, LossFunctionWrapper) and loss.fn == categorical_crossentropy)
            or getattr(loss, "__name__", None) == "categorical_crossentropy"
            or (isinstance(loss, str) and loss == "categorical_crossentropy"))

__all__ = ["Reduction", *_EXPORTED, "get", "serialize", "deserialize", "to_loss_object",
           "compute_weighted_loss", "match_dtype_and_rank", "squeeze_or_expand_dimensions",
           "is_categorical_crossentropy"]

__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
