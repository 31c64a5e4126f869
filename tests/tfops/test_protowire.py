"""The protobuf wire-format helpers."""
from __future__ import annotations

import pytest

from torchkeras.tfops import protowire as wire


def test_varint_round_trip_and_negatives():
    for value in (0, 1, 127, 128, 300, 2 ** 63 - 1):
        assert wire.read_varint(wire.varint(value), 0) == (value, len(wire.varint(value)))
    assert wire.varint(300) == b"\xac\x02"
    assert len(wire.varint(-1)) == 10
    assert wire.unpack_varints(wire.packed_varints([-2, 5])) == [-2, 5]


def test_fields_and_errors():
    data = wire.key(1, wire.VARINT) + wire.varint(9) + wire.length_delimited(2, b"ab")
    assert list(wire.fields(data)) == [(1, 0, 9), (2, 2, b"ab")]
    with pytest.raises(wire.DecodeError, match="truncated varint"):
        list(wire.fields(b"\x08\x80"))
    with pytest.raises(wire.DecodeError, match="truncated length-delimited"):
        list(wire.fields(b"\x12\x05ab"))
    with pytest.raises(wire.DecodeError, match="wire type"):
        list(wire.fields(b"\x0b"))


def test_text_spellings():
    assert wire.float_text(2.7182817459106445) == "2.71828175"
    assert wire.float_text(0.5) == "0.5" and wire.float_text(0.0) == "0"
    assert wire.text_bytes(b"a\x00\"\n\xff") == '"a\\000\\"\\n\\377"'
