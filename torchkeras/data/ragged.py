"""``tf.RaggedTensor`` stand-in: a list of rows of different lengths, each row a torch tensor
(numbers) or a NumPy string array, with the reads tutorials make (``to_tensor``,
``row_lengths``, ``flat_values``, ``to_list``, ``bounding_shape``, ``nrows``, ``shape``).

What ``Dataset.ragged_batch``, ``tf.ragged.constant`` and ``tf.strings.split`` of a vector give.
One ragged dimension (the second) is supported by the dense reads; rows may have further
uniform dimensions (``(batch, None, channels)`` audio).
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np
import torch

__all__ = ["RaggedTensor", "constant"]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    return str(value)


def _strings(array: np.ndarray) -> Any:
    """An object array of ``str`` as a ``U`` array (``np.str_`` when 0-d), as tf.strings."""
    if array.ndim == 0:
        return np.str_(array[()])
    return array.astype(str) if array.size else np.zeros(array.shape, dtype="<U1")


def _is_string_row(row: Any) -> bool:
    return isinstance(row, (np.ndarray, np.generic, str, bytes)) and \
        np.asarray(row).dtype.kind in "USO"


class RaggedTensor(list):
    """Rows of different lengths (a list of tensors or string arrays)."""

    def _rows(self, method: str) -> List[Any]:
        if any(isinstance(row, RaggedTensor) for row in self):
            raise ValueError(f"`RaggedTensor.{method}` of torchkeras's stand-in supports one "
                             "ragged dimension; this one has more.")
        return [row if isinstance(row, torch.Tensor) else np.asarray(row) for row in self]

    def _numeric(self, rows: List[Any]) -> bool:
        return bool(rows) and not _is_string_row(rows[0])

    def to_list(self) -> List[Any]:
        """Nested Python lists (strings as UTF-8 ``bytes``, as TF)."""
        out: List[Any] = []
        for row in self:
            if isinstance(row, RaggedTensor):
                out.append(row.to_list())
            elif _is_string_row(row):
                array = np.asarray(row)
                encode = np.vectorize(lambda s: _text(s).encode("utf-8"), otypes=[object])
                out.append(encode(array).tolist() if array.size else [])
            else:
                out.append(torch.as_tensor(row).tolist())
        return out

    def row_lengths(self) -> torch.Tensor:
        """The length of each row, int64."""
        return torch.tensor([len(row) for row in self._rows("row_lengths")], dtype=torch.int64)

    def nrows(self) -> torch.Tensor:
        return torch.tensor(len(self), dtype=torch.int64)

    @property
    def dtype(self) -> Any:
        if self and isinstance(self[0], RaggedTensor):  # more ragged dimensions
            return self[0].dtype
        rows = self._rows("dtype")
        return rows[0].dtype if rows and isinstance(rows[0], torch.Tensor) else \
            np.dtype(str)

    @property
    def flat_values(self) -> Any:
        """All rows concatenated along their first dimension."""
        rows = self._rows("flat_values")
        if self._numeric(rows):
            return torch.cat([torch.as_tensor(r) for r in rows])
        return _strings(np.concatenate([r.astype(object) for r in rows])) if rows and \
            sum(r.size for r in rows) else np.zeros((0,), dtype="<U1")

    @property
    def shape(self) -> tuple:
        """``(nrows, None, ...)``: the second dimension is ragged."""
        if self and isinstance(self[0], RaggedTensor):  # more ragged dimensions
            return (len(self), None) + tuple(self[0].shape[1:])
        rows = self._rows("shape") if self else []
        inner = tuple(rows[0].shape[1:]) if rows else ()
        return (len(self), None) + inner

    def bounding_shape(self) -> torch.Tensor:
        rows = self._rows("bounding_shape")
        longest = max((len(row) for row in rows), default=0)
        inner = [max(int(r.shape[d]) for r in rows) for d in range(1, rows[0].ndim)] \
            if rows else []
        return torch.tensor([len(self), longest] + inner, dtype=torch.int64)

    def to_tensor(self, default_value: Any = None, name: Optional[str] = None,
                  shape: Optional[Sequence[Optional[int]]] = None) -> Any:
        """A dense ``(nrows, longest, ...)`` tensor padded with ``default_value`` (0 or
        ``""``); ``shape`` pads or truncates to a fixed size, as TF's."""
        rows = self._rows("to_tensor")
        bounds = [int(v) for v in self.bounding_shape().tolist()]
        if shape is not None:
            bounds = [b if s is None or s == -1 else int(s)
                      for b, s in zip(bounds, list(shape) + [None] * len(bounds))]
        if not self._numeric(rows):
            fill = "" if default_value is None else _text(default_value)
            out = np.full(bounds[:2], fill, dtype=object)
            for i, row in enumerate(rows[:bounds[0]]):
                values = [_text(v) for v in row.ravel().tolist()[:bounds[1]]]
                out[i, :len(values)] = values
            return _strings(out)
        dtype = rows[0].dtype if rows else torch.float32
        fill = 0 if default_value is None else default_value
        out = torch.full(bounds, fill, dtype=dtype) if rows else torch.zeros(bounds)
        for i, row in enumerate(rows[:bounds[0]]):
            # (length, ...) cut to the bounds, written at the start of each dimension
            part = row[tuple(slice(0, b) for b in bounds[1:])]
            out[(i,) + tuple(slice(0, s) for s in part.shape)] = part
        return out

    def numpy(self) -> np.ndarray:
        """An object array of the rows (NumPy arrays; strings as bytes), as TF's."""
        out = np.empty(len(self), dtype=object)
        for i, row in enumerate(self.to_list()):
            out[i] = np.asarray(row, dtype=object if row and isinstance(row[0], bytes)
                                else None)
        return out

    def __repr__(self) -> str:
        return f"<tf.RaggedTensor {self.to_list()}>"


def _rectangular(values: Any) -> bool:
    """Whether nested lists have equal lengths at every level (a dense tensor)."""
    if not isinstance(values, (list, tuple)):
        return True
    if not all(_rectangular(v) for v in values):
        return False
    shapes = {np.shape(v) if not isinstance(v, (list, tuple)) or _rectangular(v) else None
              for v in values}
    return len(shapes) <= 1 and None not in shapes


def _row(values: Any, dtype: Any) -> Any:
    if not _rectangular(values):
        return constant(values, dtype)
    flat = np.asarray(values, dtype=object).ravel().tolist() if isinstance(values, list) \
        else [values]
    if flat and isinstance(flat[0], (str, bytes)):
        return np.asarray([_text(v) for v in flat], dtype=str).reshape(np.shape(values))
    if dtype is not None:
        dtype = dtype if isinstance(dtype, torch.dtype) else \
            getattr(torch, np.dtype(dtype).name)
        return torch.tensor(values, dtype=dtype)
    if all(isinstance(v, bool) for v in flat):
        return torch.tensor(values, dtype=torch.bool)
    if all(isinstance(v, (int, np.integer)) for v in flat):
        return torch.tensor(values, dtype=torch.int32)  # tf.constant's int type
    return torch.tensor(values, dtype=torch.float32)


def constant(pylist: Any, dtype: Any = None, ragged_rank: Optional[int] = None,
             inner_shape: Any = None, name: Optional[str] = None,
             row_splits_dtype: Any = "int64") -> RaggedTensor:
    """``tf.ragged.constant``: nested lists -> a :class:`RaggedTensor` (Python ints give
    int32, floats float32, as ``tf.constant``)."""
    if not isinstance(pylist, (list, tuple)):
        raise ValueError(f"`tf.ragged.constant` expects a nested list, received "
                         f"{type(pylist).__name__}.")
    rows = [_row(list(row) if isinstance(row, tuple) else row, dtype) for row in pylist]
    if rows and any(isinstance(r, torch.Tensor) for r in rows):
        kinds = {r.dtype for r in rows if isinstance(r, torch.Tensor) and r.numel()}
        if dtype is None and kinds == {torch.int32, torch.float32}:
            rows = [r.float() if isinstance(r, torch.Tensor) else r for r in rows]
        elif dtype is None and len(kinds) == 1:  # empty rows take the others' dtype
            rows = [r.to(next(iter(kinds))) if isinstance(r, torch.Tensor) else r
                    for r in rows]
    return RaggedTensor(rows)
