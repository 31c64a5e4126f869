"""``tf.train.Example`` and its parts (``Features``, ``Feature``, ``BytesList``,
``FloatList``, ``Int64List``, ``SequenceExample``, ``FeatureList(s)``) without protobuf:
constructed as in TF (``Example(features=Features(feature={...}))``), read as in TF
(``example.features.feature['x'].int64_list.value``), ``SerializeToString()`` in TF's wire
format, ``FromString`` / ``ParseFromString`` (packed or unpacked scalars), ``str()`` in the
text format. Map entries serialize in insertion order (TF's protobuf uses its hash order,
so only single-entry maps are byte-for-byte TF's by default; with
``SerializeToString(deterministic=True)`` both sort them and agree byte for byte).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

import numpy as np
import torch

from torchkeras.tfops import protowire as wire

__all__ = ["BytesList", "Example", "Feature", "FeatureList", "FeatureLists", "Features",
           "FloatList", "Int64List", "SequenceExample"]


def _scalar(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


class _Message:
    """What every message shares: serialization, parsing, equality, text printing."""

    def SerializeToString(self, deterministic: bool = False) -> bytes:  # noqa: N802
        """TF's wire format; ``deterministic=True`` writes map entries sorted by key."""
        return self._encode(bool(deterministic))

    def ParseFromString(self, data: Any) -> int:  # noqa: N802
        """Replaces this message's content with ``data``'s; returns its length."""
        data = bytes(data)
        self.Clear()
        self.MergeFromString(data)
        return len(data)

    def MergeFromString(self, data: Any) -> int:  # noqa: N802
        data = bytes(data)
        for field, wire_type, value in wire.fields(data):
            self._merge_field(field, wire_type, value)
        return len(data)

    @classmethod
    def FromString(cls, data: Any) -> Any:  # noqa: N802
        message = cls()
        message.MergeFromString(data)
        return message

    def ByteSize(self) -> int:  # noqa: N802
        return len(self._encode())

    def CopyFrom(self, other: "_Message") -> None:  # noqa: N802
        self.ParseFromString(other.SerializeToString())

    def __eq__(self, other: Any) -> bool:
        """Field by field; maps compare as dicts (entry order does not matter, as in TF)."""
        return type(other) is type(self) and vars(self) == vars(other)

    __hash__ = None  # mutable, as protobuf messages

    def __str__(self) -> str:
        return "".join(line + "\n" for line in self._text())

    def __repr__(self) -> str:
        return str(self)

    def _encode(self, sort: bool = False) -> bytes:
        raise NotImplementedError

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        """Unknown fields are skipped, as protobuf keeps (and ignores) them."""

    def _text(self) -> List[str]:
        raise NotImplementedError

    def Clear(self) -> None:  # noqa: N802
        self.__init__()


def _nested(name: str, message: _Message) -> List[str]:
    return [f"{name} {{"] + ["  " + line for line in message._text()] + ["}"]


# ------------------------------------------------------------------ the three lists
class _ScalarList(_Message):
    _kind = ""

    def __init__(self, value: Optional[Iterable[Any]] = None) -> None:
        self.value: List[Any] = []
        if value is not None:
            self.value.extend(self._check(v) for v in _iterate(value))

    def _check(self, value: Any) -> Any:
        raise NotImplementedError

    def _text(self) -> List[str]:
        return [f"value: {self._show(v)}" for v in self.value]

    def _show(self, value: Any) -> str:
        return str(value)


def _iterate(value: Any) -> Iterable[Any]:
    if isinstance(value, torch.Tensor):
        return value.reshape(-1).tolist()
    if isinstance(value, np.ndarray):
        return value.reshape(-1).tolist()
    if isinstance(value, (str, bytes)):
        raise TypeError(f"`value` must be a list of values, received the single value "
                        f"{value!r}; pass [value].")
    return value


class BytesList(_ScalarList):
    """``tf.train.BytesList(value=[b'...', ...])``: strings must be ``bytes``."""

    def _check(self, value: Any) -> bytes:
        value = _scalar(value)
        if isinstance(value, (bytes, bytearray, np.bytes_)):
            return bytes(value)
        raise TypeError(f"expected bytes, {type(value).__name__} found "
                        f"(`tf.train.BytesList` value {value!r}; encode strings first)")

    def _encode(self, sort: bool = False) -> bytes:
        return b"".join(wire.length_delimited(1, v) for v in self.value)

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            self.value.append(value)

    def _show(self, value: Any) -> str:
        return wire.text_bytes(value)


class FloatList(_ScalarList):
    """``tf.train.FloatList(value=[...])``: floats stored as float32 (read back as Python
    floats, as TF)."""

    def _check(self, value: Any) -> float:
        value = _scalar(value)
        if isinstance(value, (str, bytes)):
            raise TypeError(f"must be real number, not {type(value).__name__} "
                            f"(`tf.train.FloatList` value {value!r})")
        return float(np.float32(value))

    def _encode(self, sort: bool = False) -> bytes:
        return wire.length_delimited(1, wire.packed_floats(self.value)) if self.value else b""

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field != 1:
            return
        if wire_type == wire.LENGTH:
            self.value.extend(wire.unpack_floats(value))
        elif wire_type == wire.FIXED32:
            self.value.extend(wire.unpack_floats(value))

    def _show(self, value: Any) -> str:
        return wire.float_text(value)


class Int64List(_ScalarList):
    """``tf.train.Int64List(value=[...])``: ints (Python, NumPy, integer tensors); bools and
    floats raise ``TypeError`` as TF's protobuf does."""

    def _check(self, value: Any) -> int:
        value = _scalar(value)
        if isinstance(value, bool):
            raise TypeError("Field tensorflow.Int64List.value: Expected an int, got a boolean.")
        if isinstance(value, (float, np.floating, np.bool_, str, bytes)):
            kind = ("numpy." if type(value).__module__ == "numpy" else "") + \
                type(value).__name__
            raise TypeError(f"'{kind}' object cannot be interpreted as an integer "
                            f"(`tf.train.Int64List` value {value!r})")
        value = int(value)
        if not -(1 << 63) <= value < (1 << 63):
            raise ValueError(f"Value out of range: {value} (`tf.train.Int64List`)")
        return value

    def _encode(self, sort: bool = False) -> bytes:
        return wire.length_delimited(1, wire.packed_varints(self.value)) if self.value else b""

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field != 1:
            return
        if wire_type == wire.LENGTH:
            self.value.extend(wire.unpack_varints(value))
        elif wire_type == wire.VARINT:
            self.value.append(wire.signed64(value))


# ------------------------------------------------------------------ Feature
_KINDS = {"bytes_list": (1, BytesList), "float_list": (2, FloatList),
          "int64_list": (3, Int64List)}


class Feature(_Message):
    """``tf.train.Feature(bytes_list=... | float_list=... | int64_list=...)``: one of the
    three (the ``kind`` oneof); reading an unset one gives an empty list."""

    def __init__(self, bytes_list: Optional[BytesList] = None,
                 float_list: Optional[FloatList] = None,
                 int64_list: Optional[Int64List] = None) -> None:
        given = {name: value for name, value in (("bytes_list", bytes_list),
                                                 ("float_list", float_list),
                                                 ("int64_list", int64_list))
                 if value is not None}
        self._kind: Optional[str] = None
        self._list: Optional[_ScalarList] = None
        for name, value in given.items():  # the last one set wins, as protobuf's oneof
            kind_type = _KINDS[name][1]
            if not isinstance(value, kind_type):
                raise TypeError(f"`tf.train.Feature({name}=...)` expects a "
                                f"tf.train.{kind_type.__name__}, received: {value!r}")
            self._kind, self._list = name, value

    def _get(self, name: str) -> _ScalarList:
        if self._kind == name:
            return self._list
        return _KINDS[name][1]()

    @property
    def bytes_list(self) -> BytesList:
        return self._get("bytes_list")

    @property
    def float_list(self) -> FloatList:
        return self._get("float_list")

    @property
    def int64_list(self) -> Int64List:
        return self._get("int64_list")

    def WhichOneof(self, oneof_group: str) -> Optional[str]:  # noqa: N802
        if oneof_group != "kind":
            raise ValueError(f'Protocol message has no oneof "{oneof_group}" field.')
        return self._kind

    def HasField(self, field_name: str) -> bool:  # noqa: N802
        if field_name not in _KINDS and field_name != "kind":
            raise ValueError(f'Protocol message Feature has no "{field_name}" field.')
        return self._kind is not None and field_name in (self._kind, "kind")

    def _encode(self, sort: bool = False) -> bytes:
        if self._kind is None:
            return b""
        return wire.length_delimited(_KINDS[self._kind][0], self._list._encode(sort))

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        for name, (number, kind_type) in _KINDS.items():
            if field == number and wire_type == wire.LENGTH:
                if self._kind != name:
                    self._kind, self._list = name, kind_type()
                self._list.MergeFromString(value)

    def _text(self) -> List[str]:
        return [] if self._kind is None else _nested(self._kind, self._list)


class _MessageMap(dict):
    """A protobuf map of messages: reading a missing key adds an empty message (as TF)."""

    def __init__(self, value_type: type, items: Optional[Dict[str, Any]] = None) -> None:
        super().__init__()
        self._value_type = value_type
        for name, value in (items or {}).items():
            if not isinstance(value, value_type):
                raise TypeError(f"map value for key {name!r} must be a "
                                f"tf.train.{value_type.__name__}, received: {value!r}")
            self[_key_text(name)] = value

    def __missing__(self, name: str) -> Any:
        value = self[name] = self._value_type()
        return value

    def get_or_create(self, name: str) -> Any:
        return self[name]


def _key_text(name: Any) -> str:
    return name.decode("utf-8") if isinstance(name, bytes) else str(name)


def _encode_map(field: int, entries: Dict[str, _Message], sort: bool) -> bytes:
    items = sorted(entries.items()) if sort else entries.items()
    return b"".join(wire.length_delimited(field, wire.length_delimited(1, name.encode("utf-8"))
                                          + wire.length_delimited(2, value._encode(sort)))
                    for name, value in items)


def _merge_map_entry(entries: _MessageMap, value: bytes) -> None:
    name, payload = "", b""
    for field, wire_type, item in wire.fields(value):
        if field == 1 and wire_type == wire.LENGTH:
            name = item.decode("utf-8")
        elif field == 2 and wire_type == wire.LENGTH:
            payload = item
    entries[name] = entries._value_type.FromString(payload)


def _map_text(label: str, entries: Dict[str, _Message]) -> List[str]:
    lines: List[str] = []
    for name, value in entries.items():
        lines += [f"{label} {{", f"  key: {wire.text_bytes(name.encode('utf-8'))}"]
        lines += ["  " + line for line in _nested("value", value)] + ["}"]
    return lines


class Features(_Message):
    """``tf.train.Features(feature={name: Feature})``; ``.feature`` is the map."""

    def __init__(self, feature: Optional[Dict[str, Feature]] = None) -> None:
        self.feature = _MessageMap(Feature, feature)

    def _encode(self, sort: bool = False) -> bytes:
        return _encode_map(1, self.feature, sort)

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            _merge_map_entry(self.feature, value)

    def _text(self) -> List[str]:
        return _map_text("feature", self.feature)


class Example(_Message):
    """``tf.train.Example(features=Features(...))``."""

    def __init__(self, features: Optional[Features] = None) -> None:
        if features is not None and not isinstance(features, Features):
            raise TypeError(f"`tf.train.Example(features=...)` expects a tf.train.Features, "
                            f"received: {features!r}")
        self._features = features

    @property
    def features(self) -> Features:
        if self._features is None:
            self._features = Features()
        return self._features

    def HasField(self, field_name: str) -> bool:  # noqa: N802
        return field_name == "features" and self._features is not None

    def _encode(self, sort: bool = False) -> bytes:
        if self._features is None:
            return b""
        return wire.length_delimited(1, self._features._encode(sort))

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            self.features.MergeFromString(value)

    def _text(self) -> List[str]:
        return [] if self._features is None else _nested("features", self._features)


class FeatureList(_Message):
    """``tf.train.FeatureList(feature=[Feature, ...])``."""

    def __init__(self, feature: Optional[Iterable[Feature]] = None) -> None:
        self.feature: List[Feature] = list(feature or [])

    def _encode(self, sort: bool = False) -> bytes:
        return b"".join(wire.length_delimited(1, f._encode(sort)) for f in self.feature)

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            self.feature.append(Feature.FromString(value))

    def _text(self) -> List[str]:
        return [line for f in self.feature for line in _nested("feature", f)]


class FeatureLists(_Message):
    """``tf.train.FeatureLists(feature_list={name: FeatureList})``."""

    def __init__(self, feature_list: Optional[Dict[str, FeatureList]] = None) -> None:
        self.feature_list = _MessageMap(FeatureList, feature_list)

    def _encode(self, sort: bool = False) -> bytes:
        return _encode_map(1, self.feature_list, sort)

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            _merge_map_entry(self.feature_list, value)

    def _text(self) -> List[str]:
        return _map_text("feature_list", self.feature_list)


class SequenceExample(_Message):
    """``tf.train.SequenceExample(context=Features, feature_lists=FeatureLists)``."""

    def __init__(self, context: Optional[Features] = None,
                 feature_lists: Optional[FeatureLists] = None) -> None:
        self._context, self._feature_lists = context, feature_lists

    @property
    def context(self) -> Features:
        if self._context is None:
            self._context = Features()
        return self._context

    @property
    def feature_lists(self) -> FeatureLists:
        if self._feature_lists is None:
            self._feature_lists = FeatureLists()
        return self._feature_lists

    def _encode(self, sort: bool = False) -> bytes:
        out = b""
        if self._context is not None:
            out += wire.length_delimited(1, self._context._encode(sort))
        if self._feature_lists is not None:
            out += wire.length_delimited(2, self._feature_lists._encode(sort))
        return out

    def _merge_field(self, field: int, wire_type: int, value: Any) -> None:
        if field == 1 and wire_type == wire.LENGTH:
            self.context.MergeFromString(value)
        elif field == 2 and wire_type == wire.LENGTH:
            self.feature_lists.MergeFromString(value)

    def _text(self) -> List[str]:
        lines: List[str] = []
        if self._context is not None:
            lines += _nested("context", self._context)
        if self._feature_lists is not None:
            lines += _nested("feature_lists", self._feature_lists)
        return lines
