"""``keras.ops.linalg``: norms, inverses, decompositions and solvers on torch."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import torch

from torchkeras.backend import config
from torchkeras.backend.dtypes import to_torch_dtype
from torchkeras.ops.core import convert_to_tensor

Tensor = torch.Tensor


def _f(x: Any) -> Tensor:
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(config.floatx()))


def norm(x: Any, ord: Union[None, int, float, str] = None,  # noqa: A002 (Keras's name)
         axis: Optional[Union[int, Sequence[int]]] = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm (NumPy's ``norm``; integer inputs give floatx)."""
    x = _f(x)
    if isinstance(axis, int):
        axis = (axis,)
    if axis is None and ord is None:
        out = torch.linalg.vector_norm(x.reshape(-1))
        return out.reshape((1,) * x.ndim) if keepdims else out
    if axis is None:
        axis = tuple(range(x.ndim))
    axis = tuple(axis)
    if len(axis) == 1:
        return torch.linalg.vector_norm(x, ord=2 if ord is None else ord, dim=axis,
                                        keepdim=keepdims)
    if len(axis) == 2:
        return torch.linalg.matrix_norm(x, ord="fro" if ord is None else ord, dim=axis,
                                        keepdim=keepdims)
    raise ValueError(f"Invalid axis values. Received: axis={axis}")


def inv(x: Any) -> Tensor:
    """Matrix inverse."""
    return torch.linalg.inv(_f(x))


def det(x: Any) -> Tensor:
    """Matrix determinant."""
    return torch.linalg.det(_f(x))


def solve(a: Any, b: Any) -> Tensor:
    """``x`` with ``a @ x = b``."""
    return torch.linalg.solve(_f(a), _f(b))


def solve_triangular(a: Any, b: Any, lower: bool = False) -> Tensor:
    """``x`` with ``a @ x = b`` for triangular ``a``."""
    return torch.linalg.solve_triangular(_f(a), _f(b), upper=not lower)


def cholesky(x: Any, upper: bool = False) -> Tensor:
    """Cholesky factor of a symmetric positive-definite matrix."""
    return torch.linalg.cholesky(_f(x), upper=upper)


def eig(x: Any) -> Tuple[Tensor, Tensor]:
    """Eigenvalues and eigenvectors of a square matrix."""
    return torch.linalg.eig(_f(x))


def eigh(x: Any) -> Tuple[Tensor, Tensor]:
    """Eigenvalues and eigenvectors of a symmetric matrix."""
    return torch.linalg.eigh(_f(x))


def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``(u, s, vh)``, or ``s`` alone."""
    x = _f(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return torch.linalg.svd(x, full_matrices=full_matrices)


def lstsq(a: Any, b: Any, rcond: Optional[float] = None) -> Tensor:
    """Least-squares solution of ``a @ x = b``."""
    a, b = _f(a), _f(b)
    squeeze = b.ndim == 1
    out = torch.linalg.lstsq(a, b[:, None] if squeeze else b, rcond=rcond,
                             driver="gelsd" if a.device.type == "cpu" else None).solution
    return out[:, 0] if squeeze else out


def lu_factor(x: Any) -> Tuple[Tensor, Tensor]:
    """LU factorisation ``(lu, pivots)`` (pivots 0-based, as Keras)."""
    lu, pivots = torch.linalg.lu_factor(_f(x))
    return lu, pivots - 1


def slogdet(x: Any) -> Tuple[Tensor, Tensor]:
    """``(sign, log|det|)`` of a (batch of) square matrices."""
    return tuple(torch.linalg.slogdet(_f(x)))


def pinv(x: Any, rcond: Optional[float] = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse (``rcond``: relative cut-off of small singular
    values)."""
    return torch.linalg.pinv(_f(x), rtol=rcond)


def matrix_rank(x: Any, tol: Optional[float] = None) -> Tensor:
    """The rank of a (batch of) matrices (int32; ``tol``: absolute singular-value cut-off)."""
    return torch.linalg.matrix_rank(_f(x), atol=tol).to(torch.int32)


def cholesky_inverse(x: Any, upper: bool = False) -> Tensor:
    """The inverse of ``A`` from its Cholesky factor ``x`` (lower unless ``upper``)."""
    return torch.cholesky_inverse(_f(x), upper=upper)


def jvp(fun: Any, primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> Tuple[Any, ...]:
    """``(fun(*primals), J @ tangents)``, and ``aux`` when ``has_aux`` (forward-mode AD)."""
    primals = tuple(convert_to_tensor(p) for p in primals)
    tangents = tuple(convert_to_tensor(t) for t in tangents)
    return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)


__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
           "lu_factor", "matrix_rank", "norm", "pinv", "slogdet", "solve", "solve_triangular",
           "svd"]
