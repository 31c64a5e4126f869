"""CSV files as datasets: ``tf.data.experimental.CsvDataset`` (one tuple of scalars per
row, typed by ``record_defaults``) and ``make_csv_dataset`` (batches of
``(OrderedDict of columns, label)``, types inferred from the first rows as TF does)."""
from __future__ import annotations

import collections
import csv
import glob as _glob
import gzip
import io
import zlib
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.data.dataset import AUTOTUNE, UNKNOWN, Dataset
from torchkeras.data.structure import TensorSpec, string
from torchkeras.data.tfrecord import _compression, _filenames
from torchkeras.data.tfrecord import file_path as _path

__all__ = ["CsvDataset", "make_csv_dataset"]

_NUMBER_DTYPES = (torch.float32, torch.float64, torch.int32, torch.int64)


def _column(value: Any, index: int, caller: str) -> Tuple[Any, Any]:
    """(dtype: a torch dtype or ``string``, default or None when required) of one
    ``record_defaults`` entry: Python floats are float32, ints int32, strings tf.string;
    a dtype or an empty tensor marks a required column."""
    if value is string or value in (str, bytes) or getattr(value, "name", None) == "string":
        return string, None
    if isinstance(value, torch.dtype):
        if value not in _NUMBER_DTYPES:
            raise TypeError(f"`{caller}`: record_defaults[{index}] has unsupported dtype "
                            f"{value}; use float32, float64, int32, int64 or string.")
        return value, None
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"`{caller}`: record_defaults[{index}] is empty without a dtype; "
                             "pass `tf.constant([], dtype=...)` for a required column.")
        return _column(value[0], index, caller)
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray)
                                           and value.dtype.kind in "USO"):
        array = np.asarray(value, dtype=object).reshape(-1)
        if not array.size:
            return string, None
        item = array[0]
        return string, item.encode("utf-8") if isinstance(item, str) else bytes(item)
    if isinstance(value, bool):
        raise TypeError(f"`{caller}`: record_defaults[{index}] is a bool; CSV columns are "
                        "float32, float64, int32, int64 or string.")
    if isinstance(value, (int, float)):
        return (torch.float32 if isinstance(value, float) else torch.int32), value
    tensor = value if isinstance(value, torch.Tensor) else torch.from_numpy(np.asarray(value))
    if tensor.dtype not in _NUMBER_DTYPES:
        raise TypeError(f"`{caller}`: record_defaults[{index}] has unsupported dtype "
                        f"{tensor.dtype}; use float32, float64, int32, int64 or string.")
    return tensor.dtype, (tensor.reshape(-1)[0].item() if tensor.numel() else None)


def _open_text(filename: str, compression: str, encoding: str = "utf-8") -> Any:
    if compression == "GZIP":
        return gzip.open(filename, "rt", encoding=encoding, newline="")
    if compression == "ZLIB":
        with open(filename, "rb") as handle:
            return io.StringIO(zlib.decompress(handle.read()).decode(encoding), newline="")
    return open(filename, "r", encoding=encoding, newline="")


def _rows(filename: str, compression: str, header: bool, field_delim: str,
          use_quote_delim: bool) -> Iterator[Tuple[int, List[str]]]:
    """(record number, fields) of each row (an empty line is one empty field, as TF)."""
    dialect = dict(delimiter=field_delim, quotechar='"' if use_quote_delim else None,
                   quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    with _open_text(filename, compression) as handle:
        reader = csv.reader(handle, **dialect)
        if header:
            next(reader, None)
        for number, fields in enumerate(reader):
            yield number, fields or [""]


def _convert(field: str, dtype: Any, default: Any, column: int, record: int,
             filename: str, na_value: str) -> Any:
    if field == "" or field == na_value:
        if default is None:
            raise ValueError(f"Field {column} is required but missing in record {record}! "
                             f"(file {filename})")
        return default if dtype is string else torch.tensor(default, dtype=dtype)
    if dtype is string:
        return field.encode("utf-8")
    try:
        number = float(field) if dtype.is_floating_point else int(field)
    except ValueError:
        raise ValueError(f"Field {column} in record {record} is not a valid "
                         f"{str(dtype).replace('torch.', '')}: {field} (file {filename})") \
            from None
    return torch.tensor(number, dtype=dtype)


class CsvDataset(Dataset):
    """``tf.data.experimental.CsvDataset``: one tuple of scalars per CSV row."""

    def __init__(self, filenames: Any, record_defaults: Sequence[Any],
                 compression_type: Optional[str] = None, buffer_size: Optional[int] = None,
                 header: bool = False, field_delim: str = ",", use_quote_delim: bool = True,
                 na_value: str = "", select_cols: Optional[Sequence[int]] = None,
                 exclude_cols: Optional[Sequence[int]] = None,
                 name: Optional[str] = None) -> None:
        caller = "tf.data.experimental.CsvDataset"
        names = _filenames(filenames)
        compression = _compression(compression_type, caller)
        columns = [_column(v, i, caller) for i, v in enumerate(record_defaults)]
        if select_cols is not None and exclude_cols is not None:
            raise ValueError(f"`{caller}`: pass either select_cols or exclude_cols, not both.")
        if select_cols is not None:
            select_cols = [int(c) for c in select_cols]
            if select_cols != sorted(set(select_cols)):
                raise ValueError(f"`{caller}`: select_cols must be strictly increasing; "
                                 f"received: {select_cols}")
            if len(select_cols) != len(columns):
                raise ValueError(f"`{caller}`: select_cols has {len(select_cols)} columns but "
                                 f"record_defaults has {len(columns)}; they must match.")

        def make() -> Iterator[Any]:
            for filename in names:
                for record, fields in _rows(filename, compression, header, field_delim,
                                            use_quote_delim):
                    if select_cols is not None:
                        fields = [fields[i] if i < len(fields) else "" for i in select_cols]
                    elif exclude_cols is not None:
                        fields = [f for i, f in enumerate(fields) if i not in exclude_cols]
                    if len(fields) != len(columns):
                        raise ValueError(f"Expect {len(columns)} fields but have "
                                         f"{len(fields)} in record {record} (file {filename})")
                    yield tuple(_convert(field, dtype, default, i, record, filename, na_value)
                                for i, (field, (dtype, default)) in enumerate(zip(fields,
                                                                                  columns)))

        super().__init__(make, UNKNOWN, lambda: tuple(TensorSpec((), dtype)
                                                      for dtype, _ in columns))


# ------------------------------------------------------------------ make_csv_dataset
_INFER_ORDER = (torch.int32, torch.int64, torch.float32, torch.float64, string)


def _fits(field: str, dtype: Any) -> bool:
    try:
        if dtype in (torch.int32, torch.int64):
            value = int(field)
            bound = 2 ** 31 if dtype == torch.int32 else 2 ** 63
            return -bound <= value < bound
        value = float(field)
        return dtype == torch.float64 or abs(value) <= float(np.finfo(np.float32).max) or \
            value != value
    except ValueError:
        return False


def _infer_type(field: str, na_value: str, previous: Any) -> Any:
    """TF's ``_infer_type``: the first of int32, int64, float32, float64, string (from the
    type the column has so far) that parses ``field``."""
    if field in ("", na_value):
        return previous
    start = _INFER_ORDER.index(previous) if previous is not None else 0
    for dtype in _INFER_ORDER[start:-1]:
        if _fits(field, dtype):
            return dtype
    return string


def _file_list(file_pattern: Any) -> List[str]:
    patterns = _filenames(file_pattern)
    files = sorted({f for pattern in patterns for f in _glob.glob(pattern)})
    if not files:
        raise ValueError(f"No files match `file_pattern` {', '.join(patterns)}.")
    return files


def _column_indices(select_columns: Optional[Sequence[Any]], column_names: List[str]
                    ) -> Optional[List[int]]:
    if select_columns is None:
        return None
    indices = []
    for column in select_columns:
        if isinstance(column, str):
            if column not in column_names:
                raise ValueError(f"Value '{column}' provided in `select_columns` not found in "
                                 f"`column_names`: {column_names}")
            indices.append(column_names.index(column))
        else:
            indices.append(int(column))
    return sorted(indices)


def make_csv_dataset(file_pattern: Any, batch_size: int, column_names: Optional[List[str]] = None,
                     column_defaults: Optional[Sequence[Any]] = None,
                     label_name: Optional[str] = None,
                     select_columns: Optional[Sequence[Any]] = None, field_delim: str = ",",
                     use_quote_delim: bool = True, na_value: str = "", header: bool = True,
                     num_epochs: Optional[int] = None, shuffle: bool = True,
                     shuffle_buffer_size: int = 10000, shuffle_seed: Optional[int] = None,
                     prefetch_buffer_size: Optional[int] = None,
                     num_parallel_reads: Optional[int] = None, sloppy: bool = False,
                     num_rows_for_inference: int = 100, compression_type: Optional[str] = None,
                     ignore_errors: bool = False, encoding: str = "utf-8") -> Dataset:
    """``tf.data.experimental.make_csv_dataset``: batches of ``(OrderedDict(column ->
    values), label)`` (just the dict without ``label_name``), repeated ``num_epochs`` times
    (forever when None, then dropping the last partial batch), shuffled unless
    ``shuffle=False``."""
    caller = "tf.data.experimental.make_csv_dataset"
    files = _file_list(file_pattern)
    compression = _compression(compression_type, caller)
    if column_names is None:
        if not header:
            raise ValueError("Cannot infer column names without a header line.")
        first = next(_rows(files[0], compression, False, field_delim, use_quote_delim), None)
        column_names = list(first[1]) if first else []
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Cannot have duplicate column names.")
    indices = _column_indices(select_columns, column_names)
    if indices is not None:
        column_names = [column_names[i] for i in indices]
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. "
                         f"Received: {label_name}")
    if column_defaults is None:
        inferred: List[Any] = [None] * len(column_names)
        rows = _rows(files[0], compression, header, field_delim, use_quote_delim)
        for count, (_, fields) in enumerate(rows):
            if count >= num_rows_for_inference:
                break
            if indices is not None:
                fields = [fields[i] if i < len(fields) else "" for i in indices]
            for j, field in enumerate(fields[:len(inferred)]):
                inferred[j] = _infer_type(field, na_value, inferred[j])
        column_defaults = [[b""] if t is None or t is string else torch.tensor([0], dtype=t)
                           for t in inferred]
    if len(column_defaults) != len(column_names):
        raise ValueError(f"The number of column defaults ({len(column_defaults)}) does not "
                         f"match the number of columns ({len(column_names)}).")

    def read(filename: Any) -> Dataset:
        dataset = CsvDataset(filename, column_defaults, compression_type=compression,
                             header=header, field_delim=field_delim,
                             use_quote_delim=use_quote_delim, na_value=na_value,
                             select_cols=indices)
        return dataset.ignore_errors() if ignore_errors else dataset

    cycle = 1 if num_parallel_reads in (None, AUTOTUNE) else max(1, int(num_parallel_reads))
    dataset = Dataset.from_tensor_slices(np.asarray(files)).interleave(
        read, cycle_length=cycle)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)

    def to_features(*columns: Any) -> Any:
        features = collections.OrderedDict(zip(column_names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    return dataset.map(to_features).prefetch(prefetch_buffer_size or AUTOTUNE)
