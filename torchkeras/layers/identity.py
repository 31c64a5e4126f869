"""``Identity``: a placeholder layer that returns its inputs unchanged (Keras 2 and 3)."""
from __future__ import annotations

from typing import Any

from torchkeras.layers.base import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """Returns ``inputs`` as they are (any structure); masks pass through.

    >>> Identity()(np.ones((2, 3))).shape
    torch.Size([2, 3])
    """

    def __init__(self, trainable: bool = True, name: Any = None, **kwargs: Any):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
