"""``np.min(t)``, ``np.mean(t)``, ``np.sum(t, axis=0)`` ... on torch tensors, as on TF's eager
tensors.

NumPy's reductions (``min``, ``max``, ``sum``, ``prod``, ``any``, ``all``, ``mean``, ``std``,
``var``) call an object's own method of that name with NumPy's arguments (``axis=None,
out=None``) when it has one; torch tensors have those methods with other signatures, so
``np.min(image)`` raised "argument 'dim' must be int, not NoneType" where TF's tensor
(which has no such methods) is converted and reduced. The runner wraps those NumPy functions so
that a torch tensor goes to NumPy first (a NumPy scalar or array comes back, as with TF).
It changes module attributes of ``numpy`` for the process, hence opt-in like
``eager_tensor_numpy``; NumPy arrays and everything else take the original function.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import torch

__all__ = ["REDUCTIONS", "numpy_reductions_take_tensors"]

REDUCTIONS = ("all", "amax", "amin", "any", "max", "mean", "min", "prod", "std", "sum", "var")


def _as_array(value: Any) -> Any:
    if not isinstance(value, torch.Tensor):
        return value
    value = value.detach().cpu()
    if value.dtype == torch.bfloat16:  # NumPy has no bfloat16: TF's .numpy() neither
        value = value.float()
    return value.numpy()


def _tensor_aware(original: Callable) -> Callable:
    @functools.wraps(original)
    def reduction(a: Any, *args: Any, **kwargs: Any) -> Any:
        return original(_as_array(a), *args, **kwargs)

    reduction._torchkeras_tensor_aware = True  # type: ignore[attr-defined]
    return reduction


def numpy_reductions_take_tensors() -> None:
    """Wrap NumPy's reductions (once per process) so that they take torch tensors."""
    for name in REDUCTIONS:
        original = getattr(np, name, None)
        if original is None or getattr(original, "_torchkeras_tensor_aware", False):
            continue
        setattr(np, name, _tensor_aware(original))
