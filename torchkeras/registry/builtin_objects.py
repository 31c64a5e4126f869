"""Keras's built-in objects by namespace and Keras name: the one table that ``get``,
``deserialize`` and Lambda configs of layers, losses, metrics and optimizers read.

A package registers its objects with :func:`export_modules`: every module of the package
lists its Keras objects (classes, functions, Keras 2 aliases such as ``MaxPool2D`` or
``mse``) in ``__all__``; they are exported from the package and registered under those
names. Adding a layer, loss, metric or optimizer is: write it in a module of its package
and list it in that module's ``__all__``. A name that is resolvable but not a module
attribute (``'experimentaladam'``) is registered with :func:`register_builtin`.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Callable, Dict, Iterable, List, Optional

_BUILTINS: Dict[str, Dict[str, Any]] = {}


def register_builtin(namespace: str, obj: Any, *names: str) -> Any:
    """Register ``obj`` in ``namespace`` under ``names`` (default: its ``__name__``).

    A name already taken by a different object is an error (two modules exporting one
    Keras name would otherwise resolve by import order).
    """
    table = _BUILTINS.setdefault(namespace, {})
    for name in names or (obj.__name__,):
        if table.get(name, obj) is not obj:
            raise ValueError(f"keras.{namespace}: the name '{name}' is registered to "
                             f"{table[name]!r}; cannot register {obj!r} under it too.")
        table[name] = obj
    return obj


def builtin_objects(namespace: str) -> Dict[str, Any]:
    """A copy of ``namespace``'s table (Keras name -> object)."""
    return dict(_BUILTINS.get(namespace, {}))


def find_builtin(name: str, module: Optional[str] = None) -> Any:
    """The built-in object named ``name``: in the namespace a Keras 3 config's ``module``
    names (``'keras.regularizers'``, ``'keras.src.losses.losses'``), else in the one
    namespace that has it. ``None`` when not found or ambiguous."""
    if module:
        parts = [p for p in str(module).split(".") if p not in ("keras", "src")]
        for part in parts:
            found = _BUILTINS.get(part, {}).get(name)
            if found is not None:
                return found
    matches = {id(table[name]): table[name] for table in _BUILTINS.values() if name in table}
    return next(iter(matches.values())) if len(matches) == 1 else None


def export_modules(namespace: str, package: str, path: Iterable[str],
                   exports: Dict[str, Any], skip: Iterable[str] = (),
                   accept: Optional[Callable[[Any], bool]] = None) -> List[str]:
    """Import every module of ``package`` (by name, not ``_private``, not in ``skip``),
    copy the names in its ``__all__`` into ``exports`` (the package's globals) and register
    those ``accept`` takes (default: all) in ``namespace``. Returns the exported names."""
    skip = set(skip)
    exported: List[str] = []
    for info in sorted(pkgutil.iter_modules(list(path)), key=lambda m: m.name):
        if info.name in skip or info.name.startswith("_"):
            continue
        # A module of torchkeras's own package directory (pkgutil's listing of `path`), never
        # a name read from a file: loading a model file never reaches this import.
        module = importlib.import_module(f"{package}.{info.name}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            exports[name] = obj
            exported.append(name)
            if accept is None or accept(obj):
                register_builtin(namespace, obj, name)
    return exported
