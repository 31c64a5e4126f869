"""Layer weights: torch storage, Keras view.

A weight is stored as a ``torch.nn.Parameter`` (trainable) or a buffer (non-trainable) in
whatever layout torch computes fastest. :class:`WeightLayout` converts between that storage
and Keras's layout (what ``get_weights()``, ``set_weights()`` and files see), in one place
per layer. :class:`KerasVariable` is the Keras-facing view: ``name`` like ``'dense/kernel:0'``,
``shape`` in Keras layout, ``numpy()``, ``assign()``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import torch


def _identity(tensor: torch.Tensor) -> torch.Tensor:
    return tensor


@dataclass(frozen=True)
class WeightLayout:
    """How a weight's torch storage maps to Keras's layout.

    Example: a Conv2D kernel stored OIHW and seen by Keras as (kh, kw, in, out)::

        WeightLayout(to_keras=lambda w: w.permute(2, 3, 1, 0),
                     from_keras=lambda w: w.permute(3, 2, 0, 1))

    ``memory_format`` is the strides the storage is created with (``torch.channels_last``
    for a kernel that meets channels_last inputs: the convolution then needs no per-call
    weight copy); ``set_weights``/``assign`` copy into the storage and keep them.
    """
    to_keras: Callable[[torch.Tensor], torch.Tensor] = _identity
    from_keras: Callable[[torch.Tensor], torch.Tensor] = _identity
    memory_format: torch.memory_format = torch.contiguous_format


KERAS_LAYOUT = WeightLayout()


@dataclass
class WeightSpec:
    """What a layer knows about one of its weights."""
    attr_name: str            # attribute of the layer holding the torch tensor
    name: str                 # Keras name, e.g. 'kernel'
    keras_shape: Tuple[int, ...]
    trainable: bool
    layout: WeightLayout = field(default=KERAS_LAYOUT)
    regularizer: Optional[Callable] = None
    constraint: Optional[Callable] = None


def is_model(layer: Any) -> bool:
    """Whether ``layer`` is a Model (its class sets the marker ``_is_model``; models add no
    name scope to their layers' weight names). A function, not a Layer attribute, so it
    cannot clash with an attribute a user's Layer subclass sets."""
    return getattr(layer, "_is_model", False)


def name_scopes(layer: Any) -> List[str]:
    """The name scopes Keras 2 puts before a layer's weight names: the layer's own name,
    preceded by the layers that contain it (models add no scope; a wrapper that declares
    ``_hides_child_scope``, as TimeDistributed, replaces its child's scope by its own)."""
    scopes = [layer.name]
    parent_ref = layer.__dict__.get("_parent_layer_ref")
    parent = parent_ref() if parent_ref is not None else None
    while parent is not None and not is_model(parent):
        if getattr(parent, "_hides_child_scope", False):
            scopes.pop(0)
        scopes.insert(0, parent.name)
        parent_ref = parent.__dict__.get("_parent_layer_ref")
        parent = parent_ref() if parent_ref is not None else None
    return scopes


class _LayoutView(torch.Tensor):
    """A weight in Keras layout whose ``.grad`` reads (and converts) the storage's gradient."""

    __torch_function__ = torch._C._disabled_torch_function_impl  # results are plain tensors

    @property
    def grad(self) -> Optional[torch.Tensor]:
        grad = self._storage.grad
        return None if grad is None else self._to_keras(grad)


class KerasVariable:
    """Keras's view of one layer weight (what ``layer.weights`` lists)."""

    def __init__(self, layer: Any, spec: WeightSpec):
        self._layer = layer
        self._spec = spec

    @property
    def spec(self) -> WeightSpec:
        """What this weight is: its attribute, Keras name and shape, layout, regularizer and
        constraint (shared by every view of the same layer weight)."""
        return self._spec

    @property
    def tensor(self) -> torch.Tensor:
        """The torch storage (a Parameter or buffer); use it for torch-side work."""
        return getattr(self._layer, self._spec.attr_name)

    @property
    def value(self) -> torch.Tensor:
        """The weight in Keras layout (a view of the storage where possible).

        Its ``.grad`` is the storage's gradient in Keras layout, so Keras 3's torch idiom
        ``[v.value.grad for v in model.trainable_weights]`` works for every weight.
        """
        storage = self.tensor
        view = self._spec.layout.to_keras(storage)
        if view is storage:
            return view
        view = view.as_subclass(_LayoutView)
        view._storage, view._to_keras = storage, self._spec.layout.to_keras
        return view

    @property
    def name(self) -> str:
        """Keras 2's variable name, e.g. ``'dense/kernel:0'`` or, for a weight of a layer
        inside another layer, ``'bidirectional/forward_lstm/lstm_cell/kernel:0'``."""
        return f"{self.path}:0"

    @property
    def path(self) -> str:
        return "/".join(name_scopes(self._layer) + [self._spec.name])

    @property
    def shape(self) -> Tuple[int, ...]:
        return tuple(self._spec.keras_shape)

    @property
    def dtype(self) -> str:
        return str(self.tensor.dtype).replace("torch.", "")

    @property
    def trainable(self) -> bool:
        return self._spec.trainable and self._layer.trainable

    def numpy(self) -> np.ndarray:
        return self.value.detach().cpu().numpy().copy()

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    def assign(self, value: Any) -> "KerasVariable":
        """Set the weight from a Keras-layout array or tensor of the same shape."""
        target = self.tensor
        new = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor)
                              else value, dtype=target.dtype, device=target.device)
        if tuple(new.shape) != self.shape:
            raise ValueError(f"Cannot assign value of shape {tuple(new.shape)} to variable "
                             f"'{self.name}' of shape {self.shape}.")
        with torch.no_grad():
            target.copy_(self._spec.layout.from_keras(new))
        return self

    def __repr__(self) -> str:
        values = np.array2string(self.numpy(), separator=", ", threshold=20)
        return (f"<KerasVariable '{self.name}' shape={self.shape} dtype={self.dtype}, "
                f"numpy=\n{values}>")

    def __eq__(self, other: Any) -> bool:
        # Also equal to the storage itself, the Keras 3 Variable `add_weight` returned:
        # `layer.weights == [layer.w, layer.b]` holds, as in Keras.
        if isinstance(other, torch.Tensor):
            return other is self.tensor
        return isinstance(other, KerasVariable) and other._layer is self._layer and \
            other._spec is self._spec

    def __hash__(self) -> int:
        return hash((id(self._layer), self._spec.attr_name))


def weight_spec(value: Any) -> Optional[WeightSpec]:
    """The :class:`WeightSpec` of a :class:`KerasVariable`; ``None`` for a plain tensor."""
    return value.spec if isinstance(value, KerasVariable) else None
