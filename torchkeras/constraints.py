"""Weight constraints (``keras.constraints``), as in Keras 2.

A constraint maps a weight in Keras layout to its projected value; the optimizer applies it
after each update. Norms are taken over ``axis`` of the Keras layout (``axis=0`` of a Dense
kernel ``(in, out)`` constrains each output unit's incoming weights):

>>> MaxNorm(2.0)(torch.tensor([[3.0], [4.0]]))   # norm 5 -> 2
tensor([[1.2000],
        [1.6000]])
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Union

import torch

from torchkeras.backend import epsilon
from torchkeras.registry.builtin_objects import register_builtin
from torchkeras.registry.serialization import (deserialize_keras_object,
                                             serialize_keras_object)

Axis = Union[int, Sequence[int]]


def _dims(axis: Axis):
    return axis if isinstance(axis, int) else tuple(axis)


def _norms(w: torch.Tensor, axis: Axis) -> torch.Tensor:
    return torch.sqrt(torch.sum(torch.square(w), dim=_dims(axis), keepdim=True))


class Constraint:
    """Base class: ``__call__(w) -> w`` (the identity)."""

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w

    def get_config(self) -> Dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Constraint":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class MaxNorm(Constraint):
    """Rescale slices whose L2 norm over ``axis`` exceeds ``max_value``.

    ``w * clip(norms, 0, max_value) / (epsilon + norms)``.
    """

    def __init__(self, max_value: float = 2, axis: Axis = 0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> Dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Zero the negative weights: ``w * (w >= 0)``."""

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w * (w >= 0.0).to(w.dtype)


class UnitNorm(Constraint):
    """Divide by the L2 norm over ``axis``: ``w / (epsilon + norms)``."""

    def __init__(self, axis: Axis = 0):
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self) -> Dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move norms over ``axis`` toward ``[min_value, max_value]`` at ``rate``.

    ``desired = rate * clip(norms, min_value, max_value) + (1 - rate) * norms``;
    ``w * desired / (epsilon + norms)``.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: Axis = 0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = (self.rate * torch.clamp(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> Dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class RadialConstraint(Constraint):
    """Make each ``(kh, kw)`` kernel of a Conv2D weight ``(kh, kw, in, out)`` radially
    symmetric, as tf-keras does: each square ring around the centre takes the value of one
    diagonal element of the kernel (tf-keras's exact choice of elements is reproduced).
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        if w.dim() != 4:
            raise ValueError("The weight tensor must have rank 4. "
                             f"Received weight tensor with shape: {tuple(w.shape)}")
        height, width = w.shape[0], w.shape[1]
        if height != width:
            raise ValueError("RadialConstraint needs square kernels. "
                             f"Received weight tensor with shape: {tuple(w.shape)}")
        index = _radial_index(height, w.device)  # (height, height) diagonal positions
        diagonal = w[torch.arange(height, device=w.device),
                     torch.arange(height, device=w.device)]  # (height, in, out)
        return diagonal[index]  # (height, height, in, out)


def _radial_index(size: int, device: torch.device) -> torch.Tensor:
    """Which diagonal element tf-keras's ring padding puts at each kernel position.

    tf-keras starts from ``kernel[s-1, s-1]`` (``s = size // 2``; a 2x2 block for even sizes)
    and pads rings of ``kernel[s+i, s+i]`` around it, ``i`` from 0 (odd) or 1 (even).
    """
    start = size // 2
    positions = torch.arange(size, device=device)
    if size % 2:
        ring = (positions - start).abs()  # 0 at the centre
        per_axis_offset = start - 1
    else:
        ring = torch.where(positions >= start, positions - start, start - 1 - positions)
        per_axis_offset = start
    rings = torch.maximum(ring[:, None], ring[None, :])  # (size, size)
    if size % 2:
        return per_axis_offset + rings
    return torch.where(rings == 0, torch.full_like(rings, start - 1), per_axis_offset + rings)


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
radial_constraint = RadialConstraint
maxnorm = max_norm
nonneg = non_neg
unitnorm = unit_norm

_CONSTRAINTS: Dict[str, Any] = {
    "Constraint": Constraint, "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm, "RadialConstraint": RadialConstraint, "max_norm": MaxNorm,
    "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
    "radial_constraint": RadialConstraint, "maxnorm": MaxNorm, "nonneg": NonNeg,
    "unitnorm": UnitNorm,
}
for _name, _obj in _CONSTRAINTS.items():  # Keras 3's deserialize_keras_object finds them
    register_builtin("constraints", _obj, _name)


def serialize(constraint: Optional[Constraint]) -> Optional[Dict[str, Any]]:
    """``{'class_name': 'MaxNorm', 'config': {'max_value': 2, 'axis': 0}}``."""
    return serialize_keras_object(constraint)


def deserialize(config: Any, custom_objects: Optional[Dict[str, Any]] = None) -> Constraint:
    """A constraint from a config dict or a name."""
    return deserialize_keras_object(config, module_objects=_CONSTRAINTS,
                                    custom_objects=custom_objects,
                                    printable_module_name="constraint")


def get(identifier: Any) -> Optional[Constraint]:
    """Resolve ``None``, a name (``'max_norm'``), a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint function identifier: {identifier}")
