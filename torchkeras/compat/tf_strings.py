"""``tf.strings`` on NumPy string arrays (torch has no string tensors): what text
preprocessing callables use (``tf.strings.lower`` + ``regex_replace`` in a custom
``TextVectorization(standardize=...)``). Results are NumPy object arrays of ``str``."""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

import numpy as np

from torchkeras.layers import string_ops


def lower(input: Any, encoding: str = "", name: Optional[str] = None) -> np.ndarray:  # noqa: A002
    """ASCII letters only unless ``encoding='utf-8'`` (as TensorFlow)."""
    strings = string_ops.to_str_array(input)
    if encoding:
        return string_ops._map(strings, str.lower)
    return string_ops.lower(strings)


def upper(input: Any, encoding: str = "", name: Optional[str] = None) -> np.ndarray:  # noqa: A002
    strings = string_ops.to_str_array(input)
    if encoding:
        return string_ops._map(strings, str.upper)
    table = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return string_ops._map(strings, lambda s: s.translate(table))


def regex_replace(input: Any, pattern: str, rewrite: str, replace_global: bool = True,  # noqa: A002
                  name: Optional[str] = None) -> np.ndarray:
    """RE2 pattern (Python's ``re`` for the common syntax); ``\\1`` groups in ``rewrite``."""
    compiled = re.compile(pattern)
    count = 0 if replace_global else 1
    return string_ops._map(string_ops.to_str_array(input),
                           lambda s: compiled.sub(rewrite, s, count=count))


def strip(input: Any, name: Optional[str] = None) -> np.ndarray:  # noqa: A002
    return string_ops._map(string_ops.to_str_array(input), lambda s: s.strip(" \t\n\r\x0b\x0c"))


def length(input: Any, unit: str = "BYTE", name: Optional[str] = None) -> np.ndarray:  # noqa: A002
    strings = string_ops.to_str_array(input)
    measure = (lambda s: len(s.encode("utf-8"))) if unit == "BYTE" else len
    return np.vectorize(measure, otypes=[np.int32])(strings) if strings.size else \
        np.zeros(strings.shape, np.int32)


def members() -> Dict[str, Any]:
    return {"lower": lower, "upper": upper, "regex_replace": regex_replace, "strip": strip,
            "length": length}
