"""``tf.sparse``: the functions tutorials apply to a ``tf.SparseTensor`` (sparse.py):
``from_dense``, ``to_dense``, ``reorder``, ``reshape``, ``reset_shape``, ``expand_dims``,
``concat``, ``slice``, ``add``, ``map_values``, ``sparse_dense_matmul``, ``transpose``,
``reduce_max``, ``reduce_sum``. Results equal TF's,
indices order included (compat/test_sparse_data.py)."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

import numpy as np
import torch

from torchkeras.data import sparse
from torchkeras.data.sparse import SparseTensor
from torchkeras.data.structure import with_numpy

__all__ = ["SparseTensor", "add", "concat", "expand_dims", "from_dense", "map_values",
           "reduce_max", "reduce_sum", "reorder", "reset_shape", "reshape", "slice",
           "sparse_dense_matmul", "to_dense", "transpose"]


def to_dense(sp_input: SparseTensor, default_value: Any = None, validate_indices: bool = True,
             name: Optional[str] = None) -> Any:
    """``tf.sparse.to_dense``: the dense array, ``default_value`` (0 or b'') elsewhere; a
    string result has ``.numpy()`` (object array of ``bytes``), as TF's."""
    return with_numpy(sparse.to_dense(sp_input, default_value, validate_indices, name))


def _check(sp_input: Any, caller: str) -> SparseTensor:
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"`tf.sparse.{caller}` expects a SparseTensor, received: "
                        f"{type(sp_input).__name__}.")
    return sp_input


def _take(values: Any, order: Any) -> Any:
    """``values[order]`` for torch values and NumPy string arrays."""
    if isinstance(values, np.ndarray):
        return values[np.asarray(order, dtype=np.int64)]
    return values[torch.as_tensor(order, dtype=torch.int64)]


def _linear(indices: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """Row-major positions of ``indices`` ``(n, rank)`` in ``shape``."""
    strides = torch.tensor(np.cumprod([1] + list(shape[::-1]))[:-1][::-1].copy(),
                           dtype=torch.int64)
    return (indices * strides).sum(1) if indices.numel() else \
        torch.zeros(indices.shape[0], dtype=torch.int64)


def from_dense(tensor: Any, name: Optional[str] = None) -> SparseTensor:
    """The non-zero (non-empty string) entries of ``tensor``, in row-major order."""
    if isinstance(tensor, np.ndarray) and tensor.dtype.kind in "USO":
        where = np.argwhere(np.vectorize(lambda v: len(v) > 0, otypes=[bool])(tensor)) \
            if tensor.size else np.zeros((0, tensor.ndim), np.int64)
        return SparseTensor(where, np.asarray([tensor[tuple(i)] for i in where], dtype=object),
                            list(tensor.shape))
    tensor = torch.as_tensor(tensor)
    where = torch.nonzero(tensor)  # (n, rank), row-major
    return SparseTensor(where, tensor[tuple(where.t())] if where.numel() else
                        tensor.reshape(-1)[:0], list(tensor.shape))


def reorder(sp_input: SparseTensor, name: Optional[str] = None) -> SparseTensor:
    """The same SparseTensor with its indices in row-major order."""
    sp = _check(sp_input, "reorder")
    order = torch.argsort(_linear(sp.indices, sp.shape), stable=True)
    return SparseTensor(sp.indices[order], _take(sp.values, order), sp.dense_shape,
                        static_shape=sp.static_shape)


def reshape(sp_input: SparseTensor, shape: Any, name: Optional[str] = None) -> SparseTensor:
    """``tf.sparse.reshape``: one dimension may be -1."""
    sp = _check(sp_input, "reshape")
    target = [int(d) for d in (shape.tolist() if hasattr(shape, "tolist") else shape)]
    total = int(np.prod(sp.shape, dtype=np.int64))
    if target.count(-1) > 1:
        raise ValueError(f"`tf.sparse.reshape`: at most one dimension can be -1, received "
                         f"shape={target}.")
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
        target[target.index(-1)] = total // known if known else 0
    if int(np.prod(target, dtype=np.int64)) != total:
        raise ValueError(f"`tf.sparse.reshape`: Input to reshape is a SparseTensor with "
                         f"{total} dense values, but the requested shape has "
                         f"{int(np.prod(target, dtype=np.int64))}; input shape "
                         f"{list(sp.shape)}, requested shape {target}.")
    linear = _linear(sp.indices, sp.shape)
    columns = []
    for size in reversed(target):
        columns.append(linear % size if size else linear)
        linear = linear // size if size else linear
    indices = torch.stack(columns[::-1], 1) if columns else sp.indices[:, :0]
    return SparseTensor(indices, sp.values, target)


def reset_shape(sp_input: SparseTensor, new_shape: Any = None) -> SparseTensor:
    """The same entries with dense shape ``new_shape`` (each at least the current bounds),
    or the tight bounding shape when ``new_shape`` is None."""
    sp = _check(sp_input, "reset_shape")
    if new_shape is None:
        bounds = (sp.indices.max(0).values + 1).tolist() if sp.indices.numel() else \
            [0] * sp.rank
        return SparseTensor(sp.indices, sp.values, bounds)
    target = [int(d) for d in (new_shape.tolist() if hasattr(new_shape, "tolist")
                               else new_shape)]
    if len(target) != sp.rank or any(t < s for t, s in zip(target, sp.shape)):
        raise ValueError(f"`tf.sparse.reset_shape`: new_shape {target} must have rank "
                         f"{sp.rank} and be at least the current shape {list(sp.shape)}.")
    return SparseTensor(sp.indices, sp.values, target)


def expand_dims(sp_input: SparseTensor, axis: Optional[int] = None,
                name: Optional[str] = None) -> SparseTensor:
    """A size-1 dimension inserted at ``axis`` (-1: last)."""
    sp = _check(sp_input, "expand_dims")
    axis = -1 if axis is None else int(axis)
    if not -sp.rank - 1 <= axis <= sp.rank:
        raise ValueError(f"`tf.sparse.expand_dims`: axis {axis} is out of range for a "
                         f"SparseTensor of rank {sp.rank}.")
    axis = axis + sp.rank + 1 if axis < 0 else axis
    zeros = torch.zeros((sp.indices.shape[0], 1), dtype=torch.int64)
    indices = torch.cat([sp.indices[:, :axis], zeros, sp.indices[:, axis:]], 1)
    shape = list(sp.shape[:axis]) + [1] + list(sp.shape[axis:])
    return SparseTensor(indices, sp.values, shape)


def concat(axis: int, sp_inputs: Sequence[SparseTensor], expand_nonconcat_dims: bool = False,
           name: Optional[str] = None) -> SparseTensor:
    """The SparseTensors joined along ``axis`` (indices in row-major order)."""
    parts = [_check(sp, "concat") for sp in sp_inputs]
    rank = parts[0].rank
    axis = int(axis) + rank if int(axis) < 0 else int(axis)
    shapes = [list(sp.shape) for sp in parts]
    others = [[s[d] for d in range(rank) if d != axis] for s in shapes]
    if not expand_nonconcat_dims and any(o != others[0] for o in others):
        raise ValueError(f"`tf.sparse.concat`: the SparseTensors' shapes must match except "
                         f"along axis {axis}, received shapes {shapes}.")
    offset, indices, values = 0, [], []
    for sp, shape in zip(parts, shapes):
        moved = sp.indices.clone()
        moved[:, axis] += offset
        offset += shape[axis]
        indices.append(moved)
        values.append(sp.values)
    out_shape = [max(s[d] for s in shapes) for d in range(rank)]
    out_shape[axis] = offset
    joined = np.concatenate(values) if isinstance(values[0], np.ndarray) else torch.cat(values)
    return reorder(SparseTensor(torch.cat(indices), joined, out_shape))


def slice(sp_input: SparseTensor, start: Sequence[int], size: Sequence[int],  # noqa: A001
          name: Optional[str] = None) -> SparseTensor:
    """The entries inside ``[start, start + size)``, re-indexed from ``start``; the dense
    shape is clipped to the input's bounds."""
    sp = _check(sp_input, "slice")
    start_t = torch.as_tensor([int(v) for v in start], dtype=torch.int64)
    size_t = torch.as_tensor([int(v) for v in size], dtype=torch.int64)
    end = torch.minimum(start_t + size_t, sp.dense_shape)
    inside = ((sp.indices >= start_t) & (sp.indices < end)).all(1) if sp.indices.numel() \
        else torch.zeros(0, dtype=torch.bool)
    keep = torch.nonzero(inside).reshape(-1)
    shape = torch.clamp(end - start_t, min=0)
    return SparseTensor(sp.indices[keep] - start_t, _take(sp.values, keep), shape.tolist())


def add(a: Any, b: Any, threshold: Any = 0) -> Any:
    """Sparse + sparse (a SparseTensor; entries summed where both have one, indices in
    row-major order) or sparse + dense (a dense tensor)."""
    if not isinstance(a, SparseTensor) or not isinstance(b, SparseTensor):
        dense = [to_dense(x) if isinstance(x, SparseTensor) else torch.as_tensor(x)
                 for x in (a, b)]
        return dense[0] + dense[1]
    if a.shape != b.shape:
        raise ValueError(f"`tf.sparse.add`: operands' shapes do not match: {list(a.shape)} "
                         f"vs. {list(b.shape)}.")
    linear = torch.cat([_linear(a.indices, a.shape), _linear(b.indices, b.shape)])
    values = torch.cat([a.values, b.values.to(a.values.dtype)])
    unique, inverse = torch.unique(linear, sorted=True, return_inverse=True)
    sums = torch.zeros(len(unique), dtype=values.dtype).index_add_(0, inverse, values)
    keep = sums.abs() >= threshold if threshold else torch.ones_like(sums, dtype=torch.bool)
    indices = _linear_to_indices(unique, a.shape)  # (n, rank), row-major
    return SparseTensor(indices[keep], sums[keep], list(a.shape))


def _linear_to_indices(linear: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    columns: List[torch.Tensor] = []
    for size in reversed(list(shape)):
        columns.append(linear % size)
        linear = linear // size
    return torch.stack(columns[::-1], 1) if columns else linear.reshape(-1, 0)


def map_values(op: Callable, *args: Any, **kwargs: Any) -> SparseTensor:
    """``op`` applied to the values of the SparseTensor argument(s) (same indices)."""
    sparse_args = [a for a in list(args) + list(kwargs.values()) if isinstance(a, SparseTensor)]
    if not sparse_args:
        raise ValueError("`tf.sparse.map_values`: no SparseTensor in the arguments.")
    first = sparse_args[0]
    for other in sparse_args[1:]:
        if not torch.equal(other.indices, first.indices) or other.shape != first.shape:
            raise ValueError("`tf.sparse.map_values`: SparseTensor arguments must have the "
                             "same indices and dense shape.")
    values = op(*[a.values if isinstance(a, SparseTensor) else a for a in args],
                **{k: v.values if isinstance(v, SparseTensor) else v for k, v in kwargs.items()})
    return SparseTensor(first.indices, values, first.dense_shape,
                        static_shape=first.static_shape)


def sparse_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False, adjoint_b: bool = False,
                        name: Optional[str] = None) -> torch.Tensor:
    """``sp_a @ b`` (either operand sparse) as a dense tensor."""
    a_dense = to_dense(sp_a) if isinstance(sp_a, SparseTensor) else torch.as_tensor(sp_a)
    b_dense = to_dense(b) if isinstance(b, SparseTensor) else torch.as_tensor(b)
    a_dense = a_dense.transpose(-1, -2) if adjoint_a else a_dense
    b_dense = b_dense.transpose(-1, -2) if adjoint_b else b_dense
    return a_dense @ b_dense.to(a_dense.dtype)


def transpose(sp_input: SparseTensor, perm: Optional[Sequence[int]] = None,
              name: Optional[str] = None) -> SparseTensor:
    """The dimensions permuted by ``perm`` (reversed by default); indices re-sorted."""
    sp = _check(sp_input, "transpose")
    order = list(range(sp.rank))[::-1] if perm is None else [int(p) for p in perm]
    if sorted(order) != list(range(sp.rank)):
        raise ValueError(f"`tf.sparse.transpose`: perm {order} is not a permutation of "
                         f"{list(range(sp.rank))}.")
    return reorder(SparseTensor(sp.indices[:, order], sp.values,
                                [sp.shape[d] for d in order]))


def _reduce(sp: SparseTensor, axis: Any, keepdims: bool, op: str) -> torch.Tensor:
    """TF's sparse reductions: over the stored values only (implicit zeros ignored for
    max, as ``tf.sparse.reduce_max``)."""
    dense = to_dense(sp)
    if op == "max":
        present = torch.zeros(sp.shape, dtype=torch.bool)
        if sp.indices.numel():
            present[tuple(sp.indices.t())] = True
        low = torch.finfo(dense.dtype).min if dense.is_floating_point() else \
            torch.iinfo(dense.dtype).min
        dense = torch.where(present, dense, torch.tensor(low, dtype=dense.dtype))
    dims = list(range(sp.rank)) if axis is None else [
        int(a) % sp.rank for a in np.asarray(axis).reshape(-1)]
    return dense.amax(dims, keepdim=bool(keepdims)) if op == "max" else \
        dense.sum(dims, keepdim=bool(keepdims))


def reduce_max(sp_input: SparseTensor, axis: Any = None, keepdims: Optional[bool] = None,
               output_is_sparse: bool = False, name: Optional[str] = None) -> torch.Tensor:
    """The maximum of the stored values (along ``axis``), a dense tensor."""
    if output_is_sparse:
        raise ValueError("`tf.sparse.reduce_max(output_is_sparse=True)` is not provided by "
                         "torchkeras; take `tf.sparse.from_dense` of the dense result.")
    return _reduce(_check(sp_input, "reduce_max"), axis, bool(keepdims), "max")


def reduce_sum(sp_input: SparseTensor, axis: Any = None, keepdims: Optional[bool] = None,
               output_is_sparse: bool = False, name: Optional[str] = None) -> torch.Tensor:
    """The sum of the values (along ``axis``), a dense tensor."""
    if output_is_sparse:
        raise ValueError("`tf.sparse.reduce_sum(output_is_sparse=True)` is not provided by "
                         "torchkeras; take `tf.sparse.from_dense` of the dense result.")
    return _reduce(_check(sp_input, "reduce_sum"), axis, bool(keepdims), "sum")
