"""``Input()`` and ``InputLayer``: where a functional graph starts."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from torchkeras import backend
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.node import Node
from torchkeras.layers.base import Layer


class InputLayer(Layer):
    """The layer behind ``Input``; holds the graph's input KerasTensor."""

    _string_input = False

    def __init__(self, input_shape: Optional[Sequence[Optional[int]]] = None,
                 batch_size: Optional[int] = None, dtype: Any = None,
                 input_tensor: Any = None, sparse: Optional[bool] = None,
                 name: Optional[str] = None, ragged: Optional[bool] = None,
                 batch_input_shape: Optional[Sequence[Optional[int]]] = None,
                 shape: Optional[Sequence[Optional[int]]] = None, batch_shape=None,
                 **kwargs: Any):
        if shape is not None and input_shape is None:
            input_shape = shape
        if batch_shape is not None and batch_input_shape is None:
            batch_input_shape = batch_shape
        if name is None:
            name = _input_name()
        # "string" (or tf.string): NumPy strings flow in; there is no torch dtype for them.
        string = str(getattr(dtype, "name", dtype)) == "string"
        super().__init__(name=name, dtype=None if string else dtype, **kwargs)
        self._string_input = string
        if batch_input_shape is not None:
            shape_tuple = tuple(batch_input_shape)
        elif input_shape is not None:
            shape_tuple = (batch_size,) + tuple(input_shape)
        else:
            raise ValueError("You must pass an `input_shape` or `batch_input_shape` argument "
                             "to InputLayer (or `shape` to `Input`).")
        self._batch_input_shape = shape_tuple
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.built = True
        tensor = KerasTensor(shape_tuple, "string" if string else self.dtype, name=self.name,
                             sparse=self.sparse)
        Node(self, (), {}, tensor)
        self._input_tensor = tensor

    @property
    def dtype(self) -> str:
        return "string" if self._string_input else super().dtype

    @property
    def _accepts_string_inputs(self) -> bool:  # type: ignore[override]
        return self._string_input

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name}


def _input_name() -> str:
    # Keras 2 numbers inputs from 1: input_1, input_2, ...
    return f"input_{backend.get_uid('input') + 1}"


def Input(shape: Optional[Sequence[Optional[int]]] = None, batch_size: Optional[int] = None,
          name: Optional[str] = None, dtype: Any = None, sparse: Optional[bool] = None,
          tensor: Any = None, ragged: Optional[bool] = None,
          batch_shape: Optional[Sequence[Optional[int]]] = None, **kwargs: Any) -> KerasTensor:
    """A symbolic input: ``x = Input(shape=(784,))`` has shape ``(None, 784)``."""
    if "batch_input_shape" in kwargs:
        batch_shape = kwargs.pop("batch_input_shape")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if shape is None and batch_shape is None:
        raise ValueError("Please provide to Input a `shape` or a `tensor` or a `type_spec` "
                         "argument. Note that `shape` does not include the batch dimension.")
    if isinstance(shape, int):
        shape = (shape,)
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, ragged=ragged, batch_input_shape=batch_shape)
    return layer._input_tensor
