"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax, ThresholdedReLU.

Keras 2 defaults and config keys (``LeakyReLU(alpha=0.3)``); Keras 3's ``negative_slope`` is
accepted by LeakyReLU too.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F

from torchkeras import activations, constraints, initializers, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.registry.builtin_objects import register_builtin

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]


class _ElementwiseActivation(Layer):
    """Shape-preserving, mask-preserving activation layer."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class ReLU(_ElementwiseActivation):
    """``max_value`` for x >= max_value, x for threshold <= x < max_value,
    ``negative_slope * (x - threshold)`` otherwise."""

    def __init__(self, max_value: Optional[float] = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. "
                             f"Received: {max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: {negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError("threshold of a ReLU layer cannot be a negative value. "
                             f"Received: {threshold}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.max_value is None and self.negative_slope == 0 and self.threshold == 0:
            return torch.relu(inputs)
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class LeakyReLU(_ElementwiseActivation):
    """``x`` for x >= 0, ``alpha * x`` otherwise; Keras 2 default ``alpha=0.3``."""

    def __init__(self, alpha: Optional[float] = None, negative_slope: Optional[float] = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if alpha is None:
            alpha = 0.3 if negative_slope is None else negative_slope  # Keras 3 name
        self.alpha = float(alpha)

    @property
    def negative_slope(self) -> float:
        return self.alpha

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(inputs, self.alpha)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class PReLU(_ElementwiseActivation):
    """Leaky ReLU with a learned slope ``alpha`` (one per input element; ``shared_axes``
    share it, e.g. ``shared_axes=[1, 2]`` for one slope per channel of an image)."""

    def __init__(self, alpha_initializer: Any = "zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None,
                 shared_axes: Optional[Union[int, Sequence[int]]] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes: Optional[List[int]] = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape: Any) -> None:
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            param_shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if self.shared_axes and i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.where(inputs > 0, inputs, self.alpha * inputs)  # alpha broadcasts

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config


class ELU(_ElementwiseActivation):
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("Alpha of an ELU layer cannot be None, expecting a float. "
                             f"Received: {alpha}")
        self.alpha = float(alpha)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.elu(inputs, self.alpha)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ThresholdedReLU(_ElementwiseActivation):
    """``x`` for x > theta, 0 otherwise."""

    def __init__(self, theta: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        if theta is None:
            raise ValueError("Theta of a Thresholded ReLU layer cannot be None, expecting a "
                             f"float. Received: {theta}")
        if theta < 0:
            raise ValueError("The theta value of a Thresholded ReLU layer should be >=0. "
                             f"Received: {theta}")
        self.theta = float(theta)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["theta"] = self.theta
        return config


class Softmax(_ElementwiseActivation):
    """Softmax over ``axis``; masked positions (mask 0) get ~zero probability (-1e9 added
    to their logits, as tf-keras)."""

    def __init__(self, axis: Union[int, Sequence[int]] = -1, robust_masking: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.robust_masking = robust_masking

    def call(self, inputs: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if mask is not None:
            if self.robust_masking:
                inputs = torch.where(mask.bool() if mask.dtype != torch.bool else mask, inputs,
                                     torch.full_like(inputs, -1e9))
            else:
                inputs = inputs + (1.0 - mask.to(inputs.dtype)) * -1e9
        axis = self.axis
        if isinstance(axis, list):
            if len(axis) > 1:
                return torch.exp(inputs - torch.logsumexp(inputs, dim=axis, keepdim=True))
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)  # keeps the logits for the loss

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        if self.robust_masking:
            config["robust_masking"] = True
        return config


# `activations.get("ReLU")` accepts these classes by name, as tf-keras does.
for _name in ("ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax"):
    register_builtin("activations", globals()[_name])  # activations.get('ReLU'), as in tf-keras
del _name
