"""``tf.strings`` on string elements: NumPy ``str``/``bytes`` scalars and arrays (torch has no
string tensors). Results are NumPy ``str`` values (``np.str_`` or a ``U`` array) of the input's
shape; numbers come back as torch tensors. Case mapping is ASCII-only as in TF (unless
``encoding='utf-8'``) and regular expressions use RE2's ASCII classes."""
from __future__ import annotations

import builtins
import re
from typing import Any, List, Optional, Sequence

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.data.ragged import RaggedTensor

__all__ = ["Ragged", "as_string", "join", "length", "lower", "reduce_join", "regex_full_match",
           "regex_replace", "split", "strip", "substr", "to_number", "unicode_split", "upper"]

_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}
_ASCII_UPPER = {c: c - 32 for c in range(97, 123)}
_WHITESPACE = " \t\n\r\v\f"


Ragged = RaggedTensor  # what tf.strings.split of a vector gives (torchkeras/data/ragged.py)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    if isinstance(value, torch.Tensor):
        raise TypeError("tf.strings expects a string input, received a numeric tensor "
                        f"of dtype {value.dtype}; use `tf.strings.as_string` first.")
    return str(value)


def _array(value: Any) -> np.ndarray:
    """An object array of Python ``str`` with the input's shape."""
    if isinstance(value, torch.Tensor):
        _text(value)
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    out = np.empty(array.shape, dtype=object)
    for index, item in np.ndenumerate(array):
        out[index] = _text(item)
    return out


def _result(strings: np.ndarray) -> Any:
    if strings.ndim == 0:
        return np.str_(strings[()])
    return strings.astype(str) if strings.size else np.zeros(strings.shape, dtype="<U1")


def _each(value: Any, fn: Any) -> Any:
    strings = _array(value)
    return _result(np.vectorize(fn, otypes=[object])(strings) if strings.size else strings)


def lower(input: Any, encoding: str = "", name: Optional[str] = None) -> Any:  # noqa: A002
    return _each(input, (lambda s: s.lower()) if encoding else
                 (lambda s: s.translate(_ASCII_LOWER)))


def upper(input: Any, encoding: str = "", name: Optional[str] = None) -> Any:  # noqa: A002
    return _each(input, (lambda s: s.upper()) if encoding else
                 (lambda s: s.translate(_ASCII_UPPER)))


def strip(input: Any, name: Optional[str] = None) -> Any:  # noqa: A002
    return _each(input, lambda s: s.strip(_WHITESPACE))


def _rewrite(rewrite: str) -> str:
    """RE2's rewrite (``\\0`` .. ``\\9``) as Python's (``\\g<0>`` ..)."""
    return re.sub(r"\\(\d)", r"\\g<\1>", rewrite)


def regex_replace(input: Any, pattern: str, rewrite: str, replace_global: bool = True,  # noqa: A002
                  name: Optional[str] = None) -> Any:
    compiled = re.compile(_text(pattern), re.ASCII)
    replacement = _rewrite(_text(rewrite))
    count = 0 if replace_global else 1
    return _each(input, lambda s: compiled.sub(replacement, s, count=count))


def regex_full_match(input: Any, pattern: str,  # noqa: A002
                     name: Optional[str] = None) -> torch.Tensor:
    compiled = re.compile(_text(pattern), re.ASCII)
    strings = _array(input)
    matches = np.vectorize(lambda s: compiled.fullmatch(s) is not None, otypes=[bool])
    return torch.from_numpy(np.asarray(matches(strings) if strings.size else
                                       np.zeros(strings.shape, bool)))


def _split_one(s: str, sep: Optional[str], maxsplit: int) -> np.ndarray:
    if sep is None or sep == "":
        parts = s.split(None, maxsplit if maxsplit >= 0 else -1)
    else:
        parts = s.split(sep, maxsplit) if s else []
    return np.asarray(parts, dtype=str) if parts else np.zeros((0,), dtype="<U1")


def split(input: Any, sep: Optional[str] = None, maxsplit: int = -1,  # noqa: A002
          name: Optional[str] = None) -> Any:
    """A scalar gives a 1-D array of parts; a vector gives :class:`Ragged` rows."""
    strings = _array(input)
    sep = None if sep is None else _text(sep)
    if strings.ndim == 0:
        return _split_one(strings[()], sep, maxsplit)
    return Ragged(split(row, sep, maxsplit) for row in strings)


def join(inputs: Sequence[Any], separator: str = "", name: Optional[str] = None) -> Any:
    """Element-wise join of equally shaped (or scalar) string inputs."""
    arrays = np.broadcast_arrays(*[_array(x) for x in inputs])
    out = np.empty(arrays[0].shape, dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = _text(separator).join(a[index] for a in arrays)
    return _result(out)


def reduce_join(inputs: Any, axis: Optional[int] = None, keepdims: bool = False,
                separator: str = "", name: Optional[str] = None) -> Any:
    strings = _array(inputs)
    sep = _text(separator)
    if axis is None:
        out = np.array(sep.join(strings.ravel().tolist()), dtype=object)
        return _result(out.reshape((1,) * strings.ndim) if keepdims else out)
    moved = np.moveaxis(strings, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = sep.join(moved[index].tolist())
    return _result(np.expand_dims(out, axis) if keepdims else out)


def length(input: Any, unit: str = "BYTE",  # noqa: A002
           name: Optional[str] = None) -> torch.Tensor:
    """Bytes (``unit='BYTE'``) or characters (``'UTF8_CHAR'``) of each string, int32."""
    count = (lambda s: len(s)) if unit == "UTF8_CHAR" else \
        (lambda s: len(s.encode("utf-8", errors="surrogateescape")))
    strings = _array(input)
    values = np.vectorize(count, otypes=[np.int32])(strings) if strings.size else \
        np.zeros(strings.shape, np.int32)
    return torch.from_numpy(np.asarray(values, dtype=np.int32))


def substr(input: Any, pos: int, len: int, unit: str = "BYTE",  # noqa: A002
           name: Optional[str] = None) -> Any:
    """``len`` bytes (or characters) from ``pos`` (negative counts from the end)."""
    start, size = int(pos), int(len)

    def cut(s: str) -> str:
        seq = s if unit == "UTF8_CHAR" else s.encode("utf-8", errors="surrogateescape")
        begin = start + builtins.len(seq) if start < 0 else start
        if begin < 0 or begin > builtins.len(seq):
            raise ValueError(f"`tf.strings.substr`: pos {start} out of range for string "
                             f"{s!r} of length {builtins.len(seq)}.")
        part = seq[begin:begin + size]
        return part if unit == "UTF8_CHAR" else part.decode("utf-8", errors="replace")
    return _each(input, cut)


def unicode_split(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                  replacement_char: int = 65533, name: Optional[str] = None) -> Any:
    strings = _array(input)
    if strings.ndim == 0:
        chars = list(strings[()])
        return np.asarray(chars, dtype=str) if chars else np.zeros((0,), dtype="<U1")
    return Ragged(unicode_split(row, input_encoding) for row in strings)


def to_number(string_tensor: Any, out_type: Any = "float32",
              name: Optional[str] = None) -> torch.Tensor:
    dtype = config.torch_dtype(out_type)
    strings = _array(string_tensor)
    parse = float if dtype.is_floating_point else int

    def convert(s: str) -> Any:
        try:
            return parse(s.strip(_WHITESPACE))
        except ValueError:
            raise ValueError(f"StringToNumberOp could not correctly convert string: {s}") \
                from None
    values = [convert(s) for s in strings.ravel().tolist()]
    return torch.tensor(values, dtype=dtype).reshape(strings.shape)


def as_string(input: Any, precision: int = -1, scientific: bool = False,  # noqa: A002
              shortest: bool = False, width: int = -1, fill: str = "",
              name: Optional[str] = None) -> Any:
    """Numbers to strings as TF's ``%d`` / ``%f`` formats."""
    array = input.numpy() if isinstance(input, torch.Tensor) else np.asarray(input)
    if array.dtype.kind == "b":
        fmt = lambda v: "true" if v else "false"  # noqa: E731
    elif array.dtype.kind in "iu":
        fmt = lambda v: f"{int(v)}"  # noqa: E731
    else:
        spec = ("e" if scientific else "g" if shortest else "f")
        prec = f".{precision}" if precision >= 0 else ""
        fmt = lambda v: format(float(v), prec + spec)  # noqa: E731
    pad = (lambda s: s.rjust(width, fill or " ")) if width > 0 else (lambda s: s)
    out = np.empty(array.shape, dtype=object)
    for index, value in np.ndenumerate(array):
        out[index] = pad(fmt(value))
    return _result(out)
