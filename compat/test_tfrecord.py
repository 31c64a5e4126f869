"""TFRecord files, tf.train.Example, parsing and CSV datasets against real TensorFlow
(``fixtures/tfrecord.json`` and ``fixtures/tfrecord/``, written by
``generate_tfrecord.py``): torchkeras reads TF's files and parses them to TF's values;
the files and Example bytes it writes equal TF's byte for byte (``deterministic=True``,
map entries sorted, as the references are recorded; by default TF orders map entries by
its hash table, so there multi-feature Examples are compared entry by entry);
``CsvDataset`` / ``make_csv_dataset`` (unshuffled) give TF's batches.
"""
from __future__ import annotations

import base64
import json
import os

import numpy as np
import pytest
import torch

from compat_case import FIXTURES
from torchkeras.data import TFRecordDataset, experimental
from torchkeras.data.sparse import SparseTensor
from torchkeras.data.structure import string
from torchkeras.tfops import example as train
from torchkeras.tfops import io, protowire

DATA = json.loads((FIXTURES / "tfrecord.json").read_text())
FILES = FIXTURES / "tfrecord"
DTYPES = {"int64": torch.int64, "float32": torch.float32, "string": string}


def _b(text: str) -> bytes:
    return base64.b64decode(text)


def _same(actual, expected, what: str) -> None:
    """``actual`` (torchkeras) equals the recorded ``{"dtype", "shape", "values"}``."""
    if isinstance(expected, dict) and expected.get("sparse"):
        assert isinstance(actual, SparseTensor), what
        for part in ("indices", "values", "dense_shape"):
            _same(getattr(actual, part), expected[part], f"{what}.{part}")
        return
    if isinstance(expected, dict) and "dtype" not in expected:
        assert sorted(actual) == sorted(expected), what
        for key in expected:
            _same(actual[key], expected[key], f"{what}[{key}]")
        return
    if expected["dtype"] == "string":
        array = np.asarray(actual.numpy() if hasattr(actual, "numpy") else actual, dtype=object)
        assert list(array.shape) == expected["shape"], what
        assert [bytes(v) for v in array.reshape(-1).tolist()] == \
            [_b(v) for v in expected["values"]], what
        return
    assert isinstance(actual, torch.Tensor), f"{what}: {type(actual)}"
    assert str(actual.dtype) == f"torch.{expected['dtype']}", what
    assert list(actual.shape) == expected["shape"], what
    np.testing.assert_array_equal(actual.reshape(-1).numpy(),
                                  np.asarray(expected["values"], dtype=expected["dtype"]),
                                  err_msg=what)


def _build(spec):
    lists = {"bytes": train.BytesList, "float": train.FloatList, "int64": train.Int64List}
    return train.Example(features=train.Features(feature={
        key: train.Feature(**{f"{kind}_list": lists[kind](
            value=[_b(v) for v in values] if kind == "bytes" else values)})
        for key, (kind, values) in spec.items()}))


def _entries(serialized: bytes):
    """The map entries of a serialized Example, as a sorted list of bytes."""
    (_, _, features), = protowire.fields(serialized)
    return sorted(value for _, _, value in protowire.fields(features))


@pytest.mark.parametrize("case", DATA["examples"], ids=lambda c: c["name"])
def test_example_bytes_and_values(case):
    ours = _build(case["spec"]).SerializeToString()
    theirs = _b(case["serialized"])
    assert _build(case["spec"]).SerializeToString(deterministic=True) == theirs
    if len(case["spec"]) == 1:
        assert ours == theirs
        assert str(_build(case["spec"])) == case["text"]
    else:  # insertion order: the same entries
        assert _entries(ours) == _entries(theirs) and len(ours) == len(theirs)
    parsed = train.Example.FromString(theirs)
    for key, values in case["values"].items():
        feature = parsed.features.feature[key]
        got = getattr(feature, feature.WhichOneof("kind")).value
        expected = [_b(v) for v in values] if feature.WhichOneof("kind") == "bytes_list" \
            else values
        assert got == expected, key
    assert train.Example.FromString(ours) == parsed


def test_sequence_example_and_feature():
    sequence = train.SequenceExample(
        context=train.Features(feature={"len": train.Feature(
            int64_list=train.Int64List(value=[2]))}),
        feature_lists=train.FeatureLists(feature_list={"tok": train.FeatureList(feature=[
            train.Feature(int64_list=train.Int64List(value=[1, 2])),
            train.Feature(int64_list=train.Int64List(value=[3]))])}))
    assert sequence.SerializeToString() == _b(DATA["sequence_example"]["serialized"])
    assert str(sequence) == DATA["sequence_example"]["text"]
    feature = train.Feature(float_list=train.FloatList(value=[np.exp(1)]))
    assert feature.SerializeToString() == _b(DATA["float_feature"]["serialized"])
    assert str(feature) == DATA["float_feature"]["text"]


@pytest.mark.parametrize("compression,filename", [(None, "plain.tfrecord"),
                                                  ("GZIP", "gzip.tfrecord"),
                                                  ("ZLIB", "zlib.tfrecord")])
def test_reads_tf_files_and_writes_identical_ones(tmp_path, compression, filename):
    expected = [_b(case["serialized"]) for case in DATA["examples"]]
    records = [r.numpy() for r in TFRecordDataset(str(FILES / filename), compression)]
    assert records == expected
    path = tmp_path / filename
    with io.TFRecordWriter(str(path), io.TFRecordOptions(compression)) as writer:
        for record in expected:
            writer.write(record)
    assert path.read_bytes() == (FILES / filename).read_bytes()


def test_num_parallel_reads_interleaves_as_tf():
    dataset = TFRecordDataset([str(FILES / "plain.tfrecord")] * 2, num_parallel_reads=2)
    assert [r.numpy() for r in dataset.take(3)] == \
        [_b(r) for r in DATA["interleaved_first3"]]
    parts = [str(FILES / f"part_{n}.tfrecord") for n in "abc"]
    assert [r.numpy().decode() for r in TFRecordDataset(parts, num_parallel_reads=2)] == \
        DATA["interleaved_parts"]


def _specs():
    return {
        "fixed": {"id": io.FixedLenFeature([], torch.int64),
                  "vec": io.FixedLenFeature([3], torch.float32),
                  "tags": io.FixedLenFeature([2], string),
                  "missing": io.FixedLenFeature([2], torch.float32, default_value=[1.0, 2.0]),
                  "missing_s": io.FixedLenFeature([], string, default_value="dflt")},
        "varlen": {"var": io.VarLenFeature(torch.int64), "tags": io.VarLenFeature(string)},
        "sequence": {"var": io.FixedLenSequenceFeature([], torch.int64, allow_missing=True),
                     "vec": io.FixedLenSequenceFeature([3], torch.float32,
                                                       allow_missing=True)},
        "reshaped": {"vec": io.FixedLenFeature([3, 1], torch.float32)},
    }


@pytest.mark.parametrize("name", ["fixed", "varlen", "sequence", "reshaped"])
def test_parse_single_and_batch(name):
    mixed = [_b(DATA["examples"][6]["serialized"]), _b(DATA["examples"][7]["serialized"])]
    spec = _specs()[name]
    _same(io.parse_single_example(mixed[0], spec), DATA["parse_single"][name], name)
    _same(io.parse_example(np.asarray(mixed, dtype=object), spec), DATA["parse_batch"][name],
          name)


def test_tutorial_parse_in_dataset_map():
    spec = {"feature0": io.FixedLenFeature([], torch.int64, default_value=0),
            "feature1": io.FixedLenFeature([], torch.int64, default_value=0),
            "feature2": io.FixedLenFeature([], string, default_value=""),
            "feature3": io.FixedLenFeature([], torch.float32, default_value=0.0)}
    dataset = TFRecordDataset(str(FILES / "plain.tfrecord")).skip(5).take(1)
    parsed, = list(dataset.map(lambda record: io.parse_single_example(record, spec)))
    _same(parsed, DATA["tutorial_parse"], "tutorial")


@pytest.mark.parametrize("name", sorted(DATA["serialize_tensor"]))
def test_serialize_and_parse_tensor(name):
    case = DATA["serialize_tensor"][name]
    expected = case["value"]
    values = [_b(v) for v in expected["values"]] if expected["dtype"] == "string" else \
        expected["values"]
    array = np.asarray(values, dtype=object if expected["dtype"] == "string"
                       else expected["dtype"]).reshape(expected["shape"])
    tensor = array if expected["dtype"] == "string" else torch.from_numpy(array)
    assert bytes(io.serialize_tensor(tensor)) == _b(case["serialized"])
    out_type = string if expected["dtype"] == "string" else getattr(torch, expected["dtype"])
    _same(io.parse_tensor(_b(case["serialized"]), out_type), expected, name)


def test_decode_raw():
    raw = np.asarray([b"\x01\x00\x02\x00\xff\xff", b"\x03\x00\x04\x00\x00\x80"], dtype=object)
    cases = DATA["decode_raw"]
    _same(io.decode_raw(raw, torch.int16), cases["int16"], "int16")
    _same(io.decode_raw(raw, torch.int16, little_endian=False), cases["int16_be"], "be")
    _same(io.decode_raw(raw, torch.uint8), cases["uint8"], "uint8")
    _same(io.decode_raw(np.float32([1.5, -2]).tobytes(), torch.float32),
          cases["float32_scalar"], "float32")


CSV = str(FILES / "data.csv")


def test_csv_dataset():
    rows = experimental.CsvDataset(CSV, record_defaults=[0, "", 0.0, torch.tensor([-1]), 0],
                                   header=True, na_value="NA")
    for row, expected in zip(rows, DATA["csv_dataset"], strict=True):
        for i, (value, want) in enumerate(zip(row, expected, strict=True)):
            _same(value, want, f"column {i}")
    rows = experimental.CsvDataset(CSV, record_defaults=[torch.int32, -9.0], header=True,
                                   select_cols=[0, 2], na_value="NA")
    for row, expected in zip(rows, DATA["csv_dataset_select"], strict=True):
        for i, (value, want) in enumerate(zip(row, expected, strict=True)):
            _same(value, want, f"select column {i}")


def _check_batches(dataset, expected_batches, with_label=True):
    batches = list(dataset)
    assert len(batches) == len(expected_batches)
    for batch, expected in zip(batches, expected_batches):
        features = batch[0] if with_label else batch
        assert list(features) == expected[1]  # columns in file order
        _same(dict(features), expected[0], "features")
        if with_label:
            _same(batch[1], expected[2], "label")


def test_make_csv_dataset():
    _check_batches(experimental.make_csv_dataset(
        CSV, batch_size=2, label_name="label", num_epochs=1, shuffle=False, na_value="NA"),
        DATA["make_csv"])
    _check_batches(experimental.make_csv_dataset(
        CSV, batch_size=3, select_columns=["score", "id"], num_epochs=1, shuffle=False,
        column_defaults=[0, 0.0], na_value="NA"), DATA["make_csv_select"], with_label=False)
    _check_batches(experimental.make_csv_dataset(
        CSV, batch_size=4, num_epochs=2, shuffle=False, na_value="NA",
        column_names=["a", "b", "c", "d", "e"], label_name="e"),
        DATA["make_csv_named_2epochs"])


def test_fixture_files_are_small():
    sizes = [os.path.getsize(FILES / name) for name in os.listdir(FILES)]
    assert sizes and max(sizes) < 200_000
