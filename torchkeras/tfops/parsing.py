"""``tf.io`` parsing: ``parse_single_example`` / ``parse_example`` with ``FixedLenFeature``,
``VarLenFeature`` and ``SparseFeature`` (a ``tf.SparseTensor``), ``RaggedFeature`` (a
RaggedTensor), ``FixedLenSequenceFeature``;
``serialize_tensor`` / ``parse_tensor`` (TensorProto wire format) and ``decode_raw``.
Numbers come back as torch tensors, strings as NumPy ``bytes`` values/arrays (``.numpy()``
as TF), like every other string in torchkeras."""
from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from torchkeras.backend import dtypes
from torchkeras.data.ragged import RaggedTensor
from torchkeras.data.sparse import SparseTensor
from torchkeras.data.structure import string, with_numpy
from torchkeras.tfops import protowire as wire
from torchkeras.tfops.example import Example

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "RaggedFeature", "SparseFeature",
           "VarLenFeature", "decode_raw",
           "parse_example", "parse_single_example", "parse_tensor", "serialize_tensor"]

FixedLenFeature = collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"],
                                         defaults=[None])
FixedLenFeature.__doc__ = "``tf.io.FixedLenFeature(shape, dtype, default_value=None)``."
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])
VarLenFeature.__doc__ = "``tf.io.VarLenFeature(dtype)``: parsed to a ``tf.SparseTensor``."
FixedLenSequenceFeature = collections.namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"],
    defaults=[False, None])
FixedLenSequenceFeature.__doc__ = ("``tf.io.FixedLenSequenceFeature(shape, dtype, "
                                   "allow_missing=False, default_value=None)``.")

SparseFeature = collections.namedtuple(
    "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"],
    defaults=[False])
SparseFeature.__doc__ = ("``tf.io.SparseFeature(index_key, value_key, dtype, size, "
                         "already_sorted=False)``: a ``tf.SparseTensor`` of dense shape "
                         "``size`` whose indices are the ``index_key`` feature(s) and values "
                         "the ``value_key`` feature.")


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"],
        defaults=[None, (), "int32", False])):
    """``tf.io.RaggedFeature(dtype, value_key=None, partitions=(), row_splits_dtype=tf.int32,
    validate=False)``: the values of one feature, split into rows by ``partitions``
    (outermost first): ``RowLengths(key)``, ``RowSplits(key)``, ``RowStarts(key)``,
    ``RowLimits(key)``, ``ValueRowIds(key)`` or ``UniformRowLength(n)``."""

    RowSplits = collections.namedtuple("RowSplits", ["key"])
    RowLengths = collections.namedtuple("RowLengths", ["key"])
    RowStarts = collections.namedtuple("RowStarts", ["key"])
    RowLimits = collections.namedtuple("RowLimits", ["key"])
    ValueRowIds = collections.namedtuple("ValueRowIds", ["key"])
    UniformRowLength = collections.namedtuple("UniformRowLength", ["length"])

    def __repr__(self) -> str:
        dtype = _dtype(self.dtype, "tf.io.RaggedFeature")
        return (f"RaggedFeature(dtype=tf.{dtype}, value_key={self.value_key!r}, "
                f"partitions={tuple(self.partitions)!r}, row_splits_dtype=tf."
                f"{dtypes.standardize_dtype(self.row_splits_dtype)}, "
                f"validate={self.validate!r})")


_KIND_OF = {"int64": "int64_list", "float32": "float_list", "string": "bytes_list"}
_TF_NAME = {"int64": "int64", "float32": "float", "string": "string"}


def _dtype(dtype: Any, caller: str) -> str:
    name = "string" if dtype is string or dtype in (str, bytes) or \
        getattr(dtype, "name", None) == "string" else dtypes.standardize_dtype(dtype)
    if name not in _KIND_OF:
        raise ValueError(f"`{caller}`: a feature's dtype must be tf.int64, tf.float32 or "
                         f"tf.string; received: dtype={dtype!r}")
    return name


def _record(value: Any) -> bytes:
    if isinstance(value, np.ndarray):
        value = value[()]
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _values(example: Example, key: str, name: str) -> Optional[List[Any]]:
    """The feature's values, None when absent; an error when its kind differs."""
    if key not in example.features.feature:
        return None
    feature = example.features.feature[key]
    kind = feature.WhichOneof("kind")
    if kind is None:
        return []
    if kind != _KIND_OF[name]:
        found = {v: k for k, v in _KIND_OF.items()}[kind]
        raise ValueError(f"Key: {key}.  Data types don't match. Data type: {_TF_NAME[found]} "
                         f"but expected type: {_TF_NAME[name]}")
    return list(getattr(feature, kind).value)


def _array(values: List[Any], name: str, shape: Sequence[int]) -> Any:
    if name == "string":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.reshape(shape)
    return torch.tensor(values, dtype=getattr(torch, name)).reshape(tuple(shape))


def _default(spec: Any, name: str, shape: Sequence[int]) -> Any:
    value = spec.default_value
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    flat = np.asarray(value, dtype=object).reshape(-1).tolist()
    if name == "string":
        flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat]
    size = int(np.prod(shape, dtype=np.int64))
    flat = flat * size if len(flat) == 1 else flat
    if len(flat) != size:
        raise ValueError(f"default_value of {len(flat)} values does not fit shape {list(shape)}")
    return _array(flat, name, shape)


def _fixed(example: Example, key: str, spec: Any, caller: str) -> Any:
    name, shape = _dtype(spec.dtype, caller), [int(d) for d in spec.shape]
    values = _values(example, key, name)
    if values is None:
        if spec.default_value is None:
            raise ValueError(f"Feature: {key} (data type: {_TF_NAME[name]}) is required but "
                             "could not be found.")
        return _default(spec, name, shape)
    size = int(np.prod(shape, dtype=np.int64))
    if len(values) != size:
        raise ValueError(f"Key: {key}, Index: 0.  Number of {_TF_NAME[name]} values != "
                         f"expected.  Values size: {len(values)} but output shape: {shape}")
    return _array(values, name, shape)


def _sequence(example: Example, key: str, spec: Any, caller: str) -> Any:
    name, shape = _dtype(spec.dtype, caller), [int(d) for d in spec.shape]
    values = _values(example, key, name)
    if values is None:
        if not spec.allow_missing:
            raise ValueError(f"Feature: {key} (data type: {_TF_NAME[name]}) is required but "
                             "could not be found.")
        values = []
    step = int(np.prod(shape, dtype=np.int64))
    if step and len(values) % step:
        raise ValueError(f"Key: {key}, Index: 0.  Number of {_TF_NAME[name]} values is not a "
                         f"multiple of the step size {step}: {len(values)}")
    return _array(values, name, [len(values) // step if step else 0] + shape)


def _sparse_feature(example: Example, key: str, spec: Any, caller: str) -> tuple:
    """``SparseFeature``: (indices ``[[i, ...], ...]``, values, dtype name), sorted by
    index unless ``already_sorted``."""
    name = _dtype(spec.dtype, caller)
    index_keys = [spec.index_key] if isinstance(spec.index_key, str) else list(spec.index_key)
    values = _values(example, spec.value_key, name) or []
    columns = [_values(example, k, "int64") or [] for k in index_keys]
    for index_key, column in zip(index_keys, columns):
        if len(column) != len(values):
            raise ValueError(f"`{caller}`: SparseFeature {key!r}: the index feature "
                             f"{index_key!r} has {len(column)} values but the value feature "
                             f"{spec.value_key!r} has {len(values)}; they must match.")
    indices = [list(i) for i in zip(*columns)] if columns else []
    if not spec.already_sorted:
        order = sorted(range(len(values)), key=lambda i: indices[i])
        indices, values = [indices[i] for i in order], [values[i] for i in order]
    return indices, values, name


def _sizes(spec: Any) -> List[int]:
    return [int(spec.size)] if np.ndim(spec.size) == 0 else [int(d) for d in spec.size]


def _row_lengths(partition: Any, found: List[int], count: int) -> Optional[List[int]]:
    """The row lengths a RaggedFeature partition's int64 feature encodes (None: malformed)."""
    if isinstance(partition, RaggedFeature.RowLengths):
        return list(found)
    if isinstance(partition, RaggedFeature.RowSplits):
        if not found or found[0] != 0:
            return None
        return [b - a for a, b in zip(found, found[1:])]
    if isinstance(partition, RaggedFeature.RowLimits):
        return [b - a for a, b in zip([0] + list(found), found)]
    if isinstance(partition, RaggedFeature.RowStarts):
        if found and found[0] != 0:
            return None
        return [b - a for a, b in zip(found, list(found[1:]) + [count])]
    # ValueRowIds: one non-decreasing row id per value; rows up to the last id
    if len(found) != count or any(b < a for a, b in zip(found, found[1:])) or \
            (found and found[0] < 0):
        return None
    return np.bincount(np.asarray(found, dtype=np.int64),
                       minlength=found[-1] + 1 if found else 0).tolist()


def _ragged_feature(example: Example, key: str, spec: Any, caller: str) -> Any:
    """``RaggedFeature``: a 1-D array of the values, or (partitions) a RaggedTensor."""
    name = _dtype(spec.dtype, caller)
    value_key = spec.value_key or key
    values = _values(example, value_key, name) or []
    rows: Any = _array(values, name, [len(values)])
    for partition in reversed(list(spec.partitions)):
        count = len(rows)
        if isinstance(partition, RaggedFeature.UniformRowLength):
            size = int(partition.length)
            if size <= 0 or count % size:
                raise ValueError(f"`{caller}`: RaggedFeature {key!r}: {count} values do not "
                                 f"split into rows of UniformRowLength({size}).")
            lengths = [size] * (count // size)
        else:
            found = _values(example, partition.key, "int64") or []
            lengths = _row_lengths(partition, found, count)
            if lengths is None or sum(lengths) != count or any(n < 0 for n in lengths):
                raise ValueError(f"`{caller}`: RaggedFeature {key!r}: the partition "
                                 f"{type(partition).__name__}({partition.key!r}) = {found} "
                                 f"does not describe rows of the {count} values.")
        starts = np.cumsum([0] + list(lengths)).tolist()
        rows = RaggedTensor([rows[a:b] for a, b in zip(starts, starts[1:])])
    return rows


def _parse_one(example: Example, features: Dict[str, Any], caller: str) -> Dict[str, Any]:
    """Each feature of one example: arrays, (values, dtype name) for VarLen, (indices,
    values, dtype name) for SparseFeature, rows for RaggedFeature."""
    out: Dict[str, Any] = {}
    for key, spec in features.items():
        if isinstance(spec, FixedLenFeature):
            out[key] = _fixed(example, key, spec, caller)
        elif isinstance(spec, FixedLenSequenceFeature):
            out[key] = _sequence(example, key, spec, caller)
        elif isinstance(spec, VarLenFeature):
            name = _dtype(spec.dtype, caller)
            out[key] = (_values(example, key, name) or [], name)
        elif isinstance(spec, SparseFeature):
            out[key] = _sparse_feature(example, key, spec, caller)
        elif isinstance(spec, RaggedFeature):
            out[key] = _ragged_feature(example, key, spec, caller)
        else:
            raise TypeError(f"`{caller}`: unsupported feature type for {key!r}: {spec!r}; "
                            "use tf.io.FixedLenFeature, tf.io.VarLenFeature, "
                            "tf.io.SparseFeature, tf.io.RaggedFeature or "
                            "tf.io.FixedLenSequenceFeature.")
    return out


def _leaf(value: Any) -> Any:
    return with_numpy(value) if isinstance(value, np.ndarray) else value


def _check_features(features: Any, caller: str) -> Dict[str, Any]:
    if not isinstance(features, dict) or not features:
        raise ValueError(f"`{caller}`: `features` must be a non-empty dict of feature "
                         f"configurations; received: features={features!r}")
    return features


def parse_single_example(serialized: Any, features: Dict[str, Any],
                         example_names: Any = None, name: Optional[str] = None) -> Dict[str, Any]:
    """One serialized ``tf.train.Example`` parsed to ``{key: tensor}`` as ``features``
    describes."""
    caller = "tf.io.parse_single_example"
    parsed = _parse_one(Example.FromString(_record(serialized)),
                        _check_features(features, caller), caller)
    out = {}
    for key, value in parsed.items():
        if isinstance(features[key], SparseFeature):
            indices, values, dtype_name = value
            sizes = _sizes(features[key])
            out[key] = SparseTensor(torch.tensor(indices, dtype=torch.int64).reshape(
                -1, len(sizes)), _leaf(_array(values, dtype_name, [len(values)])), sizes)
        elif isinstance(value, tuple):
            values, dtype_name = value
            out[key] = SparseTensor(torch.arange(len(values)).reshape(-1, 1),
                                    _leaf(_array(values, dtype_name, [len(values)])),
                                    [len(values)], static_shape=[None])
        else:
            out[key] = _leaf(value)
    return out


def _pad(rows: List[Any], spec: Any) -> Any:
    """``FixedLenSequenceFeature`` rows padded to the longest with the default value."""
    longest = max(row.shape[0] for row in rows)
    fill = 0 if spec.default_value is None else spec.default_value
    padded = []
    for row in rows:
        missing = longest - row.shape[0]
        if isinstance(row, np.ndarray):
            pad = np.full((missing,) + row.shape[1:], fill if spec.default_value is not None
                          else b"", dtype=object)
            padded.append(np.concatenate([row, pad]))
        else:
            pad = torch.full((missing,) + tuple(row.shape[1:]), fill, dtype=row.dtype)
            padded.append(torch.cat([row, pad]))
    return np.stack(padded) if isinstance(rows[0], np.ndarray) else torch.stack(padded)


def parse_example(serialized: Any, features: Dict[str, Any], example_names: Any = None,
                  name: Optional[str] = None) -> Dict[str, Any]:
    """A vector of serialized examples parsed to batched ``{key: tensor}``: ``VarLenFeature``
    gives a ``SparseTensor`` of ``dense_shape [batch, longest]``."""
    caller = "tf.io.parse_example"
    features = _check_features(features, caller)
    records = [_record(r) for r in np.asarray(serialized, dtype=object).reshape(-1)] \
        if not isinstance(serialized, (bytes, str)) else [_record(serialized)]
    parsed = [_parse_one(Example.FromString(r), features, caller) for r in records]
    out: Dict[str, Any] = {}
    for key, spec in features.items():
        rows = [p[key] for p in parsed]
        if isinstance(spec, VarLenFeature):
            dtype_name = _dtype(spec.dtype, caller)
            indices = [[b, i] for b, (values, _) in enumerate(rows) for i in range(len(values))]
            flat = [v for values, _ in rows for v in values]
            longest = max((len(values) for values, _ in rows), default=0)
            out[key] = SparseTensor(torch.tensor(indices, dtype=torch.int64).reshape(-1, 2),
                                    _leaf(_array(flat, dtype_name, [len(flat)])),
                                    [len(rows), longest], static_shape=[len(rows), None])
        elif isinstance(spec, SparseFeature):
            sizes = _sizes(spec)
            indices = [[b] + i for b, (found, _, _) in enumerate(rows) for i in found]
            flat = [v for _, values, _ in rows for v in values]
            values = _leaf(_array(flat, _dtype(spec.dtype, caller), [len(flat)]))
            out[key] = SparseTensor(torch.tensor(indices, dtype=torch.int64).reshape(
                -1, 1 + len(sizes)), values, [len(rows)] + sizes)
        elif isinstance(spec, RaggedFeature):
            out[key] = RaggedTensor(rows)
        elif not rows:
            shape = [0] + [int(d) for d in spec.shape]
            out[key] = _leaf(_array([], _dtype(spec.dtype, caller), shape))
        elif isinstance(spec, FixedLenSequenceFeature):
            out[key] = _leaf(_pad(rows, spec))
        else:
            out[key] = _leaf(np.stack(rows) if isinstance(rows[0], np.ndarray)
                             else torch.stack(rows))
    return out


# ------------------------------------------------------------------ TensorProto
_DT = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
       7: "string", 9: "int64", 10: "bool", 17: "uint16", 19: "float16", 22: "uint32",
       23: "uint64"}
_DT_NUMBER = {v: k for k, v in _DT.items()}


def _tensor_value(tensor: Any) -> Any:
    """(numpy array, dtype name) of a torch tensor, NumPy array or Python value."""
    if isinstance(tensor, torch.Tensor):
        return tensor.detach().cpu().numpy(), dtypes.standardize_dtype(tensor.dtype)
    array = np.asarray(tensor)
    if array.dtype.kind in "USO":
        return array, "string"
    if isinstance(tensor, (int, float, bool, list)) and array.dtype.kind in "if":
        array = array.astype(np.int32 if array.dtype.kind == "i" else np.float32)
    return array, array.dtype.name


def serialize_tensor(tensor: Any, name: Optional[str] = None) -> Any:
    """``tf.io.serialize_tensor``: a ``TensorProto`` in TF's wire format (``bytes``)."""
    array, dtype_name = _tensor_value(tensor)
    if dtype_name not in _DT_NUMBER:
        raise ValueError(f"`tf.io.serialize_tensor`: unsupported dtype {dtype_name}.")
    shape = b"".join(wire.length_delimited(2, wire.key(1, wire.VARINT) + wire.varint(d)
                                           if d else b"") for d in array.shape)
    out = wire.key(1, wire.VARINT) + wire.varint(_DT_NUMBER[dtype_name]) + \
        wire.length_delimited(2, shape)
    if dtype_name == "string":
        out += b"".join(wire.length_delimited(8, v.encode("utf-8") if isinstance(v, str)
                                              else bytes(v)) for v in array.reshape(-1).tolist())
    elif array.size:
        out += wire.length_delimited(4, np.ascontiguousarray(array).astype(
            array.dtype.newbyteorder("<")).tobytes())
    return with_numpy(out)


def parse_tensor(serialized: Any, out_type: Any, name: Optional[str] = None) -> Any:
    """``tf.io.parse_tensor``: the tensor of a serialized ``TensorProto``; ``out_type`` must
    be its dtype."""
    dtype_number, shape, content, strings, typed = 0, [], None, [], []
    for field, wire_type, value in wire.fields(_record(serialized)):
        if field == 1:
            dtype_number = value
        elif field == 2:
            for dim_field, _, dim in wire.fields(value):
                if dim_field == 2:
                    size = [v for f, _, v in wire.fields(dim) if f == 1]
                    shape.append(wire.signed64(size[0]) if size else 0)
        elif field == 4:
            content = value
        elif field == 8:
            strings.append(value)
        elif field in (5, 6, 7, 10, 11):  # float/double/int/int64/bool _val
            typed.append((field, wire_type, value))
    dtype_name = _DT.get(dtype_number)
    expected = "string" if out_type is string or getattr(out_type, "name", None) == \
        "string" else dtypes.standardize_dtype(out_type)
    if dtype_name != expected:
        raise ValueError(f"Type mismatch between parsed tensor ({dtype_name}) and dtype "
                         f"({expected})")
    size = int(np.prod(shape, dtype=np.int64))
    if dtype_name == "string":
        array = np.empty(len(strings), dtype=object)
        array[:] = strings
        return with_numpy(array.reshape(shape) if shape else array[0])
    numpy_dtype = np.dtype(dtype_name).newbyteorder("<")
    if content is not None:
        array = np.frombuffer(content, dtype=numpy_dtype)
    else:
        values = _typed_values(typed, dtype_name)
        array = np.asarray(values if len(values) != 1 else values * size, dtype=numpy_dtype)
    return torch.from_numpy(array.astype(np.dtype(dtype_name)).reshape(shape))


def _typed_values(typed: List[Any], dtype_name: str) -> List[Any]:
    values: List[Any] = []
    for field, wire_type, value in typed:
        if wire_type == wire.LENGTH:
            if field == 5:
                values += wire.unpack_floats(value)
            elif field == 6:
                values += np.frombuffer(value, "<f8").tolist()
            else:
                values += wire.unpack_varints(value)
        elif wire_type == wire.FIXED32:
            values += wire.unpack_floats(value)
        elif wire_type == wire.FIXED64:
            values += np.frombuffer(value, "<f8").tolist()
        else:
            values.append(wire.signed64(value))
    return values


def decode_raw(input_bytes: Any, out_type: Any, little_endian: bool = True,
               fixed_length: Optional[int] = None, name: Optional[str] = None) -> torch.Tensor:
    """``tf.io.decode_raw``: each string's bytes reinterpreted as ``out_type`` numbers (a
    trailing dimension; a vector of strings must give equal lengths)."""
    numpy_dtype = np.dtype(dtypes.standardize_dtype(out_type))
    numpy_dtype = numpy_dtype.newbyteorder("<" if little_endian else ">")
    records = np.asarray(input_bytes, dtype=object)
    rows = []
    for record in records.reshape(-1).tolist():
        data = record.encode("utf-8") if isinstance(record, str) else bytes(record)
        if fixed_length is not None:
            data = data[:fixed_length].ljust(fixed_length, b"\0")
        if len(data) % numpy_dtype.itemsize:
            raise ValueError(f"`tf.io.decode_raw`: input to DecodeRaw has length {len(data)} "
                             f"that is not a multiple of {numpy_dtype.itemsize}, the size of "
                             f"{numpy_dtype.name}")
        rows.append(np.frombuffer(data, dtype=numpy_dtype).astype(numpy_dtype.newbyteorder("=")))
    if len({row.size for row in rows}) > 1:
        raise ValueError("`tf.io.decode_raw`: DecodeRaw requires input strings to all be the "
                         f"same size, received sizes {[row.size for row in rows]}")
    stacked = np.stack(rows) if rows else np.zeros((0, 0), numpy_dtype.newbyteorder("="))
    return torch.from_numpy(stacked.reshape(records.shape + (-1,)).copy())
