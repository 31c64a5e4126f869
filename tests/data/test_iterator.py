"""``iter(dataset)``: a Python iterator with ``get_next``, ``get_next_as_optional`` and
``element_spec``, as ``tf.data.Iterator``."""
from __future__ import annotations

import pytest
import torch

from torchkeras.data import Dataset, OutOfRangeError
from torchkeras.data.iterator import DatasetIterator, get_next_as_optional


def test_get_next_and_optional_until_the_end():
    it = iter(Dataset.range(3))
    assert isinstance(it, DatasetIterator) and iter(it) is it
    assert int(it.get_next()) == 0 and int(next(it)) == 1
    last = get_next_as_optional(it)
    assert bool(last.has_value()) and int(last.get_value()) == 2
    end = it.get_next_as_optional()
    assert not bool(end.has_value()) and end.element_spec.dtype == torch.int64
    with pytest.raises(OutOfRangeError, match="End of sequence"):
        it.get_next()
    with pytest.raises(StopIteration):
        next(it)


def test_element_spec_and_for_loop():
    ds = Dataset.range(4).map(lambda x: (x, x * 2))
    it = iter(ds)
    assert it.element_spec == ds.element_spec
    assert [(int(a), int(b)) for a, b in it] == [(0, 0), (1, 2), (2, 4), (3, 6)]


def test_close_ends_the_pass():
    it = iter(Dataset.range(5))
    next(it)
    it.close()
    assert next(it, None) is None


def test_get_next_as_optional_names_bad_input():
    with pytest.raises(TypeError, match="`tf.data.experimental.get_next_as_optional` expects "
                                        "an iterator of a `tf.data.Dataset`.*received: list"):
        get_next_as_optional([1, 2])
