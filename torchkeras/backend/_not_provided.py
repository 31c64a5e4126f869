"""Module ``__getattr__`` hooks: a Keras name torchkeras does not provide yet raises an
``AttributeError`` that says so (``hasattr`` stays ``False``); any other missing name raises
Python's usual error. The names: :mod:`torchkeras.backend._missing_names` (generated from
``compat/api_coverage.md`` by ``compat/not_supported.py``).
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, FrozenSet

from torchkeras.backend._missing_names import MISSING

_SETS: Dict[str, FrozenSet[str]] = {}


def missing_names(namespace: str) -> FrozenSet[str]:
    """The Keras names of ``namespace`` (``"layers"``; ``""``: the top level) not provided."""
    names = _SETS.get(namespace)
    if names is None:
        names = _SETS[namespace] = frozenset("".join(MISSING.get(namespace, ())).split())
    return names


def not_provided_hook(module_name: str) -> Callable[[str], Any]:
    """The ``__getattr__`` for module ``module_name`` (``"torchkeras.layers"``)."""
    namespace = module_name[len("torchkeras."):] if module_name != "torchkeras" else ""
    keras_module = "keras." + namespace if namespace else "keras"

    def __getattr__(name: str) -> Any:
        module = sys.modules.get(module_name)
        if name in missing_names(namespace):
            raise AttributeError(
                f"module '{module_name}' has no attribute '{name}': `{keras_module}.{name}` is "
                "a Keras name that torchkeras does not provide yet (see \"What is not "
                "supported yet\" in torchkeras's README)", name=name, obj=module)
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'", name=name,
                             obj=module)
    return __getattr__
