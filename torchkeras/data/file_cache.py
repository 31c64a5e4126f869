"""Elements on disk, for ``cache(filename)`` and ``Dataset.save``/``Dataset.load``.

Safe and streaming, no pickle: the data file is a sequence of ``.npy`` records (one per leaf,
element after element, NumPy's format written with ``np.save`` and read back with
``allow_pickle=False``); the index file (JSON) holds the element structure, each leaf's kind
and dtype and the element count, and is written last, so a pass that stopped early leaves no
cache behind (tf.data's rule: only a complete pass is cached). The names are torchkeras's
own, ``<filename>.torchkeras.index`` and ``<filename>.torchkeras.data``: a cache real
TensorFlow wrote under the same ``filename`` (``<filename>.index`` and
``<filename>.data-00000-of-00001``, a format torchkeras does not read) is left untouched, and
torchkeras writes its own beside it.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, Iterator, List

import numpy as np
import torch

from torchkeras.data.structure import flatten, pack, to_leaf

__all__ = ["data_path", "exists", "index_path", "read", "read_index", "write"]

_FORMAT = "torchkeras.data.file_cache/1"


def index_path(filename: str) -> str:
    return f"{filename}.torchkeras.index"


def data_path(filename: str) -> str:
    return f"{filename}.torchkeras.data"


def exists(filename: str) -> bool:
    """Whether a complete cache is stored under ``filename``."""
    return os.path.exists(index_path(filename)) and os.path.exists(data_path(filename))


def _skeleton(element: Any) -> Any:
    """The element's structure as JSON (leaves as None)."""
    if isinstance(element, dict):
        return {"dict": {key: _skeleton(element[key]) for key in sorted(element)}}
    if isinstance(element, tuple):
        return {"tuple": [_skeleton(item) for item in element]}
    return None


def _rebuild(skeleton: Any) -> Any:
    if isinstance(skeleton, dict) and "dict" in skeleton:
        return {key: _rebuild(value) for key, value in skeleton["dict"].items()}
    if isinstance(skeleton, dict) and "tuple" in skeleton:
        return tuple(_rebuild(value) for value in skeleton["tuple"])
    return None


def _leaf_record(leaf: Any) -> Dict[str, str]:
    if isinstance(leaf, torch.Tensor):
        return {"kind": "tensor", "dtype": str(leaf.dtype).replace("torch.", "")}
    return {"kind": "string"}


def _to_array(leaf: Any) -> np.ndarray:
    if isinstance(leaf, torch.Tensor):
        tensor = leaf.detach().cpu()
        if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16: stored as float32
            tensor = tensor.float()
        return tensor.numpy()
    array = np.asarray(leaf)
    if array.dtype.kind == "O":  # an object array of str or bytes: a fixed-width one
        array = array.astype("S" if array.size and isinstance(array.flat[0], bytes) else "U")
    return array


def _from_array(array: np.ndarray, record: Dict[str, str]) -> Any:
    if record["kind"] == "tensor":
        return torch.from_numpy(array).to(getattr(torch, record["dtype"]))
    return to_leaf(array[()] if array.ndim == 0 else array)


def write(filename: str, elements: Iterable[Any]) -> Iterator[Any]:
    """Yields ``elements`` while writing them under ``filename``; the index is written when
    the iteration completes."""
    directory = os.path.dirname(os.path.abspath(filename))
    os.makedirs(directory, exist_ok=True)
    partial = data_path(filename) + ".partial"
    count = 0
    header: Dict[str, Any] = {}
    complete = False
    try:
        with open(partial, "wb") as handle:
            for element in elements:
                leaves = flatten(element)
                if not header:
                    header = {"structure": _skeleton(element),
                              "leaves": [_leaf_record(leaf) for leaf in leaves]}
                for leaf in leaves:
                    np.save(handle, _to_array(leaf), allow_pickle=False)
                count += 1
                yield element
        complete = True
    finally:
        if not complete and os.path.exists(partial):  # an incomplete pass caches nothing
            os.remove(partial)
    os.replace(partial, data_path(filename))
    header.update(format=_FORMAT, count=count)
    with open(index_path(filename), "w") as handle:
        json.dump(header, handle)


def read_index(filename: str) -> Dict[str, Any]:
    try:
        with open(index_path(filename), encoding="utf-8") as handle:
            header = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = {"format": "not JSON"}
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        header = header if isinstance(header, dict) else {}
        raise ValueError(f"`{index_path(filename)}` is not a torchkeras dataset cache "
                         f"(format {header.get('format')!r}); remove it, or pass another "
                         "filename.")
    return header


def read(filename: str) -> Iterator[Any]:
    """The elements stored under ``filename``."""
    header = read_index(filename)
    structure = _rebuild(header.get("structure"))
    records: List[Dict[str, str]] = header.get("leaves", [])
    with open(data_path(filename), "rb") as handle:
        for _ in range(header["count"]):
            leaves = [_from_array(np.load(handle, allow_pickle=False), record)
                      for record in records]
            yield leaves[0] if structure is None else pack(structure, leaves)
