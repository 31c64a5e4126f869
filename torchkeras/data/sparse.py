"""``tf.SparseTensor`` as tf.data carries it (``VarLenFeature``/``SparseFeature`` parsing
gives one): indices (int64, ``(n, rank)``), values (a torch tensor or a NumPy array of
strings), dense_shape (int64, ``(rank,)``); and how tf.data batches and unbatches them
(``Dataset.batch``/``unbatch``/``sparse_batch``). The ``tf.sparse`` functions are in
sparse_ops.py."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

__all__ = ["SparseTensor", "batch", "dense_rows_to_sparse", "row", "to_dense", "to_torch",
           "take_rows"]


def _int64(value: Any) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value, dtype=np.int64) if not isinstance(
        value, torch.Tensor) else value, dtype=torch.int64)


def _values(values: Any) -> torch.Tensor:
    """Numeric values; Python numbers typed as ``tf.constant`` types them (int32, float32)."""
    if isinstance(values, (list, tuple, int, float)):
        flat = np.asarray(values).reshape(-1).tolist()
        if flat and all(isinstance(v, bool) for v in flat):
            return torch.as_tensor(values, dtype=torch.bool)
        if all(isinstance(v, int) for v in flat):
            return torch.as_tensor(values, dtype=torch.int32)
        return torch.as_tensor(values, dtype=torch.float32)
    return torch.as_tensor(values)


def _is_strings(values: Any) -> bool:
    return isinstance(values, np.ndarray) and values.dtype.kind in "USO"


class SparseTensor:
    """``tf.SparseTensor(indices, values, dense_shape)``.

    ``static_shape`` is the shape a traced TF function would know (``element_spec``): the
    dense_shape when it is given as Python numbers, ``None`` per dimension when it is
    computed (a tensor), as ``tf.io.parse_single_example`` gives it."""

    def __init__(self, indices: Any, values: Any, dense_shape: Any,
                 static_shape: Optional[Sequence[Optional[int]]] = None) -> None:
        rank = len(np.asarray(dense_shape).reshape(-1))
        self.indices = _int64(indices).reshape(-1, rank)
        if _is_strings(values):
            self.values = values.reshape(-1)
        elif isinstance(values, (list, tuple)) and values and \
                isinstance(values[0], (str, bytes)):
            self.values = np.asarray(values, dtype=object)
        else:
            self.values = _values(values).reshape(-1)
        known = not isinstance(dense_shape, torch.Tensor)
        self.dense_shape = _int64(dense_shape).reshape(-1)
        if static_shape is None:
            static_shape = self.shape if known else (None,) * rank
        self.static_shape: Tuple[Optional[int], ...] = tuple(static_shape)
        if self.indices.shape[0] != len(self.values):
            raise ValueError(f"`tf.SparseTensor`: {self.indices.shape[0]} indices but "
                             f"{len(self.values)} values; they must match.")

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    @property
    def shape(self) -> tuple:
        return tuple(int(d) for d in self.dense_shape.tolist())

    @property
    def rank(self) -> int:
        return int(self.dense_shape.shape[0])

    def __mul__(self, other: Any) -> "SparseTensor":
        """Times a scalar: the values scaled (``tf.SparseTensor.__mul__`` with a scalar)."""
        if isinstance(other, SparseTensor) or np.ndim(other) != 0:
            raise TypeError("`tf.SparseTensor * x`: torchkeras multiplies a SparseTensor by a "
                            f"scalar only; received {type(other).__name__} of shape "
                            f"{tuple(np.shape(other))}.")
        return SparseTensor(self.indices, self.values * other, self.dense_shape,
                            static_shape=self.static_shape)

    __rmul__ = __mul__

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
    if isinstance(default_value, torch.Tensor):
        default_value = default_value.item()
    out = torch.full(shape, 0 if default_value is None else default_value,
                     dtype=sp_input.values.dtype)
    if index is not None:
        out[index] = sp_input.values
    return out


def _concat_values(parts: List[Any]) -> Any:
    if parts and _is_strings(parts[0]):
        return np.concatenate([np.asarray(p, dtype=object) for p in parts]) if parts else \
            np.zeros((0,), dtype=object)
    return torch.cat(parts)


def batch(leaves: Sequence[SparseTensor], component: int = 0) -> SparseTensor:
    """``Dataset.batch`` of SparseTensor components: rank ``r`` -> ``r + 1``, dense_shape
    ``[batch, max of each dimension]``, indices prefixed by the element's position (in
    element order)."""
    ranks = {leaf.rank for leaf in leaves}
    if len(ranks) != 1:
        raise ValueError(f"`Dataset.batch`: cannot batch SparseTensors of different ranks in "
                         f"component {component}: ranks {sorted(ranks)}.")
    rank = ranks.pop()
    dense = torch.stack([leaf.dense_shape for leaf in leaves]).max(0).values if leaves \
        else torch.zeros(rank, dtype=torch.int64)
    indices = torch.cat([torch.cat([torch.full((len(leaf.values), 1), i, dtype=torch.int64),
                                    leaf.indices], 1) for i, leaf in enumerate(leaves)])
    shape = [len(leaves)] + dense.tolist()  # (batch, *max dims)
    static = (None,) + tuple(leaves[0].static_shape)
    return SparseTensor(indices, _concat_values([leaf.values for leaf in leaves]), shape,
                        static_shape=static)


def row(sp: SparseTensor, i: int) -> SparseTensor:
    """Element ``i`` along the first dimension (``unbatch``): rank ``r - 1``, the remaining
    dense_shape kept."""
    mask = sp.indices[:, 0] == i  # (n,)
    values = sp.values[mask.numpy()] if _is_strings(sp.values) else sp.values[mask]
    return SparseTensor(sp.indices[mask][:, 1:], values, sp.dense_shape[1:],
                        static_shape=sp.static_shape[1:])


def leading(sp: SparseTensor, caller: str) -> int:
    if sp.rank == 0:
        raise ValueError(f"`{caller}`: unbatching a SparseTensor requires rank >= 1, "
                         "received a scalar SparseTensor.")
    return int(sp.dense_shape[0])


def dense_rows_to_sparse(leaves: Sequence[Any], row_shape: Sequence[Optional[int]],
                         caller: str) -> SparseTensor:
    """``Dataset.sparse_batch``: dense elements of varying shape (at most ``row_shape``)
    as one SparseTensor of dense_shape ``[batch] + row_shape``; every entry of every element
    is a value (zeros included), in row-major order. An unknown (None) row dimension takes
    the largest in the batch."""
    shapes = [tuple(np.shape(leaf)) for leaf in leaves]
    for shape in shapes:
        if len(shape) != len(row_shape):
            raise ValueError(f"`{caller}`: Input element had shape ({list(shape)}) that is "
                             f"incompatible with the row shape ({list(row_shape)}).")
        if any(r is not None and s > r for s, r in zip(shape, row_shape)):
            raise ValueError(f"`{caller}`: Input element had shape ({list(shape)}) that is "
                             f"larger than the row shape ({list(row_shape)}).")
    dims = [r if r is not None else max((s[d] for s in shapes), default=0)
            for d, r in enumerate(row_shape)]
    indices, values = [], []
    for i, leaf in enumerate(leaves):
        grid = np.indices(np.shape(leaf)).reshape(len(row_shape), -1).T  # (size, rank)
        indices.append(np.concatenate([np.full((len(grid), 1), i), grid], 1))
        values.append(np.asarray(leaf, dtype=object).reshape(-1) if _is_strings(
            np.asarray(leaf)) or isinstance(leaf, (str, bytes)) else
            torch.as_tensor(leaf).reshape(-1))
    flat = np.concatenate(indices).astype(np.int64) if indices else \
        np.zeros((0, len(row_shape) + 1), np.int64)
    return SparseTensor(flat, _concat_values(values), [len(leaves)] + dims,
                        static_shape=(None,) + tuple(row_shape))


def to_torch(sp: SparseTensor, dtype: Optional[torch.dtype] = None,
             device: Optional[torch.device] = None) -> torch.Tensor:
    """The torch sparse COO tensor of ``sp`` (coalesced; values cast to ``dtype``): what a
    model takes a ``tf.SparseTensor`` input as."""
    if _is_strings(sp.values):
        raise ValueError("Failed to convert a SparseTensor of strings to a Tensor: torch has "
                         "no string tensors (turn the strings into numbers first).")
    values = sp.values if dtype is None else sp.values.to(dtype)
    tensor = torch.sparse_coo_tensor(sp.indices.t(), values, sp.shape, device=device,
                                     check_invariants=True)
    return tensor.coalesce()  # (rows sorted, duplicates summed, as tf.sparse.reorder)


def take_rows(tensor: torch.Tensor, index: Any) -> torch.Tensor:
    """Rows ``index`` (a slice or an index tensor) of a torch sparse COO tensor: a batch of
    a sparse ``x`` (torch sparse tensors take no slice)."""
    if isinstance(index, slice):
        start, stop, _ = index.indices(tensor.shape[0])
        return tensor.narrow_copy(0, start, max(stop - start, 0))
    return tensor.index_select(0, index.to(tensor.device))
