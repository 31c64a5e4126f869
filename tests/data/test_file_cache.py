"""``cache(filename)`` and ``Dataset.save``/``load``: written during the first complete pass,
re-read afterwards (also by a new pipeline, as TF), in a format read without pickle.
(Element values against real TensorFlow: compat/test_data.py cache_file_repeat, save_load.)"""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset, file_cache


def _pipeline(calls):
    return Dataset.range(4).map(lambda x: calls.append(int(x)) or (
        {"v": x.to(torch.bfloat16) * 2, "name": f"n{int(x)}"}, np.full((2,), int(x), "int16")))


def _values(ds):
    return [(e[0]["v"].float().tolist(), str(e[0]["name"]), e[1].tolist()) for e in ds]


def test_cache_file_is_written_once_and_reread(tmp_path):
    calls = []
    path = str(tmp_path / "sub" / "cache")
    ds = _pipeline(calls).cache(path)
    first = _values(ds)
    assert calls == [0, 1, 2, 3] and file_cache.exists(path)
    assert _values(ds) == first and calls == [0, 1, 2, 3]  # second pass: from the file
    again = _pipeline(calls).cache(path)  # a new pipeline (a new run) reads the same file
    assert _values(again) == first and calls == [0, 1, 2, 3]
    element = next(iter(again))
    assert element[0]["v"].dtype == torch.bfloat16 and element[1].dtype == torch.int16
    # the data file is plain .npy records: readable without pickle
    with open(file_cache.data_path(path), "rb") as handle:
        assert np.load(handle, allow_pickle=False).dtype.kind == "U"
    header = json.loads((tmp_path / "sub" / "cache.torchkeras.index").read_text())
    assert header["count"] == 4


def test_an_incomplete_pass_caches_nothing(tmp_path):
    path = str(tmp_path / "cache")
    calls = []
    ds = _pipeline(calls).cache(path)
    assert len(list(ds.take(2))) == 2
    assert not file_cache.exists(path) and list(tmp_path.iterdir()) == []
    assert len(_values(ds)) == 4 and file_cache.exists(path)


def test_save_and_load(tmp_path):
    ds = Dataset.from_tensor_slices((np.arange(6.0).reshape(3, 2), ["a", "b", "c"]))
    ds.save(str(tmp_path / "saved"))
    loaded = Dataset.load(str(tmp_path / "saved"))
    assert len(loaded) == 3 and loaded.element_spec == ds.element_spec
    assert [(a.tolist(), str(b)) for a, b in loaded] == [(a.tolist(), str(b)) for a, b in ds]
    with pytest.raises(FileNotFoundError, match="Could not find a dataset saved"):
        Dataset.load(str(tmp_path / "missing"))



def test_tensorflow_cache_names_are_left_alone(tmp_path):
    # real TF's cache files (compat/test_data_experimental2.py uses TF-written ones)
    (tmp_path / "tf.index").write_bytes(b"\x00\x01not json")
    (tmp_path / "tf.data-00000-of-00001").write_bytes(b"\xff")
    assert [int(x) for x in Dataset.range(3).cache(str(tmp_path / "tf"))] == [0, 1, 2]
    assert (tmp_path / "tf.index").read_bytes() == b"\x00\x01not json"
    assert file_cache.exists(str(tmp_path / "tf"))


@pytest.mark.parametrize("content", ['{"format": "tensorflow"}', "\x00 not json", "[1]"])
def test_a_foreign_file_under_torchkeras_names_is_refused(tmp_path, content):
    (tmp_path / "bad.torchkeras.index").write_text(content)
    (tmp_path / "bad.torchkeras.data").write_bytes(b"")
    with pytest.raises(ValueError, match="is not a torchkeras dataset cache"):
        list(Dataset.range(2).cache(str(tmp_path / "bad")))
