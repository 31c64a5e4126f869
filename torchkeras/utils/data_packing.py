"""``keras.utils.pack_x_y_sample_weight`` / ``unpack_x_y_sample_weight``: the ``data``
structure ``train_step`` receives (``x``, ``(x, y)`` or ``(x, y, sample_weight)``)."""
from __future__ import annotations

from typing import Any, Tuple


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """``x``, ``(x,)`` for a tuple/list ``x`` without ``y``, ``(x, y)`` or ``(x, y, sw)``.

    Example:
        >>> pack_x_y_sample_weight([1, 2], 3)
        ([1, 2], 3)
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> Tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``
    (missing entries are ``None``)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data}")
