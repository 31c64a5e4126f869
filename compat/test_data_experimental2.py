"""Replay of ``fixtures/data_experimental2.json`` (recorded by generate_data_experimental2.py
from real TensorFlow 2.21): ``group_by_reducer``/``Reducer`` (one element per key, ascending
key order), ``tf.experimental.Optional`` and ``iterator.get_next_as_optional()``,
``pad_to_cardinality`` and the typed option groups give TF's elements, specs, values and
error messages on torchkeras; and ``cache(filename)`` where real TF wrote its cache before
builds torchkeras's own and leaves TF's files untouched."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from compat_case import FIXTURES
from data_experimental2_cases import CASES
from data_experimental_cases import plain
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "data_experimental2.json").read_text())


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tensorflow(name):
    got = json.loads(json.dumps(CASES[name](tf)))
    expected = RECORD["cases"][name]
    if name == "options_set_and_merge":  # TF's constructor error names OptionsBase.__init__
        assert got["errors"].pop("constructor_kwargs") == "TypeError"
        expected["errors"].pop("constructor_kwargs")
    assert got == expected


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_cache_beside_a_tensorflow_written_cache(tmp_path):
    recorded = RECORD["tf_cache"]
    for name in recorded["files"]:
        shutil.copy(FIXTURES / "tf_cache" / name, tmp_path / name)
    before = _digest(tmp_path)
    pipeline = tf.data.Dataset.range(5).map(lambda x: (x * 10, tf.strings.as_string(x)))
    cached = pipeline.cache(str(tmp_path / "cache"))
    assert plain(list(cached.as_numpy_iterator())) == recorded["elements"]
    assert plain(list(cached.as_numpy_iterator())) == recorded["elements"]  # from its own file
    after = _digest(tmp_path)
    assert {name: after[name] for name in before} == before  # TF's files untouched
    assert sorted(set(after) - set(before)) == ["cache.torchkeras.data",
                                                "cache.torchkeras.index"]
    again = tf.data.Dataset.range(5).map(lambda x: (x * 0, tf.strings.as_string(x)))
    assert plain(list(again.cache(str(tmp_path / "cache")).as_numpy_iterator())) == \
        recorded["elements"]  # a new run reads torchkeras's cache, not the pipeline


def test_tf_names_reach_the_same_objects():
    it = iter(tf.data.Dataset.range(1))
    assert isinstance(it, tf.data.Iterator)
    it.get_next()
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.experimental.Optional.empty(None).get_value()
    assert issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)
    assert tf.data.experimental.ThreadingOptions is tf.data.ThreadingOptions
