"""Turning Keras objects into config dicts and back.

Every ``module.get(identifier)`` in torchkeras (activations, initializers, losses, metrics,
optimizers, ...) goes through :func:`deserialize_keras_object`, so they all accept the same
forms: an object, a string name, or ``{'class_name': ..., 'config': {...}}``, and reject an
unknown name with a message that lists the valid ones.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional

from torchkeras.backend.messages import did_you_mean
from torchkeras.registry.builtin_objects import find_builtin
from torchkeras.registry.object_registration import get_registered_name, get_registered_object

_SAFE_MODE_STACK: list = []
_UNSAFE_ENABLED = [False]  # set by enable_unsafe_deserialization()


class SafeModeScope:
    """``with SafeModeScope(False): ...``: whether deserialization may run stored Python code
    (a ``Lambda`` layer's bytecode). Safe (``True``) unless a scope says otherwise."""

    def __init__(self, safe_mode: Optional[bool] = True):
        self.safe_mode = True if safe_mode is None else bool(safe_mode)

    def __enter__(self) -> "SafeModeScope":
        _SAFE_MODE_STACK.append(self.safe_mode)
        return self

    def __exit__(self, *exc: Any) -> None:
        _SAFE_MODE_STACK.pop()


def in_safe_mode() -> bool:
    """The innermost :class:`SafeModeScope`'s value; outside any scope ``True`` unless
    :func:`enable_unsafe_deserialization` was called."""
    if _SAFE_MODE_STACK:
        return _SAFE_MODE_STACK[-1]
    return not _UNSAFE_ENABLED[0]


def enable_unsafe_deserialization() -> None:
    """Keras 3's ``keras.config.enable_unsafe_deserialization()``: from now on loading may
    run stored code (``Lambda`` bytecode, pickled torch modules), even where a loading
    function is called with its default ``safe_mode=True``."""
    _UNSAFE_ENABLED[0] = True


def unsafe_deserialization_enabled() -> bool:
    return _UNSAFE_ENABLED[0]


def serialize_keras_object(instance: Any) -> Any:
    """``{'class_name': ..., 'config': ...}`` for objects with get_config, a name for functions."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": get_registered_name(instance.__class__),
                "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r}: it has no `get_config()` method.")


def unknown_identifier_error(kind: str, name: str, valid_names) -> ValueError:
    """Keras's "Unknown <kind>" error, plus the valid names and a near-name suggestion."""
    valid = sorted(set(valid_names))
    message = (f"Unknown {kind}: '{name}'. Please ensure you are using a "
               "`keras.utils.custom_object_scope` and that this object is included in the "
               "scope.")
    message += did_you_mean(str(name), valid, ignore_case=True)
    message += " Valid values: " + ", ".join(repr(v) for v in valid)
    return ValueError(message)


def deserialize_keras_object(identifier: Any, module_objects: Optional[Dict[str, Any]] = None,
                             custom_objects: Optional[Dict[str, Any]] = None,
                             printable_module_name: str = "object",
                             safe_mode: Optional[bool] = None) -> Any:
    """Resolve ``identifier`` (string or config dict) against ``module_objects``.

    A string naming a class returns an instance made with default arguments; a string
    naming a function returns the function; a config dict returns ``cls.from_config(config)``.
    Names resolve only from custom/registered objects and ``module_objects``: a ``module``
    named in the config is never imported. ``safe_mode`` (``None``: the enclosing loading
    call's) decides whether stored code may run.
    """
    if safe_mode is not None and not (safe_mode and unsafe_deserialization_enabled()):
        with SafeModeScope(safe_mode):
            return deserialize_keras_object(identifier, module_objects, custom_objects,
                                            printable_module_name)
    module_objects = module_objects or {}
    if identifier is None:
        return None
    plain_string = isinstance(identifier, str)  # (a function config must resolve)
    if isinstance(identifier, dict) and identifier.get("class_name") == "function" \
            and isinstance(identifier.get("config"), str):
        # Keras 3's {'module': ..., 'class_name': 'function', 'config': name}: by name only.
        identifier = identifier.get("registered_name") or identifier["config"]
        if ">" in identifier and get_registered_object(identifier, custom_objects,
                                                       module_objects) is None:
            identifier = identifier.split(">", 1)[1]
    if isinstance(identifier, dict):
        class_name = identifier.get("class_name")
        if class_name is None:
            raise ValueError(f"Improper config format for {printable_module_name}: {identifier}. "
                             "Expecting python dict contains `class_name` and `config` as keys")
        config = identifier.get("config", {})
        if identifier.get("registered_name"):
            cls = get_registered_object(identifier["registered_name"], custom_objects,
                                        module_objects)
            if cls is None:
                cls = get_registered_object(class_name, custom_objects, module_objects)
        else:
            cls = get_registered_object(class_name, custom_objects, module_objects)
        if cls is None and not module_objects:  # Keras 3's generic call: a built-in class
            cls = find_builtin(class_name, identifier.get("module"))
        if cls is None:
            raise unknown_identifier_error(printable_module_name, class_name, module_objects)
        if not isinstance(config, dict):  # a bare function name stored as config
            return cls
        if hasattr(cls, "from_config"):
            from_config = cls.from_config
            params = inspect.signature(from_config).parameters
            kwargs: Dict[str, Any] = {}
            if "custom_objects" in params:
                kwargs["custom_objects"] = custom_objects
            if "safe_mode" in params:
                kwargs["safe_mode"] = in_safe_mode()
            return from_config(config, **kwargs)
        return cls(**config) if inspect.isclass(cls) else cls
    if isinstance(identifier, str):
        obj = get_registered_object(identifier, custom_objects, module_objects)
        if obj is None:
            if plain_string and not module_objects:  # Keras 3's generic call: an unknown
                return identifier  # name stays a string ("SGD", "accuracy": compile takes it)
            raise unknown_identifier_error(printable_module_name, identifier, module_objects)
        return obj() if inspect.isclass(obj) else obj
    if isinstance(identifier, (list, tuple)) and not module_objects:  # Keras 3: each item
        return [deserialize_keras_object(item, custom_objects=custom_objects)
                for item in identifier]
    return identifier
