"""Host-side string arithmetic for the text layers (torch has no string tensors).

Strings are NumPy arrays of ``str`` (``bytes`` are decoded as UTF-8). A "ragged" batch of
tokens is a list of lists of ``str``. The functions follow TensorFlow's string ops:
``tf.strings.lower`` lowers ASCII letters only, ``tf.strings.split`` splits on ASCII
whitespace, ``tf.strings.unicode_split`` splits into code points, ``tf.strings.ngrams``
lists every width in turn.
"""
from __future__ import annotations

import re
from typing import Any, List, Sequence, Tuple

import numpy as np
import torch

# tf-keras / Keras 3 DEFAULT_STRIP_REGEX (`,-\.` is the range ',' to '.').
DEFAULT_STRIP_REGEX = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_STRIP = re.compile(DEFAULT_STRIP_REGEX)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NOT_TF_WHITESPACE = re.compile("[\x1c-\x1f]")  # str.split() splits here, TF does not

Ragged = List[List[str]]


def is_string_value(value: Any) -> bool:
    """A NumPy array of str/bytes/objects holding strings, a str, or a list of them."""
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "US":
            return True
        if value.dtype.kind == "O":
            flat = value.reshape(-1)
            return flat.size > 0 and isinstance(flat[0], (str, bytes))
        return False
    if isinstance(value, (list, tuple)) and value:
        return is_string_value(value[0])
    return False


def _as_str(item: Any) -> str:
    if isinstance(item, (bytes, np.bytes_)):
        return bytes(item).decode("utf-8")
    return str(item)


def to_str_array(value: Any) -> np.ndarray:
    """``value`` as a NumPy object array of Python ``str`` (bytes decoded as UTF-8)."""
    if isinstance(value, torch.Tensor):
        raise TypeError("Expected strings (a NumPy array of str/bytes or a list of str); "
                        f"received a torch tensor of dtype {value.dtype}.")
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if array.dtype.kind == "U":
        return array.astype(object)
    out = np.empty(array.shape, dtype=object)
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    for i, item in enumerate(flat_in):
        flat_out[i] = _as_str(item)
    return out


def lower(strings: np.ndarray) -> np.ndarray:
    """``tf.strings.lower``: ASCII letters only (``'É'`` stays ``'É'``)."""
    return _map(strings, lambda s: s.translate(_ASCII_LOWER))


def strip_punctuation(strings: np.ndarray) -> np.ndarray:
    """``tf.strings.regex_replace(strings, DEFAULT_STRIP_REGEX, '')``."""
    return _map(strings, lambda s: _STRIP.sub("", s))


def _map(strings: np.ndarray, fn: Any) -> np.ndarray:
    out = np.empty(strings.shape, dtype=object)
    flat_in, flat_out = strings.reshape(-1), out.reshape(-1)
    for i, item in enumerate(flat_in):
        flat_out[i] = fn(item)
    return out


def split_whitespace(strings: np.ndarray) -> Ragged:
    """``tf.strings.split(strings)`` on a rank-1 array: ASCII whitespace, empties dropped."""
    return [s.split() if s.isascii() and not _NOT_TF_WHITESPACE.search(s) else
            [t.decode("utf-8") for t in s.encode("utf-8").split()]  # bytes: ASCII spaces
            for s in strings.reshape(-1)]


def split_characters(strings: np.ndarray) -> Ragged:
    """``tf.strings.unicode_split(strings, 'UTF-8')``: one token per code point."""
    return [list(s) for s in strings.reshape(-1)]


def ngrams(tokens: Ragged, widths: Sequence[int], separator: str = " ") -> Ragged:
    """``tf.strings.ngrams(tokens, ngram_width=widths)``: all 1-grams, then 2-grams, ..."""
    out = []
    for row in tokens:
        grams: List[str] = []
        for width in widths:
            grams.extend(separator.join(row[i:i + width]) for i in range(len(row) - width + 1))
        out.append(grams)
    return out


def to_ragged(value: Any) -> Ragged:
    """A callable's output (an array of rank 2, a list of lists) as a list of lists of str."""
    return [[_as_str(t) for t in row] for row in value]


def pad_ragged(rows: List[List[int]], length: Any, fill: int = 0) -> np.ndarray:
    """Rows padded with ``fill`` (and truncated) to ``length`` (default: the longest)."""
    width = max((len(r) for r in rows), default=0) if length is None else int(length)
    out = np.full((len(rows), width), fill, dtype=np.int64)
    for i, row in enumerate(rows):
        row = row[:width]
        out[i, :len(row)] = row
    return out


def flatten_ragged(rows: Ragged) -> Tuple[List[str], List[int]]:
    """All tokens in order and the length of each row."""
    flat: List[str] = []
    lengths = []
    for row in rows:
        flat.extend(row)
        lengths.append(len(row))
    return flat, lengths
