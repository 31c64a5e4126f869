"""``tf.data.experimental.SqlDataset``: the rows of an SQLite query as a dataset of scalar
tuples, through the standard library's ``sqlite3``.

Values convert as TF's SqlDataset converts them, with SQLite's own rules: integer types read
the column as a 64-bit integer (``CAST(... AS INTEGER)``: reals truncate, text takes its
numeric prefix, NULL is 0) and wrap to the type's width like TF's C++ cast; ``tf.bool`` is
"not 0"; ``tf.float64`` reads a double; ``tf.string`` the text bytes (numbers formatted by
SQLite, NULL ``b""``).

>>> ds = tf.data.experimental.SqlDataset("sqlite", "data.db", "SELECT id, name FROM t",
...                                      (tf.int32, tf.string))
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterator, List, Tuple

import numpy as np
import torch

from torchkeras.data.dataset import UNKNOWN, Dataset
from torchkeras.data.errors import InvalidArgumentError, UnknownError
from torchkeras.data.structure import TensorSpec, string
from torchkeras.data.tfrecord import file_path

__all__ = ["SqlDataset"]

_INTEGERS = {torch.int8: np.int8, torch.int16: np.int16, torch.int32: np.int32,
             torch.int64: np.int64, torch.uint8: np.uint8, torch.uint16: np.uint16}
_SUPPORTED = ("DT_STRING, DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_BOOL, "
              "DT_DOUBLE")
_CASTS = {"string": "TEXT", "integer": "INTEGER", "double": "REAL"}


def _kind(dtype: Any) -> str:
    if dtype is string or getattr(dtype, "name", None) == "string" or dtype in (str, bytes):
        return "string"
    if dtype == torch.float64:
        return "double"
    if dtype == torch.bool or dtype in _INTEGERS:
        return "integer"
    raise InvalidArgumentError(f"Each element of `output_types_` must be one of: {_SUPPORTED} "
                               f"(received {dtype}).")


def _value(raw: Any, dtype: Any, kind: str) -> Any:
    """One SQLite value, already CAST by SQLite to ``kind``, as TF gives it."""
    if kind == "string":
        return b"" if raw is None else bytes(raw)
    if kind == "double":
        return torch.tensor(0.0 if raw is None else float(raw), dtype=torch.float64)
    number = 0 if raw is None else int(raw)
    if dtype == torch.bool:
        return torch.tensor(number != 0)
    wrapped = np.array(number & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64).astype(_INTEGERS[dtype])
    return torch.tensor(int(wrapped), dtype=dtype)  # TF's C++ narrowing cast (wraps)


class SqlDataset(Dataset):
    """``tf.data.experimental.SqlDataset(driver_name, data_source_name, query,
    output_types)``: one element per row; a tuple when ``output_types`` is a tuple."""

    def __init__(self, driver_name: str, data_source_name: Any, query: str,
                 output_types: Any) -> None:
        driver = driver_name.decode() if isinstance(driver_name, bytes) else str(driver_name)
        if driver != "sqlite":
            raise InvalidArgumentError(f"The database type, {driver}, is not supported by "
                                       "SqlDataset. The set of supported databases is: "
                                       "{'sqlite'}.")
        nested = isinstance(output_types, (tuple, list))
        types: List[Any] = list(output_types) if nested else [output_types]
        kinds = [_kind(dtype) for dtype in types]
        path = file_path(data_source_name)
        query = query.decode() if isinstance(query, bytes) else str(query)

        def make() -> Iterator[Any]:
            for row in _rows(path, query, kinds):
                values = tuple(_value(raw, dtype, kind)
                               for raw, dtype, kind in zip(row, types, kinds))
                yield values if nested else values[0]

        specs = tuple(TensorSpec((), string if kind == "string" else dtype)
                      for dtype, kind in zip(types, kinds))
        super().__init__(make, UNKNOWN, lambda: specs if nested else specs[0])


def _rows(path: str, query: str, kinds: List[str]) -> Iterator[Tuple[Any, ...]]:
    """The query's rows, each value CAST by SQLite to its column's kind."""
    try:  # read-only: a dataset never writes to the database
        connection = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise UnknownError(f"Failed to open database {path}: {error}") from None
    connection.text_factory = bytes
    try:
        try:
            cursor = connection.execute(query)
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", 1)  # SQLite's result code, as TF prints
            raise UnknownError(f"Prepare() failed: [{code}] {error}: {query}") from None
        columns = len(cursor.description or ())
        if columns != len(kinds):
            raise InvalidArgumentError(f"The number of columns in query ({columns}) must "
                                       "match the number of elements in output_types "
                                       f"({len(kinds)}).")
        cast = "SELECT " + ", ".join(f"CAST(?{i + 1} AS {_CASTS[k]})" for i, k in
                                     enumerate(kinds))
        for row in cursor:
            yield connection.execute(cast, row).fetchone()
    finally:
        connection.close()


def _uri_path(path: str) -> str:
    """``path`` quoted for an SQLite ``file:`` URI (``?`` and ``#`` would end the path)."""
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
