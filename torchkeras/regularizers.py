"""Weight regularizers (``keras.regularizers``), as in Keras 2.

A regularizer is called on a weight in Keras layout and returns a scalar tensor (on the
weight's device, no host sync) that the model adds to its loss:

>>> L2(0.01)(torch.ones(2, 3))
tensor(0.0600)

Like tf-keras, penalty factors are stored as float32 values, so ``L2(0.01).get_config()``
is ``{'l2': 0.009999999776482582}``.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np
import torch

from torchkeras.registry.builtin_objects import register_builtin
from torchkeras.registry.serialization import (deserialize_keras_object,
                                             serialize_keras_object)


def _check_penalty_number(x: Any) -> None:
    if not isinstance(x, (float, int)):
        raise ValueError(f"Value {x} is not a valid regularization penalty number, "
                         "expected an int or float value.")
    if math.isinf(x) or math.isnan(x):
        raise ValueError(f"Value {x} is not a valid regularization penalty number, "
                         "an infinite number or NaN are not valid values.")


def _floatx_number(x: float) -> float:
    """``x`` rounded to float32, as tf-keras's ``backend.cast_to_floatx``."""
    return float(np.float32(x))


class Regularizer:
    """Base class: ``__call__(weight) -> scalar tensor``."""

    def __call__(self, x: torch.Tensor) -> Any:
        return 0.0

    def get_config(self) -> Dict[str, Any]:
        raise NotImplementedError(f"{self} does not implement get_config()")

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Regularizer":
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{self.__class__.__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        _check_penalty_number(l1)
        _check_penalty_number(l2)
        self.l1 = _floatx_number(l1)
        self.l2 = _floatx_number(l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        regularization = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1:
            regularization = regularization + self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            regularization = regularization + self.l2 * torch.sum(torch.square(x))
        return regularization

    def get_config(self) -> Dict[str, Any]:
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(Regularizer):
    """``l1 * sum(|x|)``."""

    def __init__(self, l1: float = 0.01, **kwargs: Any):
        l1 = kwargs.pop("l", l1)  # backwards compatibility
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l1 = 0.01 if l1 is None else l1
        _check_penalty_number(l1)
        self.l1 = _floatx_number(l1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l1 * torch.sum(torch.abs(x))

    def get_config(self) -> Dict[str, Any]:
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """``l2 * sum(x**2)`` (tf-keras: ``2 * l2 * tf.nn.l2_loss(x)``)."""

    def __init__(self, l2: float = 0.01, **kwargs: Any):
        l2 = kwargs.pop("l", l2)  # backwards compatibility
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l2 = 0.01 if l2 is None else l2
        _check_penalty_number(l2)
        self.l2 = _floatx_number(l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l2 * torch.sum(torch.square(x))

    def get_config(self) -> Dict[str, Any]:
        return {"l2": float(self.l2)}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (``mode='rows'``) or columns of a 2-D weight.

    ``factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)`` where ``P`` holds the cosine
    similarities between the ``n`` unit-normalised rows (or columns).
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        _check_penalty_number(factor)
        self.factor = _floatx_number(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError("Invalid value for argument `mode`. Expected one of "
                             f'{{"rows", "columns"}}. Received: mode={mode}')
        self.mode = mode

    def __call__(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape == {tuple(inputs.shape)}")
        if self.mode == "rows":
            inputs = _l2_normalize(inputs, dim=1)
            product = inputs @ inputs.T  # (rows, rows)
            size = inputs.shape[0]
        else:
            inputs = _l2_normalize(inputs, dim=0)
            product = inputs.T @ inputs  # (cols, cols)
            size = inputs.shape[1]
        off_diagonal = product * (1.0 - torch.eye(size, dtype=inputs.dtype,
                                                  device=inputs.device))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * torch.sum(torch.abs(off_diagonal)) / num_pairs

    def get_config(self) -> Dict[str, Any]:
        return {"factor": float(self.factor), "mode": self.mode}


def _l2_normalize(x: torch.Tensor, dim: int, epsilon: float = 1e-12) -> torch.Tensor:
    """tf.math.l2_normalize: ``x * rsqrt(max(sum(x**2), epsilon))``."""
    square_sum = torch.sum(torch.square(x), dim=dim, keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=epsilon))


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """An :class:`L1L2` with both penalties (defaults 0.01 each, as Keras 2)."""
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_REGULARIZERS: Dict[str, Any] = {
    "Regularizer": Regularizer, "L1L2": L1L2, "L1": L1, "L2": L2,
    "OrthogonalRegularizer": OrthogonalRegularizer, "l1": L1, "l2": L2,
    "l1_l2": l1_l2, "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer,
}
for _name, _obj in _REGULARIZERS.items():  # Keras 3's deserialize_keras_object finds them
    register_builtin("regularizers", _obj, _name)


def serialize(regularizer: Optional[Regularizer]) -> Optional[Dict[str, Any]]:
    """``{'class_name': 'L2', 'config': {'l2': 0.009999999776482582}}``."""
    return serialize_keras_object(regularizer)


def deserialize(config: Any, custom_objects: Optional[Dict[str, Any]] = None) -> Regularizer:
    """A regularizer from a config dict or a name (``'l2'`` is ``L2(0.01)``)."""
    if config == "l1_l2":
        return L1L2(l1=0.01, l2=0.01)
    return deserialize_keras_object(config, module_objects=_REGULARIZERS,
                                    custom_objects=custom_objects,
                                    printable_module_name="regularizer")


def get(identifier: Any) -> Optional[Regularizer]:
    """Resolve ``None``, a name, a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
