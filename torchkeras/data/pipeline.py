"""Running a dataset: the torch.utils.data side.

A ``Dataset`` iterates through ``torch.utils.data.DataLoader`` over :class:`Pipeline` (an
``IterableDataset`` whose iterator is the chain of transformations). Parallel ``map`` runs
``map_func`` in a pool of threads, ``num_parallel_calls`` at a time, and yields results in input
order (tf.data's default ``deterministic=True``). Threads, not DataLoader worker processes:
the work tutorials put in ``map`` (torch ops, Pillow decode/resize, NumPy) releases the GIL,
threads share the upstream pipeline (a shuffle or generator upstream is not duplicated per
process), start in microseconds, and need nothing picklable. ``prefetch`` fills a bounded queue
from a background thread (pinning tensors when asked, for non-blocking copies to CUDA).
The map and prefetch threads run their torch ops single-threaded (an OpenMP team of one per
helper thread, as DataLoader workers run with one thread): the parallelism is the helpers'.
Both also let glibc keep freed image-sized buffers for reuse (backend/threads.py,
``keep_freed_heap_for_reuse``) instead of page-faulting them in again for every element.
"""
from __future__ import annotations

import atexit
import collections
import itertools
import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Iterator, List, Optional, Set, Tuple

import torch
import torch.utils.data

from torchkeras.backend.threads import keep_freed_heap_for_reuse, single_thread_ops_in_this_thread
from torchkeras.data.structure import map_leaves

AUTOTUNE = -1

__all__ = ["AUTOTUNE", "Pipeline", "parallel_map", "prefetch", "resolve_parallelism"]


def resolve_parallelism(num_parallel_calls: Optional[int]) -> int:
    """``AUTOTUNE`` -> the number of CPU cores this process may run on; ``None`` -> 1
    (sequential)."""
    if num_parallel_calls is None:
        return 1
    if num_parallel_calls == AUTOTUNE:
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        return max(len(usable) if usable else os.cpu_count() or 1, 1)
    if num_parallel_calls < 1:
        raise ValueError("`num_parallel_calls` must be a positive integer or "
                         f"`tf.data.AUTOTUNE`, received: {num_parallel_calls}")
    return int(num_parallel_calls)


# A pool task runs a chunk of consecutive elements when they are cheap: each task costs a
# submit, a wake-up and a future (~10 us of CPU), the same order as a small image's resize.
_TASK_SECONDS = 1e-3  # a chunk aims at about this much work
_MAX_CHUNK = 8


def _run_chunk(fn: Callable[[Any], Any], chunk: List[Any]) -> Tuple[List[Any], float]:
    """``fn`` over ``chunk`` and the seconds per element it took."""
    start = time.perf_counter()
    results = [fn(element) for element in chunk]
    return results, (time.perf_counter() - start) / len(chunk)


def parallel_map(source: Iterable[Any], fn: Callable[[Any], Any], workers: int,
                 deterministic: bool = True) -> Iterator[Any]:
    """``fn`` over ``source`` in ``workers`` threads; input order unless ``deterministic``
    is False (then results come as they finish). Elements go to the pool one at a time,
    then in chunks of up to ``_MAX_CHUNK`` once they are measured to take well under
    ``_TASK_SECONDS`` each (so slow elements always spread over all the threads)."""
    keep_freed_heap_for_reuse()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tf.data.map",
                              initializer=single_thread_ops_in_this_thread)
    pending: "collections.deque" = collections.deque()
    window = 2 * workers
    per_element = _TASK_SECONDS  # unknown until the first chunks come back
    iterator = iter(source)

    def finished() -> Any:
        nonlocal per_element
        if not deterministic:
            done = next((f for f in pending if f.done()), pending[0])
            pending.remove(done)
        else:
            done = pending.popleft()
        results, seconds = done.result()
        per_element = 0.5 * per_element + 0.5 * seconds
        return results

    try:
        while True:
            size = max(1, min(_MAX_CHUNK, int(_TASK_SECONDS / max(per_element, 1e-9))))
            chunk = list(itertools.islice(iterator, size))
            if not chunk:
                break
            pending.append(pool.submit(_run_chunk, fn, chunk))
            if len(pending) >= window:
                yield from finished()
        while pending:
            yield from finished()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=False)


_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _pin(leaf: Any) -> Any:
    return leaf.pin_memory() if isinstance(leaf, torch.Tensor) else leaf


# Prefetch threads still running: stopped and joined at exit (see _stop_prefetchers).
_RUNNING: Set[Tuple[threading.Event, threading.Thread]] = set()
_RUNNING_LOCK = threading.Lock()
_JOIN_SECONDS = 5.0


def _stop_prefetchers() -> None:
    """At interpreter exit, stop the prefetch threads of iterators nobody closed (a fit that
    ended before its dataset did) and wait for them: a daemon thread still inside a torch op
    when Python finalizes is killed there, and the process aborts with "terminate called
    without an active exception"."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for stop, _ in running:
        stop.set()
    for _, thread in running:
        thread.join(timeout=_JOIN_SECONDS)


atexit.register(_stop_prefetchers)


def prefetch(source: Iterable[Any], buffer_size: int, pin_memory: bool = False) -> Iterator[Any]:
    """Elements of ``source`` produced ahead by a background thread, ``buffer_size`` at most."""
    keep_freed_heap_for_reuse()
    items: "queue.Queue" = queue.Queue(maxsize=max(buffer_size, 1))
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        single_thread_ops_in_this_thread()  # beside the training loop's own team
        try:
            for element in source:
                if pin_memory:
                    element = map_leaves(_pin, element)
                if not put(element):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put(_Failure(error))
            return
        put(_END)

    thread = threading.Thread(target=produce, name="tf.data.prefetch", daemon=True)
    entry = (stop, thread)
    with _RUNNING_LOCK:
        _RUNNING.add(entry)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        if thread is not threading.current_thread():
            thread.join(timeout=_JOIN_SECONDS)  # it ends at its next element or queue put
        with _RUNNING_LOCK:
            _RUNNING.discard(entry)


class Pipeline(torch.utils.data.IterableDataset):
    """The ``IterableDataset`` a ``Dataset`` runs as: ``make()`` returns one pass's iterator."""

    def __init__(self, make: Callable[[], Iterator[Any]]) -> None:
        super().__init__()
        self._make = make

    def __iter__(self) -> Iterator[Any]:
        return iter(self._make())


def _identity(element: Any) -> Any:
    return element


def loader(make: Callable[[], Iterator[Any]]) -> torch.utils.data.DataLoader:
    """A DataLoader yielding the pipeline's elements as they are (no collation: elements are
    already batched by the pipeline, and tuples must stay tuples)."""
    return torch.utils.data.DataLoader(Pipeline(make), batch_size=None, collate_fn=_identity)
