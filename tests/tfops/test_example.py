"""tf.train.Example and friends: construction, access, wire format, text, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.tfops.example import (BytesList, Example, Feature, FeatureList, FeatureLists,
                                      Features, FloatList, Int64List, SequenceExample)
from torchkeras.tfops import protowire as wire


def _example():
    return Example(features=Features(feature={
        "i": Feature(int64_list=Int64List(value=[np.int64(3), np.int32(1), torch.tensor(-4)])),
        "f": Feature(float_list=FloatList(value=np.array([0.1, 2.0]))),
        "s": Feature(bytes_list=BytesList(value=[b"ab", np.bytes_(b"c")]))}))


def test_tutorial_style_access():
    example = _example()
    assert example.features.feature["i"].int64_list.value == [3, 1, -4]
    assert example.features.feature["f"].float_list.value == [float(np.float32(0.1)), 2.0]
    assert example.features.feature["s"].WhichOneof("kind") == "bytes_list"
    assert example.features.feature["s"].float_list.value == []  # unset: empty
    assert Feature().WhichOneof("kind") is None


def test_round_trip_and_parse_from_string():
    example = _example()
    data = example.SerializeToString()
    again = Example()
    assert again.ParseFromString(data) == len(data)
    assert again == example and Example.FromString(data) == example
    assert again.SerializeToString() == data and example.ByteSize() == len(data)


def test_unpacked_scalars_are_accepted():
    unpacked = wire.key(1, wire.VARINT) + wire.varint(5) + wire.key(1, wire.VARINT) + \
        wire.varint(2 ** 64 - 1)
    assert Int64List.FromString(unpacked).value == [5, -1]
    floats = wire.key(1, wire.FIXED32) + wire.packed_floats([1.5])
    assert FloatList.FromString(floats).value == [1.5]


def test_deterministic_sorts_map_entries():
    a = Features(feature={"b": Feature(int64_list=Int64List(value=[1])),
                          "a": Feature(int64_list=Int64List(value=[2]))})
    b = Features(feature={"a": Feature(int64_list=Int64List(value=[2])),
                          "b": Feature(int64_list=Int64List(value=[1]))})
    assert a.SerializeToString() != b.SerializeToString()
    assert a.SerializeToString(deterministic=True) == b.SerializeToString()
    assert a == b


def test_text_format():
    text = str(Example(features=Features(feature={
        "x": Feature(bytes_list=BytesList(value=[b"q\x00"]))})))
    assert text == ('features {\n  feature {\n    key: "x"\n    value {\n      bytes_list {\n'
                    '        value: "q\\000"\n      }\n    }\n  }\n}\n')


def test_sequence_example_round_trip():
    sequence = SequenceExample(
        context=Features(feature={"n": Feature(int64_list=Int64List(value=[1]))}),
        feature_lists=FeatureLists(feature_list={"t": FeatureList(feature=[
            Feature(float_list=FloatList(value=[1.0])), Feature()])}))
    again = SequenceExample.FromString(sequence.SerializeToString())
    assert again == sequence
    assert len(again.feature_lists.feature_list["t"].feature) == 2


def test_type_errors_as_protobuf():
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        Int64List(value=[1.0])
    with pytest.raises(TypeError, match="Expected an int, got a boolean"):
        Int64List(value=[True])
    with pytest.raises(TypeError, match="'numpy.bool' object cannot be interpreted"):
        Int64List(value=[np.bool_(True)])
    assert FloatList(value=[True, 1, np.int64(3)]).value == [1.0, 1.0, 3.0]
    with pytest.raises(TypeError, match="expected bytes, str found"):
        BytesList(value=["s"])
    with pytest.raises(TypeError, match="must be real number, not str"):
        FloatList(value=["x"])
    with pytest.raises(TypeError, match="expects a tf.train.Int64List"):
        Feature(int64_list=[1])
    with pytest.raises(wire.DecodeError):
        Example.FromString(b"\x0a\x05ab")
