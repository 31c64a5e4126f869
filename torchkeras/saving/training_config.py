"""``compile()`` arguments to and from the ``training_config`` a Keras file stores.

tf-keras writes ``{loss, metrics, weighted_metrics, loss_weights, optimizer_config}``;
Keras 3 the same keys (``.h5``) or a ``compile_config`` with ``optimizer`` (``.keras``).
Metrics come back as tf-keras wrote them (``MeanMetricWrapper`` configs, nested per output)
and are turned into arguments ``compile`` takes.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from torchkeras import losses, metrics, optimizers
from torchkeras.registry.serialization import serialize_keras_object

_STRING_METRICS = {"accuracy", "acc", "crossentropy", "ce"}


def training_config(model: Any) -> Optional[Dict[str, Any]]:
    """The training config of a compiled model (``None`` when not compiled)."""
    compiled = getattr(model, "compiled", None)
    if compiled is None:
        return None
    loss, loss_weights = compiled.loss_spec
    metrics, weighted_metrics = compiled.metrics_spec
    optimizer = compiled.optimizer
    return {"loss": _serialize(loss), "metrics": _serialize_metrics(metrics),
            "weighted_metrics": _serialize_metrics(weighted_metrics),
            "loss_weights": loss_weights,
            "optimizer_config": {"class_name": _optimizer_class_name(optimizer),
                                 "config": optimizer.get_config()}}


def _optimizer_class_name(optimizer: Any) -> str:
    """tf-keras 2.11+ names a LossScaleOptimizer around its (new) optimizers
    ``LossScaleOptimizerV3`` in files, and reads back only that name for them."""
    name = type(optimizer).__name__
    return "LossScaleOptimizerV3" if name == "LossScaleOptimizer" else name


def keras3_compile_config(model: Any) -> Optional[Dict[str, Any]]:
    """Keras 3's ``compile_config`` (``.keras`` files)."""
    config = training_config(model)
    if config is None:
        return None
    config["metrics"] = _serialize(model.compiled.metrics_spec[0])  # Keras 3 keeps names
    config["weighted_metrics"] = _serialize(model.compiled.metrics_spec[1])
    config["optimizer"] = _keras3_optimizer(config.pop("optimizer_config"))
    config.update({"run_eagerly": False, "steps_per_execution": 1, "jit_compile": False})
    return config


def _keras3_optimizer(optimizer: Dict[str, Any]) -> Dict[str, Any]:
    """An optimizer's ``{class_name, config}`` as Keras 3 writes it (a LossScaleOptimizer's
    config with its ``name`` and its inner optimizer's in the same form)."""
    config = {k: v for k, v in optimizer["config"].items()
              if k not in ("jit_compile", "is_legacy_optimizer", "decay")}
    if optimizer["class_name"] in ("LossScaleOptimizer", "LossScaleOptimizerV3"):
        config = {"name": "loss_scale_optimizer",
                  "inner_optimizer": _keras3_optimizer(config["inner_optimizer"]),
                  **{k: v for k, v in config.items()
                     if k != "inner_optimizer" and (k != "dynamic" or not v)}}
    class_name = "LossScaleOptimizer" if optimizer["class_name"] == "LossScaleOptimizerV3" \
        else optimizer["class_name"]
    return {"module": "keras.optimizers", "class_name": class_name, "config": config,
            "registered_name": None}


def _serialize_metrics(value: Any) -> Any:
    """Metrics as tf-keras writes them: a name such as ``'mae'`` becomes
    ``MeanMetricWrapper(name='mae', fn='mean_absolute_error')`` so that a reader keeps the
    name (tf-keras would otherwise call it ``mean_absolute_error``); the accuracy and
    crossentropy names stay strings (resolved by shape when compiled)."""
    if isinstance(value, str) and value not in _STRING_METRICS:
        try:
            fn = metrics.get(value)
        except ValueError:
            return value
        if callable(fn) and hasattr(fn, "__name__") and not isinstance(fn, type):
            return {"class_name": "MeanMetricWrapper",
                    "config": {"name": value, "dtype": "float32", "fn": fn.__name__}}
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize_metrics(v) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_metrics(v) for k, v in value.items()}
    return _serialize(value)


def _serialize(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize(v) for v in value]
    if isinstance(value, dict):
        return {k: _serialize(v) for k, v in value.items()}
    return serialize_keras_object(value)


def compile_args_from_training_config(config: Dict[str, Any], num_outputs: int,
                                      custom_objects: Optional[Dict[str, Any]] = None
                                      ) -> Dict[str, Any]:
    """``compile(**args)`` from a tf-keras ``training_config`` or Keras 3 ``compile_config``."""
    optimizer_config = config.get("optimizer_config") or config.get("optimizer")
    optimizer = "rmsprop"
    if isinstance(optimizer_config, dict):
        optimizer_config = dict(optimizer_config)
        optimizer_config.pop("module", None)
        optimizer_config.pop("registered_name", None)
        class_name = str(optimizer_config.get("class_name", ""))
        if class_name.startswith(("Custom>", "keras>")):  # tf-keras 2.1x writes "Custom>Adam"
            short = class_name.split(">", 1)[1]
            if short.lower() in optimizers._by_lowercase_name():
                optimizer_config["class_name"] = short
        optimizer = optimizers.deserialize(optimizer_config, custom_objects=custom_objects)
    elif isinstance(optimizer_config, str):
        optimizer = optimizer_config
    loss = _deserialize_nested(config.get("loss"), "loss", custom_objects)
    metrics = _deserialize_nested(config.get("metrics"), "metric", custom_objects)
    weighted = _deserialize_nested(config.get("weighted_metrics"), "metric", custom_objects)
    if num_outputs == 1:
        metrics, weighted = _unnest_single(metrics), _unnest_single(weighted)
        if isinstance(loss, list) and len(loss) == 1:
            loss = loss[0]
    return {"optimizer": optimizer, "loss": loss, "metrics": metrics,
            "weighted_metrics": weighted, "loss_weights": config.get("loss_weights")}


def _unnest_single(metrics: Any) -> Any:
    """tf-keras saves a single output's metrics as ``[[m1, m2]]``."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics


def _deserialize_nested(value: Any, kind: str, custom_objects: Optional[Dict[str, Any]]) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_deserialize_nested(v, kind, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" in value:
        return _deserialize_object(value, kind, custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize_nested(v, kind, custom_objects) for k, v in value.items()}
    return value


def _deserialize_object(value: Dict[str, Any], kind: str,
                        custom_objects: Optional[Dict[str, Any]]) -> Any:
    value = {k: v for k, v in value.items() if k != "module"}
    if not value.get("registered_name"):
        value.pop("registered_name", None)
    config = value.get("config") or {}
    if value["class_name"] == "MeanMetricWrapper" and isinstance(config, dict):
        # tf-keras saves `metrics=['mae']` as MeanMetricWrapper(name='mae', fn=...): the
        # name is what compile was given, and gives the same History keys.
        for candidate in (config.get("name"), config.get("fn")):
            if isinstance(candidate, str):
                if candidate in _STRING_METRICS:
                    return candidate
                try:
                    metrics.get(candidate)
                    return candidate
                except ValueError:
                    continue
    if value["class_name"] == "function" and isinstance(config, str):  # Keras 3 functions
        return config
    module = losses if kind == "loss" else metrics
    return module.deserialize(value, custom_objects=custom_objects)
