"""``tf.data.experimental.group_by_reducer`` and its ``Reducer``: one reduced element per key.

As TF 2.21 (recorded in compat/fixtures/data_experimental2.json): every element's key
(``key_func(*element)``, an integer scalar) selects a state, started with ``init_func(key)``
and folded with ``reduce_func(state, element)``; after the whole input, each key's
``finalize_func(*state)`` is emitted in ascending key order (TF keeps its states in a
``std::map``), not in order of first appearance.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator

import numpy as np
import torch

from torchkeras.data.dataset import UNKNOWN, Dataset
from torchkeras.data.structure import map_leaves, spec_of, to_element

__all__ = ["Reducer", "group_by_reducer"]


def _call(fn: Callable, args: Any) -> Any:
    """tf.data's convention: a tuple is unpacked into positional arguments."""
    if isinstance(args, tuple) and not hasattr(args, "_fields"):
        return fn(*args)
    return fn(args)


class Reducer:
    """``tf.data.experimental.Reducer(init_func, reduce_func, finalize_func)``:
    ``init_func(key)`` -> state, ``reduce_func(state, element)`` -> state,
    ``finalize_func(*state)`` -> the output element."""

    def __init__(self, init_func: Callable[[Any], Any], reduce_func: Callable[[Any, Any], Any],
                 finalize_func: Callable[..., Any]) -> None:
        for name, fn in (("init_func", init_func), ("reduce_func", reduce_func),
                         ("finalize_func", finalize_func)):
            if not callable(fn):
                raise TypeError(f"`tf.data.experimental.Reducer`: `{name}` must be callable, "
                                f"received: {fn!r} (of type {type(fn).__name__}).")
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self) -> Callable[[Any], Any]:
        return self._init_func

    @property
    def reduce_func(self) -> Callable[[Any, Any], Any]:
        return self._reduce_func

    @property
    def finalize_func(self) -> Callable[..., Any]:
        return self._finalize_func


def _key(value: Any) -> int:
    """``key_func``'s output as a Python int; TF requires a scalar int64 tensor (torchkeras
    also accepts the other integer dtypes)."""
    key = to_element(value)
    if not isinstance(key, torch.Tensor) or key.dim() != 0 or key.is_floating_point() \
            or key.is_complex() or key.dtype == torch.bool:
        dtype = getattr(key, "dtype", type(key).__name__)
        shape = tuple(np.shape(key)) if not isinstance(key, tuple) else "a structure"
        raise ValueError("Invalid `key_func`. Expected `key_func` to return a scalar tf.int64 "
                         f"tensor, but instead `key_func` has output types={dtype} and "
                         f"shapes={shape}.")
    return int(key)


def group_by_reducer(key_func: Callable[..., Any],
                     reducer: Reducer) -> Callable[[Dataset], Dataset]:
    """A transformation (for ``Dataset.apply``): one ``reducer`` result per key of
    ``key_func``, in ascending key order, as TF."""
    if not callable(key_func):
        raise TypeError("`tf.data.experimental.group_by_reducer`: `key_func` must be "
                        f"callable, received: {key_func!r}.")
    if not isinstance(reducer, Reducer):
        raise TypeError("`tf.data.experimental.group_by_reducer`: `reducer` must be a "
                        "`tf.data.experimental.Reducer`, received: "
                        f"{reducer!r} (of type {type(reducer).__name__}).")

    def apply(dataset: Dataset) -> Dataset:
        def make() -> Iterator[Any]:
            states: Dict[int, Any] = {}
            for element in dataset:
                key = _key(_call(key_func, element))
                if key not in states:
                    states[key] = to_element(
                        reducer.init_func(torch.tensor(key, dtype=torch.int64)))
                states[key] = to_element(reducer.reduce_func(states[key], element))
            for key in sorted(states):
                yield to_element(_call(reducer.finalize_func, states[key]))

        def spec() -> Any:  # TF's: the finalized initial state's (reduce keeps its types)
            state = to_element(reducer.init_func(torch.tensor(0, dtype=torch.int64)))
            return map_leaves(spec_of, to_element(_call(reducer.finalize_func, state)))

        return Dataset(make, UNKNOWN, spec, dataset.options())

    return apply
