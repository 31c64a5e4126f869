"""``tf.SparseTensor`` as tf.data carries it (``VarLenFeature`` parsing gives one) and
``tf.sparse.to_dense``: indices (int64, ``(n, rank)``), values (a torch tensor or a NumPy
array of strings), dense_shape (int64, ``(rank,)``)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import torch

__all__ = ["SparseTensor", "to_dense"]


def _int64(value: Any) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value, dtype=np.int64) if not isinstance(
        value, torch.Tensor) else value, dtype=torch.int64)


class SparseTensor:
    """``tf.SparseTensor(indices, values, dense_shape)``."""

    def __init__(self, indices: Any, values: Any, dense_shape: Any) -> None:
        self.indices = _int64(indices).reshape(-1, len(np.asarray(dense_shape).reshape(-1)))
        if isinstance(values, np.ndarray) and values.dtype.kind in "USO":
            self.values = values.reshape(-1)
        else:
            self.values = torch.as_tensor(values).reshape(-1)
        self.dense_shape = _int64(dense_shape).reshape(-1)
        if self.indices.shape[0] != len(self.values):
            raise ValueError(f"`tf.SparseTensor`: {self.indices.shape[0]} indices but "
                             f"{len(self.values)} values; they must match.")

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    @property
    def shape(self) -> tuple:
        return tuple(int(d) for d in self.dense_shape.tolist())

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self.indices!r}, values={self.values!r}, "
                f"dense_shape={self.dense_shape!r})")


def to_dense(sp_input: SparseTensor, default_value: Any = None, validate_indices: bool = True,
             name: Optional[str] = None) -> Any:
    """``tf.sparse.to_dense``: the dense array, ``default_value`` (0 or b'') elsewhere."""
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"`tf.sparse.to_dense` expects a SparseTensor, received: {sp_input!r}")
    shape = sp_input.shape
    index = tuple(sp_input.indices.t()) if sp_input.indices.numel() else None
    if isinstance(sp_input.values, np.ndarray):
        out = np.full(shape, b"" if default_value is None else default_value, dtype=object)
        if index is not None:
            out[tuple(i.numpy() for i in index)] = sp_input.values
        return out
    out = torch.full(shape, 0 if default_value is None else default_value,
                     dtype=sp_input.values.dtype)
    if index is not None:
        out[index] = sp_input.values
    return out
