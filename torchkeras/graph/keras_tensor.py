"""Symbolic tensors: what ``Input()`` and layers called on it return."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

Shape = Tuple[Optional[int], ...]


def is_keras_tensor(value: Any) -> bool:
    """Whether ``value`` is a symbolic tensor (a :class:`KerasTensor` or one that says so)."""
    return getattr(value, "_is_keras_tensor", False)


def keras_history(value: Any) -> Any:
    """``(layer, node_index, tensor_index)`` of the layer call that produced the symbolic
    tensor ``value`` (Keras's ``_keras_history``), or ``None`` for any other value."""
    return getattr(value, "_keras_history", None)


def inbound_nodes(layer: Any) -> list:
    """The graph nodes of ``layer``: one per call on symbolic tensors (Keras's
    ``_inbound_nodes``); ``[]`` for an object that is not a layer."""
    return getattr(layer, "_inbound_nodes", [])


class KerasDType(str):
    """A KerasTensor's dtype: its Keras name (``"float32"``), which also equals that dtype
    given as a torch dtype (``tf.float32`` here) or as an object naming it (``tf.string``),
    as TensorFlow's ``DType`` compares (``input.dtype == tf.float32`` in tutorials)."""

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str):
            return str.__eq__(self, other)
        if isinstance(other, torch.dtype):
            return str(other) == f"torch.{self}"
        name = getattr(other, "name", None)
        return isinstance(name, str) and str.__eq__(self, name)

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


class KerasTensor:
    """A placeholder with a shape (batch dim ``None``) and dtype, remembering which layer
    call produced it (``_keras_history``)."""

    _is_keras_tensor = True

    def __init__(self, shape: Shape, dtype: str = "float32", name: Optional[str] = None,
                 keras_history: Any = None):
        self.shape = tuple(shape)
        self.dtype = KerasDType(dtype) if isinstance(dtype, str) else dtype
        self.name = name
        self._keras_history = keras_history  # (layer, node_index, tensor_index)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def get_shape(self) -> Shape:
        return self.shape

    @property
    def node(self):
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self) -> str:
        layer = self._keras_history[0].name if self._keras_history else None
        return (f"<KerasTensor: shape={self.shape} dtype={self.dtype} "
                f"(created by layer '{layer}')>")

    def __len__(self) -> int:
        raise TypeError("Keras symbolic inputs/outputs do not implement `__len__`. You may be "
                        "trying to pass Keras symbolic inputs/outputs to a function that does "
                        "not accept them.")

    def __array__(self, *args, **kwargs):
        raise TypeError(f"You are passing {self!r}, an intermediate Keras symbolic input/output, "
                        "to a function that does not allow it (e.g. a NumPy call). Wrap the "
                        "operation in a layer (e.g. keras.layers.Lambda) instead.")

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return self is other
