"""The few layers Keras's applications build that are not public torchkeras layers: a
constant product (Keras 2 records ``tf.math.multiply`` as a layer) and ConvNeXt's
``LayerScale`` and ``StochasticDepth``."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch

from torchkeras import initializers
from torchkeras.layers.base import Layer
from torchkeras.registry.object_registration import register_keras_serializable

__all__ = ["ConstantMultiply", "ConstantAdd", "OpNames", "LayerScale",
           "StochasticDepth"]


class OpNames:
    """Keras 2 records ``x + y``/``tf.math.*`` on symbolic tensors as layers named
    ``prefix``, ``prefix_1``, ... (counted from a fresh session); the layers standing in for
    them get those names."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        name = self.prefix + (f"_{self.count}" if self.count else "")
        self.count += 1
        return name


@register_keras_serializable(package="applications")  # saved models reload
class ConstantMultiply(Layer):
    """``inputs * factors`` with constant per-channel ``factors`` (no weights)."""

    def __init__(self, factors: Sequence[float], **kwargs: Any):
        super().__init__(**kwargs)
        self.factors = [float(f) for f in factors]

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs * torch.tensor(self.factors, dtype=inputs.dtype, device=inputs.device)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["factors"] = self.factors
        return config


@register_keras_serializable(package="applications")  # saved models reload
class ConstantAdd(Layer):
    """``inputs + value`` for a constant ``value`` (no weights)."""

    def __init__(self, value: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.value = float(value)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs + self.value

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["value"] = self.value
        return config


@register_keras_serializable(package="applications")  # saved models reload
class LayerScale(Layer):
    """ConvNeXt's learned per-channel scale ``gamma`` (https://arxiv.org/abs/2103.17239)."""

    def __init__(self, init_values: float, projection_dim: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape: Any) -> None:
        self.gamma = self.add_weight(name="gamma", shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values),
                                     trainable=True)
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs * self.gamma  # (..., projection_dim)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"init_values": self.init_values,
                       "projection_dim": self.projection_dim})
        return config


@register_keras_serializable(package="convnext")  # so saved ConvNeXt models reload
class StochasticDepth(Layer):
    """Drop the whole residual branch per sample with probability ``drop_path_rate`` while
    training (and scale the kept ones by ``1 / (1 - rate)``); the identity at inference."""

    def __init__(self, drop_path_rate: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training:
            return x
        keep_prob = 1 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)  # (batch, 1, 1, 1): one draw per sample
        random_tensor = torch.floor(keep_prob + torch.rand(shape, dtype=x.dtype,
                                                           device=x.device))
        return (x / keep_prob) * random_tensor

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config
