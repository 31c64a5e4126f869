"""Functions named in a saved config (a ``Lambda`` layer's ``function``), resolved safely.

A file may name a function (``{"function": "system", "module": "os"}``). As in Keras 3
(``serialization_lib._retrieve_class_or_fn``), the name is looked up only in:

* ``custom_objects``, ``custom_object_scope`` and ``register_keras_serializable`` objects;
* torchkeras's built-in activation, loss and metric functions (Keras's ``BUILTIN_MODULES``);
* a fixed table of pure torch tensor ops (``module: "torch"``), the torch counterpart of
  the ``keras.ops`` functions Keras 3 resolves; torchkeras writes these for
  ``Lambda(torch.square)``.

The ``module`` a file names is never imported, and no module's namespace is searched:
``os.system``, ``subprocess.run``, ``torch.save`` or ``builtins.exec`` are never reached.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional

import torch

from torchkeras.registry.object_registration import get_registered_object

# Pure tensor computations from the ``torch`` namespace (no I/O, no global state).
TORCH_TENSOR_OPS = frozenset({
    "abs", "acos", "add", "addmm", "amax", "amin", "argmax", "argmin", "asin", "atan",
    "atan2", "bmm", "cat", "ceil", "clamp", "clip", "concat", "cos", "cosh", "cumprod",
    "cumsum", "div", "einsum", "eq", "erf", "exp", "expm1", "flatten", "flip", "floor",
    "gather", "ge", "gt", "le", "lerp", "log", "log10", "log1p", "log2", "log_softmax",
    "logical_and", "logical_not", "logical_or", "logsumexp", "lt", "matmul", "max",
    "maximum", "mean", "median", "min", "minimum", "mm", "mul", "ne", "neg", "norm",
    "permute", "pow", "prod", "reciprocal", "relu", "reshape", "round", "rsqrt", "sigmoid",
    "sign", "sin", "sinh", "softmax", "sqrt", "square", "squeeze", "stack", "std", "sub",
    "sum", "t", "tan", "tanh", "tile", "transpose", "tril", "triu", "unsqueeze", "var",
    "where",
})


# Where the built-in functions come from, in lookup order (a later source wins a name):
# activations.py, losses/__init__.py and metrics/__init__.py register their tables when imported
# (they sit above this module; README "Layout": registration instead of upward imports).
_BUILTIN_ORDER = ("metrics", "losses", "activations")
_BUILTIN_SOURCES: Dict[str, Callable[[], Dict[str, Any]]] = {}


def register_builtin_functions(source: str, module_objects: Callable[[], Dict[str, Any]]) -> None:
    """Register ``module_objects`` (name -> object) as the built-in ``source``
    (``'activations'``, ``'losses'`` or ``'metrics'``)."""
    if source not in _BUILTIN_ORDER:
        raise ValueError(f"function_lookup: unknown built-in source {source!r}; expected one "
                         f"of {list(_BUILTIN_ORDER)}")
    _BUILTIN_SOURCES[source] = module_objects


def builtin_functions() -> Dict[str, Callable]:
    """torchkeras's own activation, loss and metric functions, by name."""
    table: Dict[str, Callable] = {}
    for source in _BUILTIN_ORDER:
        if source in _BUILTIN_SOURCES:
            table.update({name: obj for name, obj in _BUILTIN_SOURCES[source]().items()
                          if inspect.isfunction(obj)})
    return table


def resolve_function(name: Any, module: Optional[str] = None,
                     custom_objects: Optional[Dict[str, Any]] = None,
                     owner: str = "Lambda layer") -> Callable:
    """The function a config names, from the safe sources above; ``ValueError`` otherwise."""
    found = None
    if isinstance(name, str):
        found = get_registered_object(name, custom_objects)
        if found is None:
            found = builtin_functions().get(name)
        if found is None and module == "torch" and name in TORCH_TENSOR_OPS:
            found = getattr(torch, name, None)
    if found is None or not callable(found):
        where = f"'{module}.{name}'" if module else f"'{name}'"
        raise ValueError(
            f"{owner}: could not locate function {where}. Functions named in a saved config "
            "are looked up only in `custom_objects`, in objects registered with "
            "`@keras.saving.register_keras_serializable()` and among Keras's built-in "
            "activations, losses and metrics; a module named in the file is never imported "
            f"or searched. Pass it when loading: `custom_objects={{'{name}': function}}`.")
    return found
