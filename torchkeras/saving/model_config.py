"""Model configs in and out: Keras 2 and Keras 3 configs to torchkeras, torchkeras to Keras 3.

Reading accepts what real Keras writes:

* Keras 2 (tf-keras) configs: ``batch_input_shape`` on the first layer, ``InputLayer``
  entries, the pre-2.2 list form of a Sequential config, old argument names;
* Keras 3 configs: ``module``/``registered_name``/``build_config`` keys, ``DTypePolicy``
  dicts, ``batch_shape``, ``__lambda__`` functions, and Keras 3-only layer arguments
  (``quantization_config``, ``lora_rank``, ...) that torchkeras layers do not take.

Writing for Keras 3 (``.keras`` files) adds the ``module``/``registered_name``/
``build_config`` keys Keras 3's loader needs.
"""
from __future__ import annotations

import inspect
import json
import warnings
from typing import Any, Dict, Optional, Type

import numpy as np

from torchkeras import (activations, constraints, initializers, layers, losses, metrics,
                        optimizers, regularizers)
from torchkeras.backend.messages import did_you_mean
from torchkeras.layers.base import _BASE_LAYER_KWARGS, Layer, build_input_shape
from torchkeras.registry import json_limits
from torchkeras.registry.keras_layer_args import KERAS_ONLY_ARGS
from torchkeras.registry.object_registration import get_registered_name, get_registered_object
from torchkeras.saving.op_nodes import is_op_entry

# Keras-3-only / informational arguments dropped silently when a torchkeras layer lacks them.
_BENIGN_EXTRA_ARGS = {"optional", "quantization_config", "lora_rank", "lora_alpha",
                      "time_major", "build_config", "compile_config", "seed_generator"}
_MODEL_CLASSES = {"Functional", "Model", "Sequential"}


# --------------------------------------------------------------------------- reading
def normalize_entry(entry: Any, custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """A ``{'class_name', 'config'}`` layer/model entry in the form torchkeras layers take."""
    if not isinstance(entry, dict) or "class_name" not in entry or is_op_entry(entry):
        return entry  # (a Keras 3 operation node keeps its module: op_nodes reads it)
    entry = dict(entry)
    class_name = entry["class_name"]
    config = entry.get("config")
    if class_name == "Sequential" and isinstance(config, list):  # Keras < 2.2.3
        config = {"name": None, "layers": config}
    if isinstance(config, dict):
        if class_name in _MODEL_CLASSES or ("layers" in config and "input_layers" in config):
            config = dict(config)
            config["layers"] = [normalize_entry(e, custom_objects) for e in config["layers"]]
            config.pop("build_input_shape", None)
            config["dtype"] = _dtype_name(config.get("dtype"))
            if config["dtype"] is None:
                config.pop("dtype")
        else:
            config = normalize_layer_config(class_name, config, entry.get("registered_name"),
                                            custom_objects)
    entry["config"] = config
    cls = get_registered_object(entry.get("registered_name") or class_name, custom_objects)
    custom_build = isinstance(cls, type) and issubclass(cls, Layer) and \
        cls.build_from_config is not Layer.build_from_config
    for key in ("module", "build_config", "compile_config", "shared_object_id"):
        if key != "build_config" or not custom_build:  # its own build_from_config reads it
            entry.pop(key, None)
    return entry


def normalize_layer_config(class_name: str, config: Dict[str, Any],
                           registered_name: Optional[str] = None,
                           custom_objects: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """One layer's config: dtype policies to names, nested layers normalized, Keras 3
    spellings to Keras 2 ones, and arguments the torchkeras class does not take dropped."""
    config = {key: _normalize_value(value, custom_objects) for key, value in config.items()}
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = _dtype_name(config["dtype"])
    if class_name == "Lambda":
        _normalize_lambda(config)
    cls = _builtin_layer_class(class_name, registered_name, custom_objects)
    if cls is not None:
        accepted = accepted_arguments(cls)
        if accepted is not None:
            tolerated = KERAS_ONLY_ARGS.get(class_name, frozenset()) | _BENIGN_EXTRA_ARGS
            unknown = {k: v for k, v in config.items() if k not in accepted | tolerated}
            if unknown:
                raise unrecognized_arguments_error(class_name, config.get("name"), unknown,
                                                   accepted)
            for key in [k for k in config if k not in accepted]:
                value = config.pop(key)
                if value not in (None, False) and key not in _BENIGN_EXTRA_ARGS:
                    warnings.warn(f"Layer '{config.get('name')}' ({class_name}): the saved "
                                  f"argument {key}={value!r} is not supported by torchkeras "
                                  "and was ignored.", stacklevel=3)
    return config


def unrecognized_arguments_error(class_name: str, layer_name: Any, unknown: Dict[str, Any],
                                 valid: set) -> TypeError:
    """Keras 3's "Unrecognized keyword arguments passed to Dense: {...}", naming the layer
    and the near valid name of each unknown key."""
    hint = did_you_mean([str(key) for key in unknown], valid, name_each=len(unknown) > 1)
    return TypeError(f"Layer '{layer_name}' in the saved config: Unrecognized keyword "
                     f"arguments passed to {class_name}: {unknown}.{hint} No version of Keras "
                     f"writes these arguments for {class_name}; the config is damaged or its "
                     "class_name is wrong.")


def _normalize_value(value: Any, custom_objects: Optional[Dict[str, Any]]) -> Any:
    """Nested layers (wrappers such as Bidirectional) are normalized; other values kept."""
    if isinstance(value, dict) and "class_name" in value and isinstance(value.get("config"),
                                                                         dict):
        if "name" in value["config"] and "trainable" in value["config"]:  # a layer entry
            return normalize_entry(value, custom_objects)
        value = dict(value)
        module = value.pop("module", None)
        if not value.get("registered_name"):
            value.pop("registered_name", None)
        if value["class_name"] == "DTypePolicy":
            return _dtype_name(value)
        if isinstance(module, str) and module.startswith("keras."):
            value["config"] = _drop_unknown_none(module, value["class_name"], value["config"])
        return value
    return value


# Keras 3 ``module`` values whose classes torchkeras has, and the torchkeras module holding
# them: a fixed table, so a module name read from a file is never imported.
_KERAS3_MODULES = {"activations": activations, "constraints": constraints,
                   "initializers": initializers, "losses": losses, "metrics": metrics,
                   "optimizers": optimizers, "regularizers": regularizers}


def _torchkeras_module(module: str) -> Any:
    """The torchkeras counterpart of a Keras 3 ``module`` value, or ``None``."""
    parts = module.split(".")
    if parts[:2] == ["keras", "src"]:
        parts = ["keras"] + parts[2:]
    if len(parts) < 2 or parts[0] != "keras" or parts[1] not in _KERAS3_MODULES:
        return None
    return _KERAS3_MODULES[parts[1]]


def _drop_unknown_none(module: str, class_name: str, config: Dict[str, Any]) -> Dict[str, Any]:
    """Keras 3 adds arguments such as ``input_axes=None`` to initializer configs; drop the
    ``None`` ones the torchkeras class does not take."""
    target = _torchkeras_module(module)
    cls = getattr(target, class_name, None) if target is not None else None
    if not inspect.isclass(cls):
        return config
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return config
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return config
    return {k: v for k, v in config.items() if k in params or v is not None}


def _dtype_name(dtype: Any) -> Any:
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name")
    return dtype


def _normalize_lambda(config: Dict[str, Any]) -> None:
    """Keras 3 stores a lambda as ``{'class_name': '__lambda__', 'config': {code, ...}}``."""
    function = config.get("function")
    if isinstance(function, dict) and function.get("class_name") == "__lambda__":
        inner = function.get("config", {})
        config["function"] = [inner.get("code"), inner.get("defaults"), inner.get("closure")]
        config["function_type"] = "lambda"
    elif isinstance(function, dict) and "class_name" in function:  # a named function
        config["function"] = function.get("registered_name") or function.get(
            "config", function["class_name"])
        config["module"] = function.get("module")  # never imported: see function_lookup
        config["function_type"] = "function"
    output_shape = config.get("output_shape")
    if isinstance(output_shape, dict) and output_shape.get("class_name") == "__lambda__":
        config["output_shape"] = None


def _builtin_layer_class(class_name: str, registered_name: Optional[str],
                         custom_objects: Optional[Dict[str, Any]]) -> Optional[type]:
    """The torchkeras class for a built-in layer name (``None`` for custom classes)."""
    for name in (registered_name, class_name):
        if name and get_registered_object(name, custom_objects) is not None:
            return None
    cls = layers._layer_classes().get(class_name)
    if cls is None or not cls.__module__.startswith("torchkeras."):
        return None
    return cls


def accepted_arguments(cls: type) -> Optional[set]:
    """Keyword arguments a torchkeras layer class accepts (``None``: it takes anything)."""
    if cls.from_config.__func__ is not Layer.from_config.__func__:
        return None  # its own from_config reads the config
    names = set(_BASE_LAYER_KWARGS) | {"trainable", "name", "dtype"}
    for klass in cls.__mro__:
        if klass is Layer or klass is object:
            continue
        if "__init__" in vars(klass):
            try:
                params = inspect.signature(klass.__init__).parameters
            except (TypeError, ValueError):
                return None
            names |= {n for n, p in params.items()
                      if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)} - {"self"}
    return names


def deserialize_model(config: Dict[str, Any], custom_objects: Optional[Dict[str, Any]] = None):
    """A model (or layer) from a Keras 2 or Keras 3 ``{'class_name', 'config'}`` dict."""
    entry = normalize_entry(config, custom_objects)
    return layers.deserialize(entry, custom_objects=custom_objects)


def decode_json(text: Any, source: str = "the model config",
                error: Type[Exception] = ValueError) -> Any:
    """Parsed JSON, size and nesting bounded first (:mod:`json_limits`); errors name
    ``source``."""
    return json_limits.loads_bounded(text, source, error)


def to_json_compatible(value: Any) -> Any:
    """``json.dumps`` ``default=``: tuples, numpy scalars/arrays, dtypes, shapes."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "get_config"):
        return {"class_name": get_registered_name(type(value)), "config": value.get_config()}
    if callable(value) and hasattr(value, "__name__"):
        return get_registered_name(value)
    if type(value).__name__ in ("dtype", "Size", "TensorShape"):
        return str(value) if type(value).__name__ == "dtype" else list(value)
    raise TypeError(f"Not JSON Serializable: {value!r}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=to_json_compatible)


# --------------------------------------------------------------------------- writing (Keras 3)
_KERAS3_SUBMODULES = (("_initializer", "keras.initializers"), ("_regularizer", "keras.regularizers"),
                      ("_constraint", "keras.constraints"))


def keras3_layer_entry(layer: Any, config: Dict[str, Any]) -> Dict[str, Any]:
    """``{'module', 'class_name', 'config', 'registered_name', 'build_config'}`` for Keras 3."""
    cls = type(layer)
    registered = get_registered_name(cls)
    builtin = cls.__module__.startswith("torchkeras.") and registered == cls.__name__
    entry = {"module": "keras.layers" if builtin else cls.__module__,
             "class_name": cls.__name__,
             "config": keras3_layer_config(cls.__name__, config),
             "registered_name": None if builtin else registered}
    shape = build_input_shape(layer)
    if cls.get_build_config is not Layer.get_build_config:  # Keras 3: the layer's own
        build_config = layer.get_build_config()
        if build_config is not None:
            entry["build_config"] = build_config
    elif shape is not None and layer.built:
        entry["build_config"] = {"input_shape": _shape_list(shape)}
    return entry


def keras3_layer_config(class_name: str, config: Dict[str, Any]) -> Dict[str, Any]:
    config = dict(config)
    if class_name == "InputLayer":
        config["batch_shape"] = config.pop("batch_input_shape", config.get("batch_shape"))
    else:
        config.pop("batch_input_shape", None)  # Keras 3 takes the shape from InputLayer
    if class_name == "BatchNormalization" and isinstance(config.get("axis"), (list, tuple)) \
            and len(config["axis"]) == 1:
        config["axis"] = config["axis"][0]  # Keras 2 writes [3]; Keras 3 wants an int
    if config.get("time_major") is False:
        del config["time_major"]  # Keras 2 RNN argument that Keras 3 rejects
    if class_name == "MultiHeadAttention":  # Keras 2 arguments that Keras 3 rejects
        for key in ("query_shape", "key_shape", "value_shape", "softmax_robust_masking"):
            config.pop(key, None)
    dtype = config.get("dtype")
    if isinstance(dtype, dict) and dtype.get("class_name") == "Policy":  # a mixed policy
        config["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                           "config": dict(dtype.get("config") or {}), "registered_name": None}
    for key, value in list(config.items()):
        if isinstance(value, dict) and "class_name" in value and "module" not in value:
            for suffix, module in _KERAS3_SUBMODULES:
                if key.endswith(suffix):
                    config[key] = {"module": module, **value, "registered_name": None}
    return config


def _shape_list(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_shape_list(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _shape_list(v) for k, v in shape.items()}
    return list(shape) if shape is not None else None
