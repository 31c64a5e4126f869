"""Dataset functions keep the closure values of when the transformation was made, as TF's
tracing does (the "Load text" tutorial labels each file's lines in a loop)."""
from __future__ import annotations

from torchkeras.data import Dataset


def test_map_in_a_loop_keeps_each_pass_value():
    parts = []
    for i in range(3):
        parts.append(Dataset.from_tensor_slices([10, 20]).map(lambda x: (x, i)))
    combined = parts[0].concatenate(parts[1]).concatenate(parts[2])
    assert [int(label) for _, label in combined] == [0, 0, 1, 1, 2, 2]


def test_filter_flat_map_and_interleave_capture_too():
    ds = Dataset.range(6)
    limit = 3
    kept = ds.filter(lambda x: x < limit)
    step = 10
    flat = Dataset.range(2).flat_map(lambda x: Dataset.from_tensor_slices([x * step]))
    woven = Dataset.range(2).interleave(lambda x: Dataset.from_tensor_slices([x + step]),
                                        cycle_length=2)
    limit, step = 100, 1000
    assert [int(x) for x in kept] == [0, 1, 2]
    assert [int(x) for x in flat] == [0, 10]
    assert sorted(int(x) for x in woven) == [10, 11]


def test_a_name_assigned_later_stays_live_and_objects_are_shared():
    seen = []
    ds = Dataset.range(2).map(lambda x: helper(x))  # noqa: F821 (defined below)

    def helper(x):
        seen.append(int(x))
        return x * 2
    assert [int(x) for x in ds] == [0, 2] and seen[-2:] == [0, 1]


LABEL = 0


def test_module_names_are_read_when_the_map_is_made():
    global LABEL
    LABEL = 1
    ds = Dataset.range(2).map(lambda x: (x, LABEL))
    LABEL = 5
    assert [int(label) for _, label in ds] == [1, 1]


COUNT = 0


def _count(x):
    global COUNT
    COUNT += 1
    return x


def test_a_function_that_assigns_module_names_keeps_the_module():
    before = COUNT
    assert [int(x) for x in Dataset.range(3).map(_count)] == [0, 1, 2]
    assert COUNT == before + 3
