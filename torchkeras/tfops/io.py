"""``tf.io``: ``read_file``/``write_file``, ``decode_csv``, the image decoders and ``gfile``
(local files only: ``glob``, ``exists``, ``GFile``, ...); TFRecord writing and
``tf.train.Example`` parsing re-exported from data/tfrecord.py and parsing.py."""
from __future__ import annotations

import csv
import glob as _glob
import os
import shutil
import types
from typing import Any, List, Optional, Sequence

import numpy as np
import torch

from torchkeras.data.tfrecord import TFRecordOptions, TFRecordWriter
from torchkeras.data.tfrecord import file_path as _path
from torchkeras.tfops.image import decode_image, decode_jpeg, decode_png
from torchkeras.tfops.parsing import (FixedLenFeature, FixedLenSequenceFeature, RaggedFeature,
                                      SparseFeature, VarLenFeature, decode_raw, parse_example,
                                      parse_single_example, parse_tensor, serialize_tensor)
from torchkeras.tfops.strings import _array, _result

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "GFile", "RaggedFeature",
           "SparseFeature", "TFRecordOptions", "TFRecordWriter", "VarLenFeature", "decode_csv", "decode_image", "decode_jpeg",
           "decode_png", "decode_raw", "gfile", "parse_example", "parse_single_example",
           "parse_tensor", "read_file", "serialize_tensor", "write_file"]


def read_file(filename: Any, name: Optional[str] = None) -> bytes:
    """The file's contents as one bytes string (a scalar string element)."""
    path = _path(filename)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"`tf.io.read_file`: {path}; No such file or directory") \
            from None


def write_file(filename: Any, contents: Any, name: Optional[str] = None) -> None:
    data = contents[()] if isinstance(contents, np.ndarray) else contents
    with open(_path(filename), "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else bytes(data))


# ------------------------------------------------------------------ CSV
def _default(value: Any, column: int) -> tuple:
    """(kind, torch dtype or None, default or None) of one ``record_defaults`` entry: Python
    floats are float32 and ints int32 (as ``tf.constant``), tensors/arrays keep their dtype,
    an empty tensor marks a required column."""
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"`tf.io.decode_csv`: record_defaults[{column}] is empty without "
                             "a dtype; pass `tf.constant([], dtype=...)` for a required column.")
        return _default(value[0], column)
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray)
                                           and value.dtype.kind in "USO"):
        array = _array(value).reshape(-1)
        return ("string", None, array[0] if array.size else None)
    if isinstance(value, bool):
        return ("number", torch.bool, value)
    if isinstance(value, (int, float)):
        return ("number", torch.float32 if isinstance(value, float) else torch.int32, value)
    tensor = value if isinstance(value, torch.Tensor) else torch.from_numpy(np.asarray(value))
    return ("number", tensor.dtype, tensor.reshape(-1)[0].item() if tensor.numel() else None)


def decode_csv(records: Any, record_defaults: Sequence[Any], field_delim: str = ",",
               use_quote_delim: bool = True, na_value: str = "",
               select_cols: Optional[Sequence[int]] = None,
               name: Optional[str] = None) -> List[Any]:
    """One value per column (shaped like ``records``), typed by ``record_defaults``."""
    lines = _array(records)
    defaults = [_default(v, i) for i, v in enumerate(record_defaults)]
    columns: List[List[Any]] = [[] for _ in defaults]
    dialect = dict(delimiter=field_delim, quotechar='"' if use_quote_delim else None,
                   quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    for line in lines.ravel().tolist():
        fields = next(csv.reader([line], **dialect)) if line else [""]
        if select_cols is not None:
            fields = [fields[i] if i < len(fields) else "" for i in select_cols]
        if len(fields) != len(defaults):
            raise ValueError(f"`tf.io.decode_csv`: expect {len(defaults)} fields but have "
                             f"{len(fields)} in record {line!r}.")
        for index, (field, (kind, dtype, default)) in enumerate(zip(fields, defaults)):
            if field == "" or field == na_value:
                if default is None:
                    raise ValueError(f"`tf.io.decode_csv`: field {index} is required but "
                                     f"missing in record {line!r}.")
                columns[index].append(default)
            elif kind == "string":
                columns[index].append(field)
            else:
                try:
                    columns[index].append(float(field) if dtype.is_floating_point
                                          else int(field))
                except ValueError:
                    raise ValueError(f"`tf.io.decode_csv`: field {index} in record {line!r} "
                                     f"is not a valid {str(dtype).replace('torch.', '')}: "
                                     f"{field!r}.") from None
    out = []
    for values, (kind, dtype, _) in zip(columns, defaults):
        if kind == "string":
            out.append(_result(np.asarray(values, dtype=object).reshape(lines.shape)))
        else:
            out.append(torch.tensor(values, dtype=dtype).reshape(lines.shape))
    return out


# ------------------------------------------------------------------ gfile
def GFile(name: Any, mode: str = "r") -> Any:  # noqa: N802 (TF's name)
    """``tf.io.gfile.GFile``: an open local file."""
    return open(_path(name), mode)


def _glob_sorted(pattern: Any) -> List[str]:
    return sorted(_glob.glob(_path(pattern)))


def _makedirs(path: Any) -> None:
    os.makedirs(_path(path), exist_ok=True)


def _walk(top: Any, topdown: bool = True, onerror: Any = None) -> Any:
    return os.walk(_path(top), topdown=topdown, onerror=onerror)


def _copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    if os.path.exists(_path(dst)) and not overwrite:
        raise FileExistsError(f"`tf.io.gfile.copy`: {_path(dst)} exists; pass overwrite=True.")
    shutil.copyfile(_path(src), _path(dst))


def _rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    if os.path.exists(_path(dst)) and not overwrite:
        raise FileExistsError(f"`tf.io.gfile.rename`: {_path(dst)} exists; pass "
                              "overwrite=True.")
    os.replace(_path(src), _path(dst))


GFILE_MEMBERS = {
    "GFile": GFile, "glob": _glob_sorted,
    "exists": lambda path: os.path.exists(_path(path)),
    "isdir": lambda path: os.path.isdir(_path(path)),
    "listdir": lambda path: sorted(os.listdir(_path(path))),
    "makedirs": _makedirs, "mkdir": lambda path: os.mkdir(_path(path)),
    "remove": lambda path: os.remove(_path(path)),
    "rmtree": lambda path: shutil.rmtree(_path(path)),
    "copy": _copy, "rename": _rename, "walk": _walk,
}
gfile = types.SimpleNamespace(**GFILE_MEMBERS)
