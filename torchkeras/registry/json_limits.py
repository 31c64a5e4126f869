"""Bounded JSON parsing for configs read from files (``config.json``, the ``model_config`` and
``training_config`` attributes of ``.h5`` files, ``model_from_json``).

A few kilobytes of ``[[[[...`` cost gigabytes and end in a bare ``RecursionError`` inside
``json.loads``; a cheap pre-scan of the raw text refuses such input first, naming its source.
Real Keras configs are about 10 levels deep (each nested model adds 4) and a few megabytes at
most.
"""
from __future__ import annotations

import json
import re
from typing import Any, Type, Union

import numpy as np

MAX_JSON_DEPTH = 100
MAX_JSON_BYTES = 16 * 2 ** 20
# a string (escapes removed first), or an unterminated one up to the end: linear time
_STRING = re.compile(r'"[^"]*(?:"|\Z)')
_STEP = np.zeros(256, dtype=np.int8)  # +1 for an opening bracket, -1 for a closing one
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of ``text``, brackets inside strings ignored."""
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    codes = np.frombuffer(_STRING.sub("", unescaped).encode("utf8"), dtype=np.uint8)
    if not codes.size:
        return 0
    return max(0, int(np.cumsum(_STEP[codes], dtype=np.int32).max()))


def loads_bounded(text: Union[str, bytes], source: str,
                  error: Type[Exception] = ValueError) -> Any:
    """``json.loads(text)`` after checking size and nesting; ``error`` names ``source``
    (e.g. ``"config.json in 'model.keras'"``) for oversized, too deep or invalid JSON."""
    size = len(text)
    if size > MAX_JSON_BYTES:
        raise error(f"The JSON in {source} is {size} bytes; a Keras config is at most "
                    f"{MAX_JSON_BYTES} bytes: the file is corrupted or crafted.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf8")
        except UnicodeDecodeError as err:
            raise error(f"The JSON in {source} is not valid UTF-8 ({err}).") from err
    depth = nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise error(f"The JSON in {source} is nested {depth} levels deep; a Keras config is "
                    f"at most {MAX_JSON_DEPTH} levels: the file is corrupted or crafted.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise error(f"The JSON in {source} is invalid: {err}.") from err
