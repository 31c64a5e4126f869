"""The protocol-buffer wire format, as far as ``tf.train.Example`` and ``TensorProto`` need:
varints, length-delimited fields, packed repeated scalars, 32/64-bit fixed fields, and the
text format's scalar spellings (for ``print(example)``)."""
from __future__ import annotations

import struct
from typing import Iterator, List, Tuple

__all__ = ["DecodeError", "fields", "float_text", "key", "length_delimited", "packed_floats",
           "packed_varints", "read_varint", "text_bytes", "varint"]

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class DecodeError(ValueError):
    """``google.protobuf.message.DecodeError``: bytes that are not a valid message."""


def varint(value: int) -> bytes:
    """The varint of ``value``; negative ints as their 64-bit two's complement (10 bytes)."""
    value &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    return varint((field << 3) | wire_type)


def length_delimited(field: int, payload: bytes) -> bytes:
    return key(field, LENGTH) + varint(len(payload)) + payload


def read_varint(data: bytes, pos: int) -> Tuple[int, int]:
    """(value, next position); ``DecodeError`` when the data ends inside the varint."""
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise DecodeError("Error parsing message: truncated varint.")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def fields(data: bytes) -> Iterator[Tuple[int, int, object]]:
    """(field number, wire type, value) of each field: an int for varints and fixed fields,
    ``bytes`` for length-delimited ones."""
    pos, end = 0, len(data)
    while pos < end:
        tag, pos = read_varint(data, pos)
        field, wire_type = tag >> 3, tag & 7
        if wire_type == VARINT:
            value, pos = read_varint(data, pos)
        elif wire_type == LENGTH:
            size, pos = read_varint(data, pos)
            if pos + size > end:
                raise DecodeError("Error parsing message: truncated length-delimited field.")
            value, pos = data[pos:pos + size], pos + size
        elif wire_type in (FIXED32, FIXED64):
            width = 4 if wire_type == FIXED32 else 8
            if pos + width > end:
                raise DecodeError("Error parsing message: truncated fixed-width field.")
            value, pos = data[pos:pos + width], pos + width
        else:
            raise DecodeError(f"Error parsing message: unsupported wire type {wire_type}.")
        if field == 0:
            raise DecodeError("Error parsing message: field number 0.")
        yield field, wire_type, value


def packed_varints(values: List[int]) -> bytes:
    return b"".join(varint(v) for v in values)


def packed_floats(values: List[float]) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def unpack_varints(payload: bytes) -> List[int]:
    out, pos = [], 0
    while pos < len(payload):
        value, pos = read_varint(payload, pos)
        out.append(signed64(value))
    return out


def unpack_floats(payload: bytes) -> List[float]:
    if len(payload) % 4:
        raise DecodeError("Error parsing message: packed floats of a length not divisible by 4.")
    return list(struct.unpack(f"<{len(payload) // 4}f", payload))


def float_text(value: float) -> str:
    """A float32 as the text format prints it: the shortest of 6 or 9 significant digits
    that reads back to the same float32."""
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    short = f"{value:.6g}"
    packed = struct.pack("<f", value)
    return short if struct.pack("<f", float(short)) == packed else f"{value:.9g}"


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def text_bytes(value: bytes) -> str:
    """A bytes value as the text format quotes it (C escapes, octal for the rest)."""
    out = []
    for byte in value:
        if byte in _ESCAPES:
            out.append(_ESCAPES[byte])
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'
