"""InputSpec: what a layer accepts, checked with Keras's error messages."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence


class InputSpec:
    """Rank, dtype and per-axis sizes a layer accepts, e.g. ``InputSpec(min_ndim=2, axes={-1: 4})``."""

    def __init__(self, dtype=None, shape: Optional[Sequence[Optional[int]]] = None,
                 ndim: Optional[int] = None, max_ndim: Optional[int] = None,
                 min_ndim: Optional[int] = None, axes: Optional[Dict[int, int]] = None,
                 allow_last_axis_squeeze: bool = False, name: Optional[str] = None):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape),
                                         ("ndim", self.ndim), ("max_ndim", self.max_ndim),
                                         ("min_ndim", self.min_ndim), ("axes", self.axes)) if v]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> Dict[str, Any]:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}


def _fmt(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def assert_input_compatibility(input_spec, inputs_shapes, layer_name: str) -> None:
    """Raise Keras's ValueError when an input does not match the layer's InputSpec.

    ``inputs_shapes`` is a list of shape tuples (``None`` for unknown dims).
    """
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if len(inputs_shapes) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
                         f"received {len(inputs_shapes)} input tensors.")
    for index, (spec, shape) in enumerate(zip(specs, inputs_shapes)):
        if spec is None or shape is None:
            continue
        ndim = len(shape)
        prefix = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(prefix + f"expected ndim={spec.ndim}, found ndim={ndim}. "
                             f"Full shape received: {_fmt(shape)}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(prefix + f"expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(prefix + f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {_fmt(shape)}")
        for axis, value in spec.axes.items():
            if value is None:
                continue
            if -ndim <= axis < ndim and shape[axis] not in (value, None):
                raise ValueError(prefix + f"expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {_fmt(shape)}")
        if spec.shape is not None:
            spec_shape, compared = tuple(spec.shape), tuple(shape)
            if spec.allow_last_axis_squeeze:  # (batch,) meets (None, 1), as tf-keras
                if compared and compared[-1] == 1:
                    compared = compared[:-1]
                if spec_shape and spec_shape[-1] == 1:
                    spec_shape = spec_shape[:-1]
            for spec_dim, dim in zip(spec_shape, compared):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise ValueError(prefix + f"expected shape={_fmt(spec.shape)}, found "
                                     f"shape={_fmt(shape)}")
