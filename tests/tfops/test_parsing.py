"""tf.io parsing: parse_single_example / parse_example (FixedLen, VarLen, SparseFeature,
RaggedFeature), serialize_tensor, decode_raw."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data.sparse import SparseTensor, to_dense
from torchkeras.data.structure import string
from torchkeras.tfops.example import (BytesList, Example, Feature, Features, FloatList,
                                      Int64List)
from torchkeras.data.ragged import RaggedTensor
from torchkeras.tfops.parsing import (FixedLenFeature, FixedLenSequenceFeature, RaggedFeature,
                                      SparseFeature, VarLenFeature, decode_raw, parse_example,
                                      parse_single_example, parse_tensor, serialize_tensor)


def _record(ints, floats=None, name=b"n"):
    feature = {"i": Feature(int64_list=Int64List(value=ints)),
               "s": Feature(bytes_list=BytesList(value=[name]))}
    if floats is not None:
        feature["f"] = Feature(float_list=FloatList(value=floats))
    return Example(features=Features(feature=feature)).SerializeToString()


def test_parse_single_example_fixed_and_defaults():
    parsed = parse_single_example(_record([1, 2], [0.5]), {
        "i": FixedLenFeature([2], torch.int64), "f": FixedLenFeature([], torch.float32),
        "s": FixedLenFeature([], string), "d": FixedLenFeature([2], torch.int64, [7, 8])})
    assert parsed["i"].tolist() == [1, 2] and parsed["i"].dtype == torch.int64
    assert parsed["f"].item() == 0.5 and parsed["f"].shape == ()
    assert parsed["s"].numpy() == b"n"
    assert parsed["d"].tolist() == [7, 8]


def test_parse_errors_have_tf_text():
    with pytest.raises(ValueError, match=r"Feature: x \(data type: int64\) is required"):
        parse_single_example(_record([1]), {"x": FixedLenFeature([], torch.int64)})
    with pytest.raises(ValueError, match="Key: i.  Data types don't match. Data type: int64 "
                       "but expected type: float"):
        parse_single_example(_record([1]), {"i": FixedLenFeature([], torch.float32)})
    with pytest.raises(ValueError, match="Values size: 2 but output shape: \\[\\]"):
        parse_single_example(_record([1, 2]), {"i": FixedLenFeature([], torch.int64)})
    with pytest.raises(ValueError, match="dtype must be tf.int64, tf.float32 or tf.string"):
        parse_single_example(_record([1]), {"i": FixedLenFeature([], torch.int32)})


def test_varlen_gives_sparse_tensor():
    single = parse_single_example(_record([4, 5, 6]), {"i": VarLenFeature(torch.int64)})["i"]
    assert isinstance(single, SparseTensor) and single.indices.tolist() == [[0], [1], [2]]
    batch = parse_example([_record([1]), _record([2, 3])], {"i": VarLenFeature(torch.int64)})
    assert batch["i"].dense_shape.tolist() == [2, 2]
    assert to_dense(batch["i"]).tolist() == [[1, 0], [2, 3]]


def test_fixed_len_sequence_pads_in_batches():
    spec = {"i": FixedLenSequenceFeature([], torch.int64, allow_missing=True, default_value=-1)}
    batch = parse_example([_record([1]), _record([2, 3])], spec)
    assert batch["i"].tolist() == [[1, -1], [2, 3]]
    with pytest.raises(ValueError, match="is required"):
        parse_single_example(_record([1]), {"z": FixedLenSequenceFeature([], torch.int64)})


def test_serialize_parse_tensor_round_trip():
    for tensor in (torch.arange(6, dtype=torch.float32).reshape(2, 3),
                   torch.tensor(7, dtype=torch.int64), torch.zeros(0, 2, dtype=torch.uint8)):
        back = parse_tensor(serialize_tensor(tensor), tensor.dtype)
        assert back.dtype == tensor.dtype and torch.equal(back, tensor)
    strings = parse_tensor(serialize_tensor(np.array([b"a", b"bc"])), string)
    assert [bytes(v) for v in strings.numpy()] == [b"a", b"bc"]
    with pytest.raises(ValueError, match=r"Type mismatch between parsed tensor \(float32\) "
                       r"and dtype \(int32\)"):
        parse_tensor(serialize_tensor(torch.zeros(1)), torch.int32)


def test_decode_raw():
    assert decode_raw(b"\x01\x00\x02\x00", torch.int16).tolist() == [1, 2]
    assert decode_raw(b"\x00\x01", torch.int16, little_endian=False).tolist() == [1]
    with pytest.raises(ValueError, match="not a multiple of 4"):
        decode_raw(b"abc", torch.float32)
    with pytest.raises(ValueError, match="same size"):
        decode_raw(np.array([b"ab", b"abcd"], dtype=object), torch.uint8)


def test_sparse_feature_sorts_unless_already_sorted_and_checks_counts():
    record = _record([3, 0], [1.5, 2.5])
    parsed = parse_single_example(record, {"sp": SparseFeature("i", "f", torch.float32, 5)})
    assert parsed["sp"].indices.tolist() == [[0], [3]]
    assert parsed["sp"].values.tolist() == [2.5, 1.5] and parsed["sp"].shape == (5,)
    kept = parse_single_example(record, {"sp": SparseFeature("i", "f", torch.float32, 5, True)})
    assert kept["sp"].indices.tolist() == [[3], [0]]
    batch = parse_example([record, _record([1], [7.0])],
                          {"sp": SparseFeature("i", "f", torch.float32, 5)})["sp"]
    assert batch.indices.tolist() == [[0, 0], [0, 3], [1, 1]] and batch.shape == (2, 5)
    with pytest.raises(ValueError, match=r"`tf.io.parse_single_example`: SparseFeature 'sp': "
                                         "the index feature 'i' has 2 values but the value "
                                         "feature 'f' has 1"):
        parse_single_example(_record([3, 0], [1.5]),
                             {"sp": SparseFeature("i", "f", torch.float32, 5)})


def test_ragged_feature_rows_and_partition_errors():
    record = _record([2, 1], [1.0, 2.0, 3.0])
    single = parse_single_example(record, {"f": RaggedFeature(torch.float32)})
    assert single["f"].tolist() == [1.0, 2.0, 3.0]  # no partitions: a dense vector, as TF
    split = parse_single_example(record, {"f": RaggedFeature(
        torch.float32, partitions=[RaggedFeature.RowLengths("i")])})["f"]
    assert isinstance(split, RaggedTensor) and split.to_list() == [[1.0, 2.0], [3.0]]
    batch = parse_example([record, _record([1], [4.0])], {"r": RaggedFeature(torch.float32, "f")})
    assert batch["r"].to_list() == [[1.0, 2.0, 3.0], [4.0]]
    with pytest.raises(ValueError, match="3 values do not split into rows of "
                                         r"UniformRowLength\(2\)"):
        parse_single_example(record, {"f": RaggedFeature(
            torch.float32, partitions=[RaggedFeature.UniformRowLength(2)])})
    with pytest.raises(ValueError, match=r"RowLengths\('i'\) = \[2, 1\] does not describe "
                                         "rows of the 2 values"):
        parse_single_example(_record([2, 1], [1.0, 2.0]), {"f": RaggedFeature(
            torch.float32, partitions=[RaggedFeature.RowLengths("i")])})
    for kind, ids in [("ValueRowIds", [1, 0, 0]), ("ValueRowIds", [0, 1]),
                      ("RowStarts", [1, 2]), ("RowSplits", [1, 3])]:
        with pytest.raises(ValueError, match=f"{kind}\\('i'\\) = "):
            parse_single_example(_record(ids, [1.0, 2.0, 3.0]), {"f": RaggedFeature(
                torch.float32, partitions=[getattr(RaggedFeature, kind)("i")])})
    by_ids = parse_single_example(_record([0, 0, 2], [1.0, 2.0, 3.0]), {"f": RaggedFeature(
        torch.float32, partitions=[RaggedFeature.ValueRowIds("i")])})["f"]
    assert by_ids.to_list() == [[1.0, 2.0], [], [3.0]]  # row 1 is empty
