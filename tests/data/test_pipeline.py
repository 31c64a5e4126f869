"""torchkeras/data/pipeline.py: prefetch threads end with their iterator, and at exit."""
from __future__ import annotations

import itertools
import time

from torchkeras.data import pipeline


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
