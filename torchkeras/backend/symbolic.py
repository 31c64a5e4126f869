"""Functions called on symbolic tensors: the one dispatch point of ``tf.*``, ``keras.ops.*``
and the operators of ``KerasTensor``.

In Keras, ``tf.concat([x, y], 1)``, ``keras.ops.log(x)`` or ``x * 2`` on the symbolic
``KerasTensor`` of a functional model record a layer of the graph (Keras 2's ``TFOpLambda``
named ``tf.concat``, ``tf.math.log``, ``tf.math.multiply``). This module sits below the
packages that name those functions (``ops``, the tf namespace) and the one that builds the
layer (``layers.op_layer``, which installs itself with :func:`set_symbolic_handler`), so
each namespace wraps its functions once with :func:`dispatching` when it is built.

Eager calls pay one extra Python frame and no check: the symbolic arguments are looked for
only after the function has failed on them (a ``KerasTensor`` converts to nothing).
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, Optional

__all__ = ["dispatching", "has_symbolic", "register_symbolic_type", "set_symbolic_handler",
           "symbolic_call", "function_name"]

# handler(name, function, args, kwargs) -> symbolic outputs; layers.op_layer installs it
_HANDLER: list = [None]


def set_symbolic_handler(handler: Callable[[str, Callable, tuple, Dict[str, Any]], Any]) -> None:
    """Install what records a function call on symbolic tensors as a graph layer."""
    _HANDLER[0] = handler


# the symbolic tensor classes (graph.keras_tensor registers KerasTensor)
_SYMBOLIC_TYPES: list = []


def register_symbolic_type(cls: type) -> None:
    """Make instances of ``cls`` count as symbolic tensors here."""
    if cls not in _SYMBOLIC_TYPES:
        _SYMBOLIC_TYPES.append(cls)


def _is_symbolic(value: Any) -> bool:
    return isinstance(value, tuple(_SYMBOLIC_TYPES))


def has_symbolic(args: Any, kwargs: Optional[Dict[str, Any]] = None) -> bool:
    """Whether a symbolic tensor is among ``args``/``kwargs`` (lists, tuples, dicts nested)."""
    stack = list(args) + (list(kwargs.values()) if kwargs else [])
    while stack:
        value = stack.pop()
        if _is_symbolic(value):
            return True
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return False


def symbolic_call(name: str, function: Callable, args: tuple, kwargs: Dict[str, Any]) -> Any:
    """Record ``function(*args, **kwargs)`` (named ``name``) as a layer of the graph."""
    handler = _HANDLER[0]
    if handler is None:  # the layers package is imported with KerasTensor's Input
        raise TypeError(f"`{name}` was called on a symbolic Keras tensor, and no op layer "
                        "is available to record it: import torchkeras.layers first.")
    return handler(name, function, args, kwargs)


def dispatching(function: Callable, name: str) -> Callable:
    """``function`` that, called with a symbolic tensor in its arguments, records itself as
    the graph layer ``name`` instead (``'math.log'``, ``'ops.concatenate'``).

    The wrapper has ``function``'s own signature (generated, as ``dataclasses`` does), so an
    eager call costs one plain Python call: no ``*args`` packing, no argument scan."""
    if getattr(function, "__symbolic_name__", None) is not None:
        return function
    wrapper = _same_signature_wrapper(function, name) or _generic_wrapper(function, name)
    functools.update_wrapper(wrapper, function)
    wrapper.__symbolic_name__ = name  # type: ignore[attr-defined]
    wrapper.__wrapped_function__ = function  # type: ignore[attr-defined]
    del wrapper.__wrapped__  # inspect.signature reads the generated signature itself
    return wrapper


def _generic_wrapper(function: Callable, name: str) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except Exception:
            if not has_symbolic(args, kwargs):
                raise
        return symbolic_call(name, function, args, kwargs)
    return wrapper


def _same_signature_wrapper(function: Callable, name: str) -> Optional[Callable]:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    namespace: Dict[str, Any] = {"_function": function, "_name": name,
                                 "_has_symbolic": has_symbolic, "_record": symbolic_call}
    header, positional, keywords = [], [], []
    star_added = False
    for index, parameter in enumerate(parameters):
        if not parameter.name.isidentifier() or parameter.name.startswith("_"):
            return None
        text = parameter.name
        if parameter.default is not parameter.empty:
            namespace[f"_default{index}"] = parameter.default
            text += f"=_default{index}"
        if parameter.kind is parameter.VAR_POSITIONAL:
            header.append("*" + parameter.name)
            positional.append("*" + parameter.name)
            star_added = True
            continue
        if parameter.kind is parameter.VAR_KEYWORD:
            header.append("**" + parameter.name)
            keywords.append(f"**{parameter.name}")
            continue
        if parameter.kind is parameter.KEYWORD_ONLY:
            if not star_added:
                header.append("*")
                star_added = True
            keywords.append(f"{parameter.name}={parameter.name}")
        else:
            positional.append(parameter.name)
        if parameter.kind is parameter.POSITIONAL_ONLY:
            return None
        header.append(text)
    call = ", ".join(positional + keywords)
    source = (f"def wrapper({', '.join(header)}):\n"
              f"    try:\n"
              f"        return _function({call})\n"
              f"    except Exception:\n"
              f"        _args, _kwargs = _pack({call})\n"
              f"        if not _has_symbolic(_args, _kwargs):\n"
              f"            raise\n"
              f"    return _record(_name, _function, _args, _kwargs)\n")
    namespace["_pack"] = lambda *args, **kwargs: (args, kwargs)
    exec(source, namespace)  # noqa: S102 - source built above from the signature only
    return namespace["wrapper"]


def function_name(function: Any) -> Optional[str]:
    """The graph name a :func:`dispatching` function records itself under, else ``None``."""
    return getattr(function, "__symbolic_name__", None)
