"""torchkeras/data/pipeline.py: prefetch threads end with their iterator, and at exit;
parallel map chunks cheap elements and keeps slow ones one per task."""
from __future__ import annotations

import itertools
import os
import time

from torchkeras.data import AUTOTUNE, Dataset, pipeline


def _endless():
    for index in itertools.count():
        time.sleep(0.001)
        yield index


def test_closing_a_prefetch_iterator_ends_its_thread():
    iterator = pipeline.prefetch(_endless(), buffer_size=2)
    assert [next(iterator) for _ in range(3)] == [0, 1, 2]
    (_, thread), = [entry for entry in pipeline._RUNNING]
    iterator.close()  # a fit that stopped early: the producer must not run on
    assert not thread.is_alive() and not pipeline._RUNNING


def test_the_exit_hook_stops_prefetch_threads_nobody_closed():
    iterator = pipeline.prefetch(_endless(), buffer_size=2)
    next(iterator)
    (_, thread), = [entry for entry in pipeline._RUNNING]
    pipeline._stop_prefetchers()  # what atexit runs before Python finalizes
    assert not thread.is_alive()
    iterator.close()
    assert not pipeline._RUNNING


def _chunk_sizes(monkeypatch) -> list:
    sizes = []
    run = pipeline._run_chunk

    def recording(fn, chunk):
        sizes.append(len(chunk))
        return run(fn, chunk)

    monkeypatch.setattr(pipeline, "_run_chunk", recording)
    return sizes


def test_parallel_map_chunks_cheap_elements_in_order(monkeypatch):
    sizes = _chunk_sizes(monkeypatch)
    out = list(pipeline.parallel_map(range(2000), lambda x: x * 2, workers=2))
    assert out == [x * 2 for x in range(2000)]
    assert sum(sizes) == 2000 and max(sizes) == pipeline._MAX_CHUNK
    assert len(sizes) < 2000 / 4  # far fewer pool tasks than elements


def test_parallel_map_keeps_slow_elements_one_per_task(monkeypatch):
    sizes = _chunk_sizes(monkeypatch)
    out = list(pipeline.parallel_map(range(8), lambda x: time.sleep(0.01) or x, workers=4))
    assert out == list(range(8)) and sizes == [1] * 8


def test_a_failure_inside_a_chunk_drops_only_its_element():
    def fail_at_500(x):
        if int(x) == 500:
            raise ValueError("bad element")
        return x

    ds = Dataset.range(1000).map(fail_at_500, num_parallel_calls=2).ignore_errors()
    assert [int(v) for v in ds] == [v for v in range(1000) if v != 500]


def test_autotune_uses_the_cpus_this_process_may_run_on():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert pipeline.resolve_parallelism(AUTOTUNE) == usable
    assert pipeline.resolve_parallelism(None) == 1 and pipeline.resolve_parallelism(3) == 3
