"""User-registered classes and functions, looked up by name when deserializing."""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional

_GLOBAL_CUSTOM_OBJECTS: Dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: Dict[Any, str] = {}
_SCOPE_STACK: list = []


def check_custom_objects(custom_objects: Any) -> None:
    """``TypeError`` unless ``custom_objects`` is None or a dict (a list or a str of names
    would otherwise fail deep inside ``dict.update`` or match names by substring)."""
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise TypeError("`custom_objects` must be a dict mapping names to classes or "
                        "functions, e.g. {'MyLayer': MyLayer}. Received: "
                        f"custom_objects={custom_objects!r} (of type "
                        f"{type(custom_objects).__name__})")


class CustomObjectScope:
    """``with custom_object_scope({'MyLayer': MyLayer}): load_model(...)``."""

    def __init__(self, *args: Dict[str, Any]):
        self.custom_objects = {}
        for arg in args:
            check_custom_objects(arg)
            self.custom_objects.update(arg or {})

    def __enter__(self):
        _SCOPE_STACK.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _SCOPE_STACK.pop()


custom_object_scope = CustomObjectScope


def get_custom_objects() -> Dict[str, Any]:
    """The global dict of custom objects (mutable, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: Optional[str] = None) -> Callable:
    """Decorator registering a class or function as ``'package>name'``."""
    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = package + ">" + class_name
        if registered_name in _GLOBAL_CUSTOM_OBJECTS:
            raise ValueError(f"{registered_name} has already been registered to "
                             f"{_GLOBAL_CUSTOM_OBJECTS[registered_name]}")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg
    return decorator


def get_registered_name(obj: Any) -> str:
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name: str, custom_objects: Optional[Dict[str, Any]] = None,
                          module_objects: Optional[Dict[str, Any]] = None) -> Any:
    """Find ``name`` in the custom object scopes, globals, ``custom_objects``, then module."""
    check_custom_objects(custom_objects)
    for scope in reversed(_SCOPE_STACK):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    # 'package>name' registered without package in custom_objects
    if ">" in name and custom_objects:
        short = name.split(">", 1)[1]
        if short in custom_objects:
            return custom_objects[short]
    return None
