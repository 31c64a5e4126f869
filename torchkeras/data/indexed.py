"""The fast path for in-memory data: ``from_tensor_slices`` followed by ``shuffle``,
``take``/``skip``/``shard``/``repeat``/``cache`` and ``batch`` works on index arrays, and
``batch`` gathers a whole batch with one ``index_select`` per component instead of stacking
``batch_size`` slices. Same elements, same order (the shuffle draws the same random numbers
as the element-wise path), no per-element Python work.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, List, Optional

import numpy as np
import torch

from torchkeras.data.structure import pack

Order = Callable[[], Iterator[np.ndarray]]  # one pass: chunks of element indices

__all__ = ["Slices", "buffer_shuffle"]


def buffer_shuffle(order: np.ndarray, buffer_size: int, rng: np.random.Generator) -> np.ndarray:
    """tf.data's buffer shuffle of ``order``: keep ``buffer_size`` entries, emit a random one,
    put the next in its place; the last buffer comes out in a random permutation."""
    n = len(order)
    size = min(buffer_size, n)
    buffer = list(order[:size])
    out = np.empty(n, dtype=np.int64)
    picks = rng.integers(buffer_size, size=n - size) if n > size else ()
    for k, j in enumerate(picks):
        out[k] = buffer[j]
        buffer[j] = order[size + k]
    tail = np.asarray(buffer, dtype=np.int64)
    out[n - size:] = tail[rng.permutation(size)]
    return out


class Slices:
    """Components (flat ``leaves`` of ``structure``) read in the order ``order()`` gives."""

    def __init__(self, structure: Any, leaves: List[Any], order: Order) -> None:
        self.structure = structure
        self.leaves = leaves
        self.single = len(leaves) == 1 and not isinstance(structure, (tuple, dict))
        self.order = order

    def with_order(self, order: Order) -> "Slices":
        return Slices(self.structure, self.leaves, order)

    def elements(self) -> Iterator[Any]:
        for chunk in self.order():
            for i in chunk.tolist():
                if self.single:
                    yield self.leaves[0][i]
                else:
                    yield pack(self.structure, [leaf[i] for leaf in self.leaves])

    def gather(self, index: np.ndarray) -> Any:
        """The batch of the elements at ``index`` (one gather per component)."""
        contiguous = len(index) and index[-1] - index[0] == len(index) - 1 and \
            bool(np.all(np.diff(index) == 1))
        picked = []
        for leaf in self.leaves:
            if contiguous:
                picked.append(leaf[int(index[0]):int(index[-1]) + 1])
            elif isinstance(leaf, torch.Tensor):
                picked.append(leaf.index_select(0, torch.from_numpy(index)))
            else:
                picked.append(leaf[index])
        return picked[0] if self.single else pack(self.structure, picked)

    def batches(self, batch_size: int, drop_remainder: bool) -> Iterator[Any]:
        pending = np.empty(0, dtype=np.int64)
        for chunk in self.order():
            pending = np.concatenate([pending, chunk]) if len(pending) else chunk
            start = 0
            while len(pending) - start >= batch_size:
                yield self.gather(pending[start:start + batch_size])
                start += batch_size
            pending = pending[start:]
        if len(pending) and not drop_remainder:
            yield self.gather(pending)


# ------------------------------------------------------------- order transformations
def shuffled(order: Order, buffer_size: int, rng_for_pass: Callable[[], np.random.Generator]
             ) -> Order:
    def run() -> Iterator[np.ndarray]:
        yield buffer_shuffle(np.concatenate(list(order()) or [np.empty(0, np.int64)]),
                             buffer_size, rng_for_pass())
    return run


def taken(order: Order, count: int) -> Order:
    def run() -> Iterator[np.ndarray]:
        left = count
        for chunk in order():
            if left <= 0:
                return
            yield chunk[:left]
            left -= len(chunk)
    return run


def skipped(order: Order, count: int) -> Order:
    def run() -> Iterator[np.ndarray]:
        left = count
        for chunk in order():
            if left >= len(chunk):
                left -= len(chunk)
                continue
            yield chunk[left:]
            left = 0
    return run


def sharded(order: Order, num_shards: int, index: int) -> Order:
    def run() -> Iterator[np.ndarray]:
        position = 0
        for chunk in order():
            first = (index - position) % num_shards
            yield chunk[first::num_shards]
            position += len(chunk)
    return run


def repeated(order: Order, count: Optional[int]) -> Order:
    def run() -> Iterator[np.ndarray]:
        passes = itertools.count() if count is None or count < 0 else range(count)
        for _ in passes:
            empty = True
            for chunk in order():
                if len(chunk):
                    empty = False
                    yield chunk
            if empty:
                return
    return run


def cached(order: Order) -> Order:
    """The first complete pass's order, replayed (``cache()`` after ``shuffle``)."""
    store: List[np.ndarray] = []
    complete = [False]

    def run() -> Iterator[np.ndarray]:
        if complete[0]:
            yield from store
            return
        fresh = []
        for chunk in order():
            fresh.append(chunk)
            yield chunk
        store[:] = fresh
        complete[0] = True
    return run
