"""Replay of ``fixtures/data_pipelines.json`` (recorded by generate_data.py from real
TensorFlow): the same tf.data pipelines on torchkeras give the same elements (values, dtypes,
shapes), ``element_spec``, ``cardinality()`` and shuffle behaviour."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from compat_case import FIXTURES, array_record
from data_cases import CASES, VALUES
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "data_pipelines.json").read_text())


def leaf(value) -> dict:
    return array_record(value)


def structure(value, fn):
    if isinstance(value, dict):
        return {"dict": {k: structure(value[k], fn) for k in sorted(value)}}
    if isinstance(value, tuple):
        return {"tuple": [structure(v, fn) for v in value]}
    return fn(value)


def spec(s) -> dict:
    return {"dtype": s.dtype_name, "shape": None if s.shape is None else list(s.shape)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pipeline_elements(name):
    expected = RECORD["cases"][name]
    dataset = CASES[name](tf)
    assert [structure(e, leaf) for e in dataset] == expected["elements"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_pipeline_spec_and_cardinality(name):
    expected = RECORD["cases"][name]
    dataset = CASES[name](tf)
    assert structure(dataset.element_spec, spec) == expected["element_spec"]
    assert int(dataset.cardinality()) == expected["cardinality"]


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values(name):
    value = VALUES[name](tf)
    value = tuple(value) if isinstance(value, tuple) else value
    actual = structure(value, lambda v: leaf(v if isinstance(v, torch.Tensor)
                                             else np.asarray(v, dtype="int64")))
    assert actual == RECORD["values"][name]


def test_as_numpy_iterator_matches_iteration():
    for name in ("slices_tuple_batch", "generator_dict_strings", "window_tuple"):
        expected = RECORD["cases"][name]["elements"]
        assert [structure(e, leaf) for e in CASES[name](tf).as_numpy_iterator()] == expected


def test_shuffle_semantics():
    facts = RECORD["shuffle"]
    base = tf.data.Dataset.range(20)
    once = base.shuffle(20, seed=3)
    epochs = [[int(v) for v in once] for _ in range(2)]
    fixed = base.shuffle(20, seed=3, reshuffle_each_iteration=False)
    fixed_epochs = [[int(v) for v in fixed] for _ in range(2)]
    small = [int(v) for v in tf.data.Dataset.range(100).shuffle(5, seed=1)]
    repeated = [int(v) for v in base.shuffle(20, seed=3).repeat(2)]
    assert (all(sorted(e) == list(range(20)) for e in epochs)) == facts["epochs_are_permutations"]
    assert (epochs[0] != epochs[1]) == facts["reshuffle_differs"]
    assert (fixed_epochs[0] == fixed_epochs[1]) == facts["no_reshuffle_same"]
    assert ([int(v) for v in base.shuffle(1, seed=0)] == list(range(20))) == \
        facts["buffer_1_is_identity"]
    # an element can lead its input position by at most buffer_size - 1
    assert max(v - i for i, v in enumerate(small)) <= facts["max_lead_buffer_5"]
    assert (repeated[:20] != repeated[20:]) == facts["repeat_reshuffles"]
    assert (sorted(repeated[:20]) == list(range(20))) == facts["repeat_each_pass_complete"]
    # a seed makes the order repeatable across freshly built pipelines (as TF's op seed)
    assert [int(v) for v in base.shuffle(20, seed=3)] == epochs[0]
