"""``keras.ops`` core: conversion, dtypes, control flow and indexing updates, on torch."""
from __future__ import annotations

import builtins
from typing import Any, Callable, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import result_type, standardize_dtype, to_torch_dtype

Tensor = torch.Tensor
Shape = Union[int, Sequence[Optional[int]]]


def _flat_dtypes(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        out = []
        for item in x:
            out += _flat_dtypes(item)
        return out
    return [getattr(x, "dtype", type(x))]


def convert_to_tensor(x: Any, dtype: Any = None, sparse: Optional[bool] = None,
                      ragged: Optional[bool] = None) -> Tensor:
    """A torch tensor for a tensor, NumPy array, Python number or nested list.

    Python ints become int32, floats floatx and bools bool (Keras 3's rule); NumPy arrays keep
    their dtype; a tensor is returned as is unless ``dtype`` asks for another.
    """
    if isinstance(x, Tensor):
        return x if dtype is None else x.to(to_torch_dtype(dtype))
    value = getattr(x, "value", None)
    if isinstance(value, Tensor) and hasattr(x, "assign"):  # a Keras variable
        return value if dtype is None else value.to(to_torch_dtype(dtype))
    device = get_device()
    if dtype is None:
        if isinstance(x, bool):
            return torch.as_tensor(x, dtype=torch.bool, device=device)
        if isinstance(x, int):
            return torch.as_tensor(x, dtype=torch.int32, device=device)
        if isinstance(x, float):
            return torch.as_tensor(x, dtype=to_torch_dtype(config.floatx()), device=device)
    if isinstance(x, (list, tuple)):
        if any(isinstance(item, Tensor) for item in x):
            return torch.stack([convert_to_tensor(item, dtype) for item in x])
        if dtype is None:
            dtype = result_type(*_flat_dtypes(x))
        x = np.asarray(x)
    else:
        x = np.asarray(x)
        if x.dtype.kind in "OUS":
            raise ValueError(f"Cannot convert an array of dtype {x.dtype} to a tensor.")
        if dtype is None:
            dtype = x.dtype
    target = to_torch_dtype(dtype)
    if not x.flags.c_contiguous:
        x = x.copy(order="C")
    return torch.as_tensor(x, device=device).to(target)


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy array of ``x`` (detached, on the host)."""
    if isinstance(x, Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.cpu().numpy()
    value = getattr(x, "value", None)
    if isinstance(value, Tensor):
        return convert_to_numpy(value)
    return np.asarray(x)


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a torch tensor."""
    return isinstance(x, Tensor)


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` converted to ``dtype``."""
    return convert_to_tensor(x).to(to_torch_dtype(dtype))


def saturate_cast(x: Any, dtype: Any) -> Tensor:
    """``cast``, clipping values to the range of the target dtype first."""
    x = convert_to_tensor(x)
    target = to_torch_dtype(dtype)
    if not target.is_floating_point and target != torch.bool:
        info = torch.iinfo(target)
        if x.is_floating_point():
            x = torch.clip(x, info.min, info.max)
        else:
            x = torch.clip(x.to(torch.int64), info.min, info.max)
    return x.to(target)


def dtype(x: Any) -> str:
    """The Keras dtype name of ``x``, e.g. ``'float32'``."""
    return standardize_dtype(convert_to_tensor(x).dtype)


def shape(x: Any) -> Tuple[int, ...]:
    """The shape of ``x`` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def stop_gradient(variable: Any) -> Tensor:
    """``variable`` cut from the autograd graph."""
    return convert_to_tensor(variable).detach()


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any,
               maximum_iterations: Optional[int] = None) -> Any:
    """Run ``body`` while ``cond`` holds; returns the final ``loop_vars`` (same structure)."""
    is_sequence = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    count = 0
    while bool(cond(*state)) and (maximum_iterations is None or count < maximum_iterations):
        state = body(*state)
        state = tuple(state) if isinstance(state, (list, tuple)) else (state,)
        count += 1
    if not is_sequence:
        return state[0]
    return type(loop_vars)(state) if isinstance(loop_vars, list) else state


def fori_loop(lower: int, upper: int, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def _map_structure(fn: Callable[..., Any], *trees: Any) -> Any:
    first = trees[0]
    if isinstance(first, dict):
        return {k: _map_structure(fn, *(t[k] for t in trees)) for k in first}
    if isinstance(first, (list, tuple)):
        out = [_map_structure(fn, *items) for items in zip(*trees)]
        return type(first)(out) if isinstance(first, list) else tuple(out)
    return fn(*trees)


def _leaves(tree: Any) -> list:
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in _leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def scan(f: Callable[[Any, Any], Tuple[Any, Any]], init: Any, xs: Any = None,
         length: Optional[int] = None, reverse: bool = False, unroll: Union[int, bool] = 1
         ) -> Tuple[Any, Any]:
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns
    ``(final_carry, stacked_ys)``."""
    if xs is None:
        if length is None:
            raise ValueError("`length` must be provided when `xs` is None.")
        steps = int(length)
    else:
        xs = _map_structure(convert_to_tensor, xs)
        steps = int(_leaves(xs)[0].shape[0])
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    carry, ys = init, []
    for i in order:
        x = None if xs is None else _map_structure(lambda t: t[i], xs)
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    return carry, _map_structure(lambda *items: torch.stack([convert_to_tensor(t)
                                                             for t in items]), *ys)


def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[index](*operands)``, the index clamped to the valid range."""
    index = min(max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


def map(f: Callable[[Any], Any], xs: Any) -> Any:  # noqa: A001 (Keras's name)
    """``f`` applied to each slice of ``xs`` along its leading axis, results stacked."""
    return scan(lambda carry, x: (carry, f(x)), None, xs)[1]


def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    """``function`` over the leading axis of ``elements`` (``torch.vmap``, or a loop when
    ``function`` cannot be vmapped)."""
    elements = _map_structure(convert_to_tensor, elements)
    try:
        return torch.vmap(function)(elements)
    except Exception:  # data-dependent Python control flow: fall back to a loop
        return map(function, elements)


def unstack(x: Any, num: Optional[int] = None, axis: int = 0) -> list:
    """The slices of ``x`` along ``axis`` as a list."""
    return list(torch.unbind(convert_to_tensor(x), dim=axis))


def _starts(start_indices: Any) -> list:
    if isinstance(start_indices, Tensor):
        return [int(i) for i in start_indices.tolist()]
    return [int(i) for i in (start_indices.tolist() if isinstance(start_indices, np.ndarray)
                             else start_indices)]


def slice(inputs: Any, start_indices: Any, shape: Sequence[int]) -> Tensor:  # noqa: A001
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices``."""
    inputs = convert_to_tensor(inputs)
    index = tuple(builtins.slice(s, s + n) for s, n in zip(_starts(start_indices), shape))
    return inputs[index]


def slice_update(inputs: Any, start_indices: Any, updates: Any) -> Tensor:
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, dtype=inputs.dtype)
    index = tuple(builtins.slice(s, s + n) for s, n in zip(_starts(start_indices),
                                                           updates.shape))
    out = inputs.clone()
    out[index] = updates
    return out


def scatter(indices: Any, values: Any, shape: Sequence[int]) -> Tensor:
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum)."""
    indices = convert_to_tensor(indices).long()
    values = convert_to_tensor(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    index = tuple(indices[..., i] for i in range(indices.shape[-1]))
    return out.index_put(index, values, accumulate=True)


def scatter_update(inputs: Any, indices: Any, updates: Any) -> Tensor:
    """A copy of ``inputs`` with the entries at ``indices`` set to ``updates``."""
    inputs = convert_to_tensor(inputs)
    indices = convert_to_tensor(indices).long()
    updates = convert_to_tensor(updates, dtype=inputs.dtype)
    index = tuple(indices[..., i] for i in range(indices.shape[-1]))
    return inputs.index_put(index, updates)


__all__ = ["cast", "cond", "convert_to_numpy", "convert_to_tensor", "dtype", "fori_loop",
           "is_tensor", "map", "saturate_cast", "scan", "scatter", "scatter_update", "shape",
           "slice", "slice_update", "stop_gradient", "switch", "unstack", "vectorized_map",
           "while_loop"]
