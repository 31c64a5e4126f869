"""Built-in metrics (``keras.metrics``) with Keras 2 (tf-keras) numbers.

Metric objects accumulate on the device (no host sync in ``update_state``); ``result()``
returns a device tensor. :func:`resolve_metric` is what ``compile(metrics=[...])`` uses.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, Optional, Union

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.metrics import reduction as _reduction
from torchkeras.metrics.base import Metric, MetricVariable, clone_metric
from torchkeras.registry import function_lookup
from torchkeras.registry.builtin_objects import builtin_objects, export_modules
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

# Each module lists its metric classes and functions (and Keras 2 aliases) in `__all__`:
# exported and registered by name. `resolve` imports this package's `get`: it comes last.
_EXPORTED = export_modules("metrics", __name__, __path__, globals(), skip={"resolve"})


def _module_objects() -> Dict[str, Any]:
    return builtin_objects("metrics")


def serialize(metric: Any) -> Any:
    """``{'class_name': ..., 'config': ...}`` for a Metric; a metric function's name."""
    if metric is None:
        return None
    if not isinstance(metric, Metric) and not callable(metric):
        warnings.warn("The `keras.metrics.serialize()` API should only be used for objects of "
                      "type `keras.metrics.Metric`. Found an instance of type "
                      f"{type(metric)}, which may lead to improper serialization.")
    return serialize_keras_object(metric)


def deserialize(config: Union[str, Dict[str, Any]],
                custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """The metric function or Metric instance named by ``config``."""
    return deserialize_keras_object(config, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name="metric function")


def get(identifier: Any) -> Any:
    """Keras 2 ``metrics.get``: a function for a function name, an instance for a class name.

    >>> get('mse') is mean_squared_error
    True
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


_reduction._metric_lookup = get  # MeanMetricWrapper.from_config resolves `fn` with it
function_lookup.register_builtin_functions("metrics", _module_objects)  # Lambda configs

# After `get`: compile's resolution looks names up through this package.
from torchkeras.metrics.resolve import resolve_metric  # noqa: E402

__all__ = list(dict.fromkeys(_EXPORTED)) + [
    "MetricVariable", "clone_metric", "get", "serialize", "deserialize", "resolve_metric"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
