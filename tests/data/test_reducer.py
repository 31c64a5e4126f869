"""``group_by_reducer``/``Reducer``: one element per key in ascending key order, tuple
elements unpacked for ``key_func``, and bad input named (TF's values: compat/test_data_experimental2.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.data.reducer import Reducer, group_by_reducer

SUM = Reducer(lambda key: torch.tensor(0, dtype=torch.int64), lambda s, x: s + x, lambda s: s)


def test_one_sum_per_key_in_ascending_key_order():
    ds = Dataset.from_tensor_slices(np.array([4, 9, 2, 7, 1], np.int64))
    out = ds.apply(group_by_reducer(lambda x: -x % 3, SUM))
    # keys: 4->2, 9->0, 2->1, 7->2, 1->2 ; key 0 first although it appears second
    assert [int(v) for v in out] == [9, 2, 12]
    assert int(out.cardinality()) == -2 and out.element_spec.dtype == torch.int64
    assert [int(v) for v in out] == [9, 2, 12]  # re-iterable


def test_state_structures_and_tuple_elements():
    pairs = Dataset.from_tensor_slices((np.arange(6, dtype=np.int64), np.arange(6.0)))
    count = Reducer(lambda key: (key, torch.tensor(0)), lambda s, e: (s[0], s[1] + 1),
                    lambda key, n: {"key": key, "n": n})
    out = list(pairs.apply(group_by_reducer(lambda i, v: i // 4, count)))
    assert [(int(e["key"]), int(e["n"])) for e in out] == [(0, 4), (1, 2)]


def test_reducer_exposes_its_functions():
    assert SUM.init_func(torch.tensor(3)) == 0 and SUM.finalize_func(5) == 5


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="`tf.data.experimental.Reducer`: `reduce_func` must "
                                        "be callable"):
        Reducer(lambda k: 0, None, lambda s: s)
    with pytest.raises(TypeError, match="`tf.data.experimental.group_by_reducer`: `reducer` "
                                        "must be a `tf.data.experimental.Reducer`, received: "
                                        "'no'"):
        group_by_reducer(lambda x: x, "no")
    with pytest.raises(TypeError, match="`key_func` must be callable"):
        group_by_reducer(3, SUM)
    floats = Dataset.from_tensor_slices(np.array([1.5, 2.5], np.float32))
    with pytest.raises(ValueError, match="Invalid `key_func`. Expected `key_func` to return a "
                                         "scalar tf.int64 tensor, but instead `key_func` has "
                                         "output types=torch.float32 and shapes=()"):
        list(floats.apply(group_by_reducer(lambda x: x, SUM)))
    rows = Dataset.from_tensor_slices(np.ones((2, 3), np.int64))
    with pytest.raises(ValueError, match=r"shapes=\(3,\)"):
        list(rows.apply(group_by_reducer(lambda x: x, SUM)))
