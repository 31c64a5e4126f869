"""Keras 3 dtype names and promotion (``keras.backend.result_type``) on the torch backend.

Promotion follows Keras 3's JAX-style lattice: Python ``int``/``float`` are *weak* types that
take the other operand's width (``int8 + 1 -> int8``, ``float16 + 1.0 -> float16``), a weak
float with an integer gives floatx, and, as on Keras 3's torch backend, 64-bit results come
back as 32-bit (``int64 -> int32``, ``float64 -> float32``).
"""
from __future__ import annotations

import functools
from typing import Any, Dict, FrozenSet, Tuple

import numpy as np
import torch

from torchkeras.backend import config

INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
ALLOWED_DTYPES = frozenset(("bool", "string", "complex64", "complex128") + INT_TYPES
                           + FLOAT_TYPES)
_PYTHON = {bool: "bool", int: "int32", float: "float32", complex: "complex64", str: "string"}
_TO_TORCH = {"bool": torch.bool, "uint8": torch.uint8, "uint16": torch.uint16,
             "uint32": torch.uint32, "uint64": torch.uint64, "int8": torch.int8,
             "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
             "bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32,
             "float64": torch.float64, "complex64": torch.complex64,
             "complex128": torch.complex128}
_FROM_TORCH = {v: k for k, v in _TO_TORCH.items()}

# Each node's immediate successors; "int"/"float" are the weak Python types.
_LATTICE: Dict[str, Tuple[str, ...]] = {
    "bool": ("int",), "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"), "uint16": ("int32", "uint32"), "uint32": ("int64", "uint64"),
    "uint64": ("float",), "int8": ("int16",), "int16": ("int32",), "int32": ("int64",),
    "int64": ("float",), "float": ("bfloat16", "float16"), "bfloat16": ("float32",),
    "float16": ("float32",), "float32": ("float64", "complex64"), "float64": ("complex128",),
    "complex64": ("complex128",), "complex128": (),
}
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def _upper_bounds() -> Dict[str, FrozenSet[str]]:
    bounds = {}
    for node in _LATTICE:
        seen, todo = {node}, [node]
        while todo:
            for nxt in _LATTICE[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        bounds[node] = frozenset(seen)
    return bounds


_BOUNDS = _upper_bounds()


def standardize_dtype(dtype: Any = None) -> str:
    """The Keras 3 name of a dtype given as a string, Python type, NumPy or torch dtype.

    Example:
        >>> standardize_dtype(torch.float32), standardize_dtype(int)
        ('float32', 'int32')
    """
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, torch.dtype):
        if dtype in _FROM_TORCH:
            return _FROM_TORCH[dtype]
        raise ValueError(f"Invalid dtype: {dtype}")
    if dtype in _PYTHON and isinstance(dtype, type):
        return _PYTHON[dtype]
    if dtype == "int":
        return "int32"
    if hasattr(dtype, "name"):
        name = dtype.name
    elif isinstance(dtype, type) and issubclass(dtype, np.generic):
        name = np.dtype(dtype).name
    else:
        name = str(dtype)
    if name.startswith("torch."):
        name = name[len("torch."):]
    if name in ("float", "double"):
        name = "float32" if name == "float" else "float64"
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


def _node(value: Any) -> str:
    if value is int or value is float:
        return "int" if value is int else "float"
    return standardize_dtype(value)


@functools.lru_cache(maxsize=512)
def _least_upper_bound(nodes: FrozenSet[str]) -> str:
    common = frozenset.intersection(*(_BOUNDS[n] for n in nodes))
    least = [c for c in common if common <= _BOUNDS[c]]
    if len(least) != 1:
        raise ValueError(f"Input dtypes {tuple(sorted(nodes))} have no available implicit "
                         "dtype promotion path. Try explicitly casting inputs to the desired "
                         "output type.")
    return least[0]


def result_type(*dtypes: Any) -> str:
    """The dtype Keras 3's promotion rules give for ``dtypes`` (``None`` means floatx).

    Example:
        >>> result_type("int32", "float32"), result_type("int8", int), result_type("int32", float)
        ('float32', 'int8', 'float32')
    """
    try:
        return _cached_result_type(config.floatx(), dtypes)
    except TypeError:  # an unhashable dtype-like: no cache
        return _result_type(config.floatx(), dtypes)


@functools.lru_cache(maxsize=1024)
def _cached_result_type(floatx: str, dtypes: Tuple[Any, ...]) -> str:
    return _result_type(floatx, dtypes)


def _result_type(floatx: str, dtypes: Tuple[Any, ...]) -> str:
    if not dtypes:
        return floatx
    nodes = [floatx if d is None else _node(d) for d in dtypes]
    if len(set(nodes)) == 1:
        out = nodes[0]
    elif all(n in ("int", "float") for n in nodes):
        out = "float"
    else:
        out = _least_upper_bound(frozenset(nodes))
    if out in ("int", "float"):
        out = f"{out}{floatx[-2:]}"  # weak types take floatx's width
    return _NARROW.get(out, out)


def to_torch_dtype(dtype: Any) -> torch.dtype:
    """The torch dtype of a Keras dtype name, Python type, NumPy or torch dtype."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return _TO_TORCH[standardize_dtype(dtype)]


def is_float_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a floating-point dtype."""
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is an integer dtype (signed or unsigned)."""
    return standardize_dtype(dtype).startswith(("int", "uint"))
