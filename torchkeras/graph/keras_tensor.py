"""Symbolic tensors: what ``Input()`` and layers called on it return."""
from __future__ import annotations

from typing import Any, Optional, Tuple

from torchkeras.backend import config, symbolic

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


class DTypeName(str):
    """A dtype name (``'float32'``) that also equals the same dtype given as a torch/tf dtype
    (``tf.float32``), a NumPy dtype or type: ``x.dtype == tf.float32`` as in Keras."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return str(self)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str):
            return str.__eq__(self, other)
        try:
            return str.__eq__(self, config.standardize_dtype(other))
        except (TypeError, ValueError, KeyError, AttributeError):
            name = getattr(other, "name", None)  # an object naming a dtype (tf.string)
            return isinstance(name, str) and str.__eq__(self, name)

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


class KerasTensor:
    """A placeholder with a shape (batch dim ``None``) and dtype, remembering which layer
    call produced it (``_keras_history``)."""

    _is_keras_tensor = True

    def __init__(self, shape: Shape, dtype: str = "float32", name: Optional[str] = None,
                 keras_history: Any = None, sparse: bool = False):
        self.shape = tuple(shape)
        self.sparse = bool(sparse)  # an ``Input(sparse=True)``: takes a tf.SparseTensor
        self.dtype = DTypeName(dtype) if isinstance(dtype, str) else dtype
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

    def __eq__(self, other: Any) -> bool:  # identity: KerasTensors are keys of the graph
        return self is other

    # Operators record op layers of the graph (Keras 2's ``tf.math.multiply``, ...): see
    # torchkeras.layers.op_layer, which installs the handler.
    def __getitem__(self, index: Any) -> "KerasTensor":
        return symbolic.symbolic_call("__operators__.getitem", None, (self, index), {})

    def __iter__(self) -> Any:  # Keras 2's rule (else iter() would index without end)
        if not self.shape:
            raise TypeError("Cannot iterate over a scalar.")
        if self.shape[0] is None:
            raise TypeError("Cannot iterate over a Tensor with unknown first dimension.")
        return (self[i] for i in range(self.shape[0]))

    __array_ufunc__ = None  # `np.float32(2) * x`: NumPy defers to KerasTensor.__rmul__


def _binary(method: str, name: str) -> Any:
    def forward(self: KerasTensor, other: Any) -> Any:
        return symbolic.symbolic_call(name, None, (self, other), {})

    def reflected(self: KerasTensor, other: Any) -> Any:
        return symbolic.symbolic_call(name, None, (other, self), {})

    forward.__name__ = method
    reflected.__name__ = method.replace("__", "__r", 1)
    return forward, reflected


def _unary(method: str, name: str) -> Any:
    def apply(self: KerasTensor) -> Any:
        return symbolic.symbolic_call(name, None, (self,), {})
    apply.__name__ = method
    return apply


# Keras 2's op names (tf_keras records these; compat/generate_symbolic_ops.py checks them)
_BINARY = {"__add__": "__operators__.add", "__sub__": "math.subtract",
           "__mul__": "math.multiply", "__truediv__": "math.truediv",
           "__floordiv__": "compat.v1.floor_div", "__mod__": "math.floormod",
           "__pow__": "math.pow", "__matmul__": "linalg.matmul", "__and__": "math.logical_and",
           "__or__": "math.logical_or", "__xor__": "math.logical_xor"}
_COMPARISONS = {"__lt__": "math.less", "__le__": "math.less_equal",
                "__gt__": "math.greater", "__ge__": "math.greater_equal"}
_UNARY = {"__neg__": "math.negative", "__abs__": "math.abs",
          "__invert__": "math.logical_not"}

for _method, _name in _BINARY.items():
    _forward, _reflected = _binary(_method, _name)
    setattr(KerasTensor, _method, _forward)
    setattr(KerasTensor, _reflected.__name__, _reflected)
for _method, _name in _COMPARISONS.items():
    setattr(KerasTensor, _method, _binary(_method, _name)[0])
for _method, _name in _UNARY.items():
    setattr(KerasTensor, _method, _unary(_method, _name))
symbolic.register_symbolic_type(KerasTensor)
