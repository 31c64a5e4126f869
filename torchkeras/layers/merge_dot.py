"""The Dot merge layer: batch dot product of two tensors (``Dot(axes, normalize)``, ``dot``)."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Union

import torch
import torch.nn.functional as F

from torchkeras.layers.base import Layer

__all__ = ["Dot", "dot"]


def batch_dot(x: torch.Tensor, y: torch.Tensor, axes: Sequence[int]) -> torch.Tensor:
    """Keras's ``batch_dot``: contract ``x``'s axis ``axes[0]`` with ``y``'s ``axes[1]``,
    per sample. The output has ``x``'s other axes then ``y``'s; (batch, 1) if none remain."""
    batch, size = x.shape[0], x.shape[axes[0]]
    x_rest = [d for i, d in enumerate(x.shape) if i not in (0, axes[0])]
    y_rest = [d for i, d in enumerate(y.shape) if i not in (0, axes[1])]
    left = x.movedim(axes[0], -1).reshape(batch, -1, size)   # (batch, Px, K)
    right = y.movedim(axes[1], 1).reshape(batch, size, -1)   # (batch, K, Py)
    out = torch.bmm(left, right)                             # (batch, Px, Py)
    if not x_rest and not y_rest:
        return out.reshape(batch, 1)
    return out.reshape([batch] + x_rest + y_rest)


class Dot(Layer):
    """Dot product of two samples along ``axes``; ``normalize=True`` gives the cosine.

    >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).shape
    torch.Size([2, 1])
    """

    def __init__(self, axes: Union[int, Sequence[int]], normalize: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Invalid type for argument `axes`: it should be a list or an "
                                f"int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain two "
                                 f"elements. Received: axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError("Invalid format for argument `axes`: list elements should be "
                                 f"integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _resolved_axes(self, rank1: int, rank2: int) -> List[int]:
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    @staticmethod
    def _check_list(input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs. Received: "
                             f"input_shape={input_shape}")

    def build(self, input_shape: Any) -> None:
        self._check_list(input_shape)
        shape1, shape2 = tuple(input_shape[0]), tuple(input_shape[1])
        axes = self._resolved_axes(len(shape1), len(shape2))
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis "
                             f"{axes[0]}) != {shape2[axes[1]]} (at axis {axes[1]}). Full input "
                             f"shapes: {shape1}, {shape2}")
        super().build(input_shape)

    def call(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        if len(inputs) != 2:
            raise ValueError("A `Dot` layer should be called on exactly 2 inputs. Received: "
                             f"inputs={inputs}")
        x1, x2 = inputs
        axes = self._resolved_axes(x1.dim(), x2.dim())
        if self.normalize:  # tf.linalg.l2_normalize: x * rsqrt(max(sum(x^2), 1e-12))
            x1 = x1 * torch.rsqrt(torch.clamp(torch.sum(x1 * x1, axes[0], keepdim=True), 1e-12))
            x2 = x2 * torch.rsqrt(torch.clamp(torch.sum(x2 * x2, axes[1], keepdim=True), 1e-12))
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_list(input_shape)
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolved_axes(len(shape1), len(shape2))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output = shape1 + shape2
        if len(output) == 1:
            output += [1]
        return tuple(output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs: Sequence[Any], axes: Union[int, Sequence[int]], normalize: bool = False,
        **kwargs: Any) -> Any:
    """Functional form of :class:`Dot`: ``dot([a, b], axes=1)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
