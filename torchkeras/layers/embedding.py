"""Embedding (integer ids -> dense vectors) and Masking (skip time steps by value)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras import constraints, initializers, regularizers
from torchkeras.layers.base import Layer

__all__ = ["Embedding", "Masking"]


class Embedding(Layer):
    """Turns token ids into vectors: weight ``embeddings`` of shape (input_dim, output_dim).

    ``mask_zero=True`` makes id 0 padding: the output mask is ``ids != 0`` and downstream
    layers (RNNs), losses and metrics skip those steps; the vector itself is not zeroed.

    >>> Embedding(10, 4, mask_zero=True)(np.array([[1, 2, 0]])).shape
    torch.Size([1, 3, 4])
    """

    _accepts_integer_inputs = True

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, activity_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False,
                 input_length: Any = None, sparse: bool = False, lora_rank: Any = None,
                 **kwargs: Any):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            # Keras 2 gives every Embedding an input shape ((None,) by default).
            kwargs["input_shape"] = tuple(input_length) if isinstance(
                input_length, (list, tuple)) else (input_length or None,)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError("Both `input_dim` and `output_dim` should be positive, Received "
                             f"input_dim = {input_dim} and output_dim = {output_dim}")
        if sparse and mask_zero:
            raise ValueError("`mask_zero` cannot be enabled when `tf.keras.layers.Embedding` "
                             "is used with `tf.SparseTensor` input.")
        if lora_rank:
            raise NotImplementedError("Embedding(lora_rank=...) is not supported.")
        kwargs.pop("autocast", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length
        self.sparse = bool(sparse)

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        super().build(input_shape)

    @staticmethod
    def _ids(inputs: Any) -> torch.Tensor:
        inputs = torch.as_tensor(inputs)
        if inputs.dtype not in (torch.int64, torch.int32):
            inputs = inputs.to(torch.int64)  # float ids (e.g. from a plain NumPy call)
        return inputs

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        ids = self._ids(inputs)
        try:
            return torch.nn.functional.embedding(ids, self.embeddings)  # (..., output_dim)
        except IndexError:
            bad = ids[(ids < 0) | (ids >= self.input_dim)].flatten()[:1].tolist()
            raise IndexError(
                f"Exception encountered when calling layer '{self.name}': indices = {bad[0]} "
                f"is not in [0, {self.input_dim}). Embedding(input_dim={self.input_dim}) "
                "accepts ids 0 to input_dim - 1.") from None

    def compute_mask(self, inputs: Any, mask: Any = None) -> Optional[torch.Tensor]:
        if not self.mask_zero:
            return None
        return self._ids(inputs) != 0  # (batch, steps)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        lengths = list(self.input_length) if isinstance(self.input_length, (list, tuple)) \
            else [self.input_length]
        if len(lengths) != len(input_shape) - 1:
            raise ValueError(f'"input_length" is {self.input_length}, but received input has '
                             f"shape {input_shape}")
        for i, (s1, s2) in enumerate(zip(lengths, input_shape[1:])):
            if s1 is not None and s2 is not None and s1 != s2:
                raise ValueError(f'"input_length" is {self.input_length}, but received input '
                                 f"has shape {input_shape}")
            if s1 is None:
                lengths[i] = s2
        return (input_shape[0],) + tuple(lengths) + (self.output_dim,)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        })
        return config


class Masking(Layer):
    """Masks time steps whose features all equal ``mask_value`` (and zeroes them)."""

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor:
        return torch.any(torch.as_tensor(inputs) != self.mask_value, dim=-1)  # (batch, steps)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        keep = torch.any(inputs != self.mask_value, dim=-1, keepdim=True)  # (batch, steps, 1)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


def accepts_integer_inputs(layer: Any) -> bool:
    """Whether ``layer`` takes integer ids as its input (an Embedding first in a model: the
    trainer and Sequential then keep integer data integer instead of casting it to floatx)."""
    return getattr(layer, "_accepts_integer_inputs", False)
