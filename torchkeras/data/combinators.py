"""The iteration of tf.data's combining and grouping transformations, as plain iterators:
``choose_from_datasets``, ``sample_from_datasets``, ``group_by_window``, ``scan``,
``take_while``, ``unique``, ``ignore_errors``. dataset.py wraps them as ``Dataset`` methods."""
from __future__ import annotations

import warnings
from typing import Any, Callable, Dict, Iterator, List, Sequence

import numpy as np
import torch

__all__ = ["Failure", "Resumable", "choose", "group_by_window", "sample", "scan", "skip_errors",
           "take_while", "unique"]


def _scalar_int(value: Any, what: str) -> int:
    if np.ndim(value) != 0:
        raise ValueError(f"{what} must be a scalar, received shape {tuple(np.shape(value))}.")
    return int(value)


def choose(iterators: Sequence[Iterator[Any]], choices: Iterator[Any],
           stop_on_empty_dataset: bool) -> Iterator[Any]:
    """``datasets[choice]``'s next element for each ``choice``; an exhausted dataset ends the
    stream (``stop_on_empty_dataset``) or is passed over."""
    exhausted = [False] * len(iterators)
    for choice in choices:
        index = _scalar_int(choice, "The `choice_dataset` elements")
        if not 0 <= index < len(iterators):
            raise ValueError(f"`choice_dataset` produced {index}, but there are only "
                             f"{len(iterators)} datasets (valid choices: 0 to "
                             f"{len(iterators) - 1}).")
        if exhausted[index]:
            continue
        try:
            yield next(iterators[index])
        except StopIteration:
            exhausted[index] = True
            if stop_on_empty_dataset or all(exhausted):
                return


def sample(iterators: Sequence[Iterator[Any]], weights: Sequence[float],
           rng: np.random.Generator, stop_on_empty_dataset: bool) -> Iterator[Any]:
    """Each element from a dataset drawn with probability ``weights`` (renormalized over the
    datasets not yet exhausted, unless ``stop_on_empty_dataset``)."""
    live = np.asarray(weights, dtype=np.float64)
    while live.sum() > 0:
        index = int(rng.choice(len(live), p=live / live.sum()))
        try:
            yield next(iterators[index])
        except StopIteration:
            if stop_on_empty_dataset:
                return
            live[index] = 0.0


def group_by_window(source: Iterator[Any], key_func: Callable[[Any], Any],
                    reduce_func: Callable[[Any, List[Any]], Iterator[Any]],
                    window_size_func: Callable[[int], int]) -> Iterator[Any]:
    """Elements grouped by ``key_func``; a full group (``window_size_func(key)`` elements) is
    handed to ``reduce_func(key, elements)`` and its elements emitted; at the end the
    remaining groups are flushed in key order (as tf.data's GroupByWindowDataset)."""
    groups: Dict[int, List[Any]] = {}
    sizes: Dict[int, int] = {}
    for element in source:
        key = _scalar_int(key_func(element), "`key_func`'s result")
        if key not in sizes:
            sizes[key] = int(window_size_func(key))
            if sizes[key] <= 0:
                raise ValueError(f"`window_size_func` must return a positive size, received "
                                 f"{sizes[key]} for key {key}.")
        group = groups.setdefault(key, [])
        group.append(element)
        if len(group) == sizes[key]:
            del groups[key]
            yield from reduce_func(key, group)
    for key in sorted(groups):
        yield from reduce_func(key, groups[key])


def scan(source: Iterator[Any], state: Any, scan_func: Callable[[Any, Any], Any],
         convert: Callable[[Any], Any]) -> Iterator[Any]:
    """``state, out = scan_func(state, element)``; emits each ``out``."""
    for element in source:
        result = scan_func(state, element)
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("The scan function must return a pair `(new_state, "
                            f"output_element)`, received {type(result).__name__}.")
        state, out = convert(result[0]), convert(result[1])
        yield out


def take_while(source: Iterator[Any], predicate: Callable[[Any], Any]) -> Iterator[Any]:
    for element in source:
        if not bool(predicate(element)):
            return
        yield element


def unique(source: Iterator[Any]) -> Iterator[Any]:
    """The first occurrence of each (scalar integer or string) element."""
    seen = set()
    for element in source:
        if isinstance(element, (tuple, dict)) or np.ndim(element) != 0:
            raise TypeError("`Dataset.unique` works on datasets of scalar integers or "
                            "strings, received an element of type "
                            f"{type(element).__name__}.")
        if isinstance(element, torch.Tensor):
            if element.is_floating_point():
                raise TypeError("`Dataset.unique` works on datasets of scalar integers or "
                                f"strings, received dtype {element.dtype}.")
            key: Any = int(element)
        else:
            key = element.encode("utf-8") if isinstance(element, str) else bytes(element)
        if key not in seen:
            seen.add(key)
            yield element


class Failure:
    """An element whose computation raised ``error`` (kept in the stream so that
    ``ignore_errors`` can drop it and go on)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class Resumable:
    """An iterator over ``source`` that raises each :class:`Failure`'s error but can be
    advanced again afterwards (a generator cannot: an exception ends it)."""

    def __init__(self, source: Iterator[Any]) -> None:
        self._source = source

    def __iter__(self) -> "Resumable":
        return self

    def __next__(self) -> Any:
        item = next(self._source)
        if isinstance(item, Failure):
            raise item.error
        return item


def skip_errors(source: Iterator[Any], log_warning: bool) -> Iterator[Any]:
    """``source``'s elements, dropping those whose computation raised."""
    iterator = iter(source)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except Exception as error:  # dropped, as tf.data's ignore_errors
            if log_warning:
                warnings.warn(f"Ignoring an error in the input pipeline: {error}")
            continue
