"""``tf.lookup``: key -> value tables tutorials build for ``Dataset.map`` (vocabularies).

Keys and string values are NumPy ``str``/``bytes`` arrays (torch has no string tensors) or
integer tensors; results have the keys' shape: torch tensors for numbers, NumPy ``str``
arrays for strings (as ``tf.strings``). Out-of-vocabulary buckets hash as TensorFlow does,
``Fingerprint64(key) % num_oov_buckets`` (integer keys hashed as their decimal strings).
A table is a Python dict, built once when the table is created (TF's eager behaviour).
"""
from __future__ import annotations

from typing import Any, Dict, Hashable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.data.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError
from torchkeras.data.ragged import RaggedTensor
from torchkeras.data.structure import TensorSpec, spec_of, string, to_leaf, with_numpy
from torchkeras.layers import farmhash

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable",
           "TextFileIndex", "TextFileInitializer"]

_TEXT = "tf.lookup.TextFileInitializer"
_INTEGER = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


# ----------------------------------------------------------------------------- dtypes
def dtype_name(dtype: Any) -> str:
    """``'string'`` for ``tf.string``/``str``/``bytes``, else the Keras dtype name."""
    if dtype is string or dtype is str or dtype is bytes or \
            getattr(dtype, "name", None) == "string" or dtype == "string":
        return "string"
    return config.standardize_dtype(dtype)


def public_dtype(name: str) -> Any:
    """``tf.string`` or the torch dtype, as ``TensorSpec.dtype`` gives them."""
    return string if name == "string" else config.torch_dtype(name)


def tf_repr(name: str) -> str:
    """A dtype as TensorFlow prints it in messages: ``<dtype: 'string'>``."""
    return f"<dtype: '{name}'>"


def value_dtype_of(value: Any) -> str:
    """The dtype name of a key/value argument (a leaf, a ragged tensor or Python data)."""
    if isinstance(value, RaggedTensor):
        rows = [row for row in value if not isinstance(row, RaggedTensor)]
        nested = [row for row in value if isinstance(row, RaggedTensor)]
        if rows:
            return value_dtype_of(rows[0])
        return value_dtype_of(nested[0]) if nested else "float32"
    return spec_of(to_leaf(value)).dtype_name


def convert(value: Any, dtype: Optional[str], where: str) -> Any:
    """``value`` as a leaf of ``dtype`` (None: as ``tf.constant`` types it)."""
    leaf = to_leaf(value)
    if dtype is None:
        return leaf
    actual = spec_of(leaf).dtype_name
    if dtype == "string" or actual == "string":
        if dtype != actual:
            raise TypeError(f"`{where}`: cannot convert {value!r} to a tensor of dtype "
                            f"{tf_repr(dtype)} (its dtype is {tf_repr(actual)}).")
        return leaf
    if actual.startswith("float") and dtype in _INTEGER:
        numbers = leaf.reshape(-1).tolist()
        if any(float(n) != int(n) for n in numbers):
            raise TypeError(f"`{where}`: Cannot convert {value!r} to EagerTensor of dtype "
                            f"{dtype}")
    return leaf.to(config.torch_dtype(dtype))


def _hashable(item: Any) -> Hashable:
    """A dict key: strings as UTF-8 bytes (``str`` and ``bytes`` keys are the same TF
    string), numbers as Python numbers."""
    if isinstance(item, str):
        return item.encode("utf-8")
    if isinstance(item, (bytes, np.bytes_)):
        return bytes(item)
    return item.item() if hasattr(item, "item") else item


def flat_keys(leaf: Any) -> Tuple[List[Hashable], Tuple[int, ...]]:
    """The items of a key leaf as dict keys, and the leaf's shape."""
    if isinstance(leaf, torch.Tensor):
        return leaf.reshape(-1).tolist(), tuple(leaf.shape)
    array = np.asarray(leaf, dtype=object)
    return [_hashable(item) for item in array.reshape(-1)], array.shape


def _shown(key: Hashable) -> str:
    return key.decode("utf-8", errors="replace") if isinstance(key, bytes) else str(key)


def _as_strings(keys: Sequence[Hashable]) -> np.ndarray:
    """Keys as the strings TensorFlow hashes (``tf.strings.as_string`` of integers)."""
    out = np.empty(len(keys), dtype=object)
    out[:] = [key if isinstance(key, bytes) else str(key).encode("utf-8") for key in keys]
    return out


# ----------------------------------------------------------------------------- initializers
class _KeyValueDtypes:
    """``key_dtype`` / ``value_dtype`` as TF shows them (initializers and tables share them)."""

    def __init__(self, key_dtype: str, value_dtype: str) -> None:
        self._key_dtype = key_dtype
        self._value_dtype = value_dtype

    @property
    def key_dtype(self) -> Any:
        return public_dtype(self._key_dtype)

    @property
    def value_dtype(self) -> Any:
        return public_dtype(self._value_dtype)


class TableInitializerBase(_KeyValueDtypes):
    """A source of (key, value) pairs with fixed dtypes."""

    def pairs(self) -> Tuple[List[Hashable], List[Any]]:
        """The keys (dict keys) and values (Python numbers or ``str``) in order."""
        raise NotImplementedError


def _values_list(leaf: Any) -> List[Any]:
    if isinstance(leaf, torch.Tensor):
        return leaf.reshape(-1).tolist()
    return [item.decode("utf-8", errors="surrogateescape") if isinstance(item, bytes)
            else str(item) for item in np.asarray(leaf, dtype=object).reshape(-1)]


class KeyValueTensorInitializer(TableInitializerBase):
    """Pairs from a tensor of keys and a tensor of values (``tf.lookup``)."""

    def __init__(self, keys: Any, values: Any, key_dtype: Any = None, value_dtype: Any = None,
                 name: Optional[str] = None) -> None:
        where = "tf.lookup.KeyValueTensorInitializer"
        self._keys = convert(keys, None if key_dtype is None else dtype_name(key_dtype), where)
        self._values = convert(values, None if value_dtype is None else dtype_name(value_dtype),
                               where)
        self.name = name
        super().__init__(spec_of(self._keys).dtype_name, spec_of(self._values).dtype_name)

    def pairs(self) -> Tuple[List[Hashable], List[Any]]:
        keys, _ = flat_keys(self._keys)
        values = _values_list(self._values)
        if len(keys) != len(values):
            raise InvalidArgumentError(f"`tf.lookup.KeyValueTensorInitializer`: Expected "
                                       f"shape [{len(keys)}] for value, got "
                                       f"[{len(values)}]")
        return keys, values


class TextFileIndex:
    """Which part of a line is the key or the value: a column (``>= 0``) or these."""
    WHOLE_LINE = -2
    LINE_NUMBER = -1


def _parse(field: bytes, dtype: str, line: int) -> Any:
    text = field.decode("utf-8", errors="surrogateescape")
    if dtype == "string":
        return field
    try:
        return int(text) if dtype in _INTEGER else float(text)
    except ValueError:
        raise InvalidArgumentError(f"`{_TEXT}`: Field {text} in line {line} is not a valid "
                                   f"{dtype}.") from None


class TextFileInitializer(TableInitializerBase):
    """Pairs from a text file, one per line: the whole line, its number or a column split
    by ``delimiter`` (``tf.lookup``)."""

    def __init__(self, filename: Any, key_dtype: Any, key_index: int, value_dtype: Any,
                 value_index: int, vocab_size: Optional[int] = None, delimiter: str = "\t",
                 name: Optional[str] = None, value_index_offset: int = 0) -> None:
        if not filename:
            raise ValueError(f"`{_TEXT}`: `filename` argument required for "
                             "tf.lookup.TextFileInitializer")
        key_dtype, value_dtype = dtype_name(key_dtype), dtype_name(value_dtype)
        for role, index, dtype in (("key", key_index, key_dtype),
                                   ("value", value_index, value_dtype)):
            if index < -2:
                raise ValueError(f"`{_TEXT}`: `{role}_index` should be >= -2, received: "
                                 f"{index}.")
            if index == TextFileIndex.LINE_NUMBER and dtype != "int64":
                link = "if `key_index` is" if role == "key" else "for `value_index`"
                raise ValueError(f"`{_TEXT}`: `{role}_dtype` must be int64 {link} "
                                 f"{TextFileIndex.LINE_NUMBER}, received: {tf_repr(dtype)}")
            if index == TextFileIndex.WHOLE_LINE and dtype not in _INTEGER + ("string",):
                raise ValueError(f"`{_TEXT}`: `{role}_dtype` should be either integer or "
                                 "string for "
                                 f"`{role}_index` {TextFileIndex.WHOLE_LINE}, received: "
                                 f"{tf_repr(dtype)}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`{_TEXT}`: `vocab_size` should be > 0, received: "
                             f"{vocab_size}")
        self.filename = str(filename.decode() if isinstance(filename, bytes) else filename)
        self.key_index, self.value_index = int(key_index), int(value_index)
        self.vocab_size, self.delimiter, self.name = vocab_size, delimiter, name
        self.value_index_offset = int(value_index_offset)
        super().__init__(key_dtype, value_dtype)

    def _field(self, line: bytes, number: int, index: int, dtype: str) -> Any:
        if index == TextFileIndex.LINE_NUMBER:
            return number
        if index == TextFileIndex.WHOLE_LINE:
            return _parse(line, dtype, number)
        columns = line.split(self.delimiter.encode("utf-8"))
        if index >= len(columns):
            raise InvalidArgumentError(
                f"`{_TEXT}`: Invalid number of columns in {self.filename} line {number} "
                f"({line.decode('utf-8', errors='replace')}) : expected at least {index + 1} "
                f"got {len(columns)}")
        return _parse(columns[index], dtype, number)

    def _lines(self) -> List[bytes]:
        try:
            with open(self.filename, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise NotFoundError(f"`{_TEXT}`: {self.filename}; No such file or "
                                "directory") from None
        lines, position = [], 0
        for raw in data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n"):
            position += len(raw) + 1
            line = raw[:-1] if raw.endswith(b"\r") else raw
            if self.vocab_size is not None and len(lines) == self.vocab_size:
                break
            if not line:
                raise InvalidArgumentError(f"`{_TEXT}`: Invalid content in {self.filename}: "
                                           "empty line "
                                           f"found at position {position}.")
            lines.append(line)
        if self.vocab_size is not None and len(lines) != self.vocab_size:
            raise InvalidArgumentError(f"`{_TEXT}`: Invalid vocab_size in {self.filename}: "
                                       "expected "
                                       f"{self.vocab_size} but got {len(lines)}")
        return lines

    def pairs(self) -> Tuple[List[Hashable], List[Any]]:
        keys, values = [], []
        for number, line in enumerate(self._lines()):
            keys.append(self._field(line, number, self.key_index, self._key_dtype))
            value = self._field(line, number, self.value_index, self._value_dtype)
            if self.value_index == TextFileIndex.LINE_NUMBER:
                value += self.value_index_offset
            values.append(value.decode("utf-8", errors="surrogateescape")
                          if isinstance(value, bytes) else value)
        return keys, values


# ----------------------------------------------------------------------------- tables
def check_keys(keys: Any, expected: str, where: str) -> None:
    """TF's key dtype check (keys of another dtype are never cast)."""
    actual = value_dtype_of(keys)
    if actual != expected:
        raise TypeError(f"`{where}`: Dtype of argument `keys` must be {tf_repr(expected)}, "
                        f"received: {tf_repr(actual)}")


def map_keys(keys: Any, fn: Any) -> Any:
    """``fn(leaf)`` on each dense piece of ``keys`` (each row of a ragged tensor)."""
    if isinstance(keys, RaggedTensor):
        return RaggedTensor([map_keys(row, fn) for row in keys])
    return fn(to_leaf(keys))


def result(values: List[Any], shape: Tuple[int, ...], dtype: str) -> Any:
    """Looked-up values with the keys' shape: a tensor, or NumPy ``str`` for strings."""
    if dtype == "string":
        array = np.asarray(values, dtype=object).reshape(shape)
        if array.ndim == 0:
            return with_numpy(str(array[()]))
        return with_numpy(array.astype(str) if array.size else np.zeros(shape, dtype="<U1"))
    return torch.tensor(values, dtype=config.torch_dtype(dtype)).reshape(shape)


class LookupInterface(_KeyValueDtypes):
    """A table with ``key_dtype``, ``value_dtype``, ``lookup``, ``size`` and ``[]``."""

    def __init__(self, key_dtype: str, value_dtype: str, name: Optional[str] = None) -> None:
        super().__init__(key_dtype, value_dtype)
        self.name = name

    def lookup(self, keys: Any, name: Optional[str] = None) -> Any:
        raise NotImplementedError

    def size(self, name: Optional[str] = None) -> torch.Tensor:
        raise NotImplementedError

    def __getitem__(self, keys: Any) -> Any:
        return self.lookup(keys)


class DictTable(LookupInterface):
    """A table held in a Python dict, looked up with a default value."""

    def __init__(self, key_dtype: str, value_dtype: str, default_value: Any,
                 name: Optional[str], where: str) -> None:
        super().__init__(key_dtype, value_dtype, name)
        self._where = where
        self._table: Dict[Hashable, Any] = {}
        default = convert(default_value, value_dtype, where)
        self._default = _values_list(default)[0]

    @property
    def default_value(self) -> Any:
        return result([self._default], (), self._value_dtype)

    def lookup(self, keys: Any, name: Optional[str] = None) -> Any:
        """The value of each key (``default_value`` for missing keys), keys' shape."""
        check_keys(keys, self._key_dtype, f"{self._where}.lookup")

        def find(leaf: Any) -> Any:
            flat, shape = flat_keys(leaf)
            return result([self._table.get(key, self._default) for key in flat], shape,
                          self._value_dtype)
        return map_keys(keys, find)

    def size(self, name: Optional[str] = None) -> torch.Tensor:
        return torch.tensor(len(self._table), dtype=torch.int64)

    def export(self, name: Optional[str] = None) -> Tuple[Any, Any]:
        """All keys and values (in insertion order; TF's order is its hash order)."""
        keys = list(self._table)
        if self._key_dtype == "string":
            key_out = result([_shown(key) for key in keys], (len(keys),), "string")
        else:
            key_out = result(keys, (len(keys),), self._key_dtype)
        return key_out, result(list(self._table.values()), (len(keys),), self._value_dtype)


class StaticHashTable(DictTable):
    """An immutable table filled from an initializer (``tf.lookup.StaticHashTable``)."""

    def __init__(self, initializer: TableInitializerBase, default_value: Any,
                 name: Optional[str] = None, experimental_is_anonymous: bool = False) -> None:
        if not isinstance(initializer, TableInitializerBase):
            raise TypeError("`tf.lookup.StaticHashTable` expects a table initializer "
                            "(`tf.lookup.KeyValueTensorInitializer`, `TextFileInitializer`), "
                            f"received: {type(initializer).__name__}.")
        initializer_key = dtype_name(initializer.key_dtype)
        initializer_value = dtype_name(initializer.value_dtype)
        super().__init__(initializer_key, initializer_value, default_value, name,
                         "tf.lookup.StaticHashTable")
        self._initializer = initializer
        keys, values = initializer.pairs()
        for key, value in zip(keys, values):
            if key in self._table and self._table[key] != value:
                raise FailedPreconditionError(
                    f"`tf.lookup.StaticHashTable`: HashTable has different value for same "
                    f"key. Key {_shown(key)} has "
                    f"{self._table[key]} and trying to add value {value}")
            self._table[key] = value

    @property
    def initializer(self) -> TableInitializerBase:
        return self._initializer


class HasherSpec(tuple):
    """The hash of out-of-vocabulary buckets: ``("fasthash", None)`` (Fingerprint64) or
    ``("stronghash", (k0, k1))`` (SipHash-2-4)."""

    def __new__(cls, hasher: str, key: Optional[Sequence[int]] = None) -> "HasherSpec":
        return super().__new__(cls, (hasher, key))

    @property
    def hasher(self) -> str:
        return self[0]

    @property
    def key(self) -> Optional[Sequence[int]]:
        return self[1]


FastHashSpec = HasherSpec("fasthash", None)


def StrongHashSpec(key: Sequence[int]) -> HasherSpec:  # noqa: N802 (TF's class name)
    """A keyed SipHash spec: ``key`` is two unsigned integers."""
    if len(key) != 2:
        raise ValueError(f"`key` must have size 2, received {len(key)}")
    if not all(isinstance(k, (int, np.integer)) for k in key):
        raise TypeError(f"Invalid key {key}. Must be unsigned integer values.")
    return HasherSpec("stronghash", tuple(int(k) for k in key))


def hash_buckets(keys: Sequence[Hashable], num_buckets: int, hasher_spec: HasherSpec,
                 where: str) -> np.ndarray:
    """TF's ``string_to_hash_bucket_fast``/``_strong`` of the keys as strings: int64."""
    strings = _as_strings(keys)
    if hasher_spec.hasher == "fasthash":
        hashes = farmhash.fingerprint64(strings)
    elif hasher_spec.hasher == "stronghash":
        hashes = farmhash.siphash(strings, hasher_spec.key)
    else:
        raise ValueError(f"`{where}`: Found unknown hasher {hasher_spec.hasher} in "
                         "`hasher_spec` (torchkeras hashes with 'fasthash' or 'stronghash').")
    return (hashes % np.uint64(num_buckets)).astype(np.int64)


class IdTableWithHashBuckets(LookupInterface):
    """Ids from a table (int64 values) and, for keys it lacks, ``size + hash % buckets``."""

    def __init__(self, table: Optional[DictTable], num_oov_buckets: int,
                 hasher_spec: HasherSpec = FastHashSpec, key_dtype: Any = None,
                 name: Optional[str] = None,
                 where: str = "tf.lookup.experimental.IdTableWithHashBuckets") -> None:
        lookup_dtype = dtype_name(key_dtype) if key_dtype is not None else \
            (dtype_name(table.key_dtype) if table is not None else "string")
        if table is not None:
            table_key = dtype_name(table.key_dtype)
            if table_key not in ("int64", "string"):
                raise TypeError(f"`{where}`: Invalid `key_dtype`, expected one of "
                                f"({tf_repr('int64')}, {tf_repr('string')}), but got "
                                f"{tf_repr(table_key)}.")
            if (table_key in _INTEGER) != (lookup_dtype in _INTEGER):
                kind = "integer" if lookup_dtype in _INTEGER else "non-integer"
                raise TypeError(f"`{where}`: Invalid `key_dtype`, expected {kind} but got "
                                f"{tf_repr(table_key)}.")
            if dtype_name(table.value_dtype) != "int64":
                raise TypeError(f"`{where}`: Invalid `value_dtype`, expected "
                                f"{tf_repr('int64')} but got "
                                f"{tf_repr(dtype_name(table.value_dtype))}.")
        if lookup_dtype not in _INTEGER + ("string",):
            raise TypeError(f"`{where}`: Invalid `key_dtype`, expected integer or string, "
                            f"got {tf_repr(lookup_dtype)}")
        if not isinstance(hasher_spec, HasherSpec):
            raise TypeError(f"`{where}`: `hasher_spec` must be of type HasherSpec, got "
                            f"{type(hasher_spec).__name__}.")
        super().__init__(lookup_dtype, "int64", name)
        self._table, self._buckets, self._hasher = table, int(num_oov_buckets), hasher_spec
        self._where = where

    def size(self, name: Optional[str] = None) -> torch.Tensor:
        base = int(self._table.size()) if self._table is not None else 0
        return torch.tensor(base + self._buckets, dtype=torch.int64)

    def lookup(self, keys: Any, name: Optional[str] = None) -> Any:
        """The table's id of each key, or an out-of-vocabulary bucket id."""
        check_keys(keys, self._key_dtype, f"{self._where}.lookup")
        return map_keys(keys, self._find)

    def _find(self, leaf: Any) -> torch.Tensor:
        if isinstance(leaf, torch.Tensor) and self._table is not None:
            leaf = leaf.to(torch.int64)  # lookup dtype int32 -> the table's int64
        if self._table is not None and self._buckets == 0:
            return self._table.lookup(leaf)
        flat, shape = flat_keys(leaf)
        if self._table is None:
            ids, missing, offset = np.zeros(len(flat), dtype=np.int64), \
                np.ones(len(flat), dtype=bool), 0
        else:
            ids = self._table.lookup(leaf).numpy().reshape(-1).astype(np.int64)
            missing = ids == int(self._table.default_value)
            offset = int(self._table.size())
        if missing.any():
            chosen = [key for key, m in zip(flat, missing) if m]
            ids[missing] = hash_buckets(chosen, self._buckets, self._hasher, self._where) + offset
        return torch.from_numpy(ids.reshape(shape))


class StaticVocabularyTable(IdTableWithHashBuckets):
    """A vocabulary (int64 ids) with ``num_oov_buckets`` hash buckets for other keys
    (``tf.lookup.StaticVocabularyTable``)."""

    def __init__(self, initializer: Optional[TableInitializerBase], num_oov_buckets: int,
                 lookup_key_dtype: Any = None, name: Optional[str] = None,
                 experimental_is_anonymous: bool = False) -> None:
        where = "tf.lookup.StaticVocabularyTable"
        if num_oov_buckets <= 0:
            raise ValueError(f"`{where}`: `num_oov_buckets` must be > 0; use "
                             f"StaticHashTable. Received: num_oov_buckets={num_oov_buckets}")
        table = None
        if initializer is not None:
            init_key, init_value = (dtype_name(initializer.key_dtype),
                                    dtype_name(initializer.value_dtype))
            if init_key not in ("int64", "string"):
                raise TypeError(f"`{where}`: Invalid `key_dtype`, expected one of "
                                f"({tf_repr('int64')}, {tf_repr('string')}), but got "
                                f"{tf_repr(init_key)}.")
            if init_value != "int64":
                raise TypeError(f"`{where}`: Invalid `value_dtype`, expected "
                                f"{tf_repr('int64')} but got {tf_repr(init_value)}.")
            table = StaticHashTable(initializer, -1)
        super().__init__(table, num_oov_buckets, FastHashSpec, lookup_key_dtype, name, where)

    @property
    def initializer(self) -> Optional[TableInitializerBase]:
        return self._table.initializer if self._table is not None else None


# ----------------------------------------------------------------------------- mutable
class MutableHashTable(DictTable):
    """A table filled by ``insert`` and emptied by ``remove``
    (``tf.lookup.experimental.MutableHashTable``)."""

    _WHERE = "tf.lookup.experimental.MutableHashTable"

    def __init__(self, key_dtype: Any, value_dtype: Any, default_value: Any,
                 name: str = "MutableHashTable", checkpoint: bool = True,
                 experimental_is_anonymous: bool = False) -> None:
        super().__init__(dtype_name(key_dtype), dtype_name(value_dtype), default_value, name,
                         self._WHERE)

    def _keys(self, keys: Any, method: str) -> List[Hashable]:
        check_keys(keys, self._key_dtype, f"{self._where}.{method}")
        return flat_keys(to_leaf(keys))[0]

    def insert(self, keys: Any, values: Any, name: Optional[str] = None) -> None:
        """Sets ``table[key] = value`` for each pair (same shapes)."""
        flat = self._keys(keys, "insert")
        value_list = _values_list(convert(values, self._value_dtype, f"{self._where}.insert"))
        if len(flat) != len(value_list):
            raise InvalidArgumentError(f"`{self._where}.insert`: Expected shape [{len(flat)}] "
                                       f"for value, got [{len(value_list)}]")
        self._table.update(zip(flat, value_list))

    def remove(self, keys: Any, name: Optional[str] = None) -> None:
        """Removes the keys (missing keys are ignored)."""
        for key in self._keys(keys, "remove"):
            self._table.pop(key, None)


class DenseHashTable(MutableHashTable):
    """``tf.lookup.experimental.DenseHashTable``: a mutable table whose ``empty_key`` and
    ``deleted_key`` may not be inserted or looked up."""

    _WHERE = "tf.lookup.experimental.DenseHashTable"

    def __init__(self, key_dtype: Any, value_dtype: Any, default_value: Any, empty_key: Any,
                 deleted_key: Any, initial_num_buckets: Optional[int] = None,
                 name: str = "MutableDenseHashTable", checkpoint: bool = True,
                 experimental_is_anonymous: bool = False) -> None:
        super().__init__(key_dtype, value_dtype, default_value, name)
        self._reserved = {"empty_key": flat_keys(to_leaf(empty_key))[0][0],
                          "deleted_key": flat_keys(to_leaf(deleted_key))[0][0]}
        if self._reserved["empty_key"] == self._reserved["deleted_key"]:
            raise InvalidArgumentError(f"`{self._WHERE}`: Empty and deleted keys must have "
                                       "different values.")

    def _keys(self, keys: Any, method: str) -> List[Hashable]:
        flat = super()._keys(keys, method)
        for role, reserved in self._reserved.items():
            if reserved in flat:
                label = "Empty" if role == "empty_key" else "Deleted"
                raise InvalidArgumentError(f"`{self._where}.{method}`: Using the {label.lower()}"
                                           f" key as a table key is not allowed ({label} key: "
                                           f"{_shown(reserved)}).")
        return flat

    def lookup(self, keys: Any, name: Optional[str] = None) -> Any:
        self._keys(keys, "lookup")
        return super().lookup(keys, name)


# ``tf.lookup.experimental``
EXPERIMENTAL_MEMBERS = {"DenseHashTable": DenseHashTable, "MutableHashTable": MutableHashTable}


def dataset_spec_error(spec: Any) -> Optional[str]:
    """Why a dataset's ``element_spec`` is not (scalar key, scalar value), or None."""
    base = ("Datasets used to initialize lookup tables must produce elements in the form "
            "(key, value), where the keys and values are scalar tensors. ")
    if not isinstance(spec, tuple):
        return base + f"However, the given dataset produces {spec} instead of two (key, value) " \
                      "components."
    if len(spec) != 2:
        return base + (f"However, the given dataset produces {len(spec)} components instead "
                       f"of two (key, value) components. Full dataset element spec: {spec}.")
    for role, component in (("key", spec[0]), ("value", spec[1])):
        if not isinstance(component, TensorSpec):
            return base + f"However, the given dataset produces non-Tensor {role}s of type " \
                          f"{type(component).__name__}."
        if component.shape is not None and len(component.shape) != 0:
            return base + f"However, the given dataset produces non-scalar {role} Tensors " \
                          f"of rank {len(component.shape)}."
    return None

