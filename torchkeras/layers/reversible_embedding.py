"""Keras 3's ``ReversibleEmbedding``: an embedding that also maps hidden states back to
vocabulary logits (``reverse=True``) with the tied (transposed) or a separate kernel."""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras.backend.config import torch_dtype
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.layers.embedding import Embedding

__all__ = ["ReversibleEmbedding"]


class ReversibleEmbedding(Embedding):
    """``layer(ids)`` embeds; ``layer(hidden, reverse=True)`` gives (..., input_dim) logits."""

    def __init__(self, input_dim: int, output_dim: int, tie_weights: bool = True,
                 embeddings_initializer: Any = "uniform", embeddings_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False,
                 reverse_dtype: Optional[str] = None, logit_soft_cap: Optional[float] = None,
                 quantization_config: Any = None, **kwargs: Any):
        if quantization_config is not None:
            raise NotImplementedError("ReversibleEmbedding: quantization (quantization_config="
                                      f"{quantization_config}) is not supported in torchkeras.")
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                "reverse_embeddings", (self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer)

    def call(self, inputs: torch.Tensor, reverse: bool = False) -> torch.Tensor:
        if not reverse:
            return super().call(inputs)
        kernel = self.embeddings.t() if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = inputs.to(torch_dtype(self.reverse_dtype))
            kernel = kernel.to(torch_dtype(self.reverse_dtype))
        logits = torch.matmul(inputs.to(kernel.dtype), kernel)  # (..., input_dim)
        if self.logit_soft_cap is not None:
            logits = torch.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs: Any, mask: Any = None) -> Optional[torch.Tensor]:
        if torch.as_tensor(inputs).is_floating_point():
            return None  # reverse call: hidden states carry no padding ids
        return super().compute_mask(inputs, mask)

    def compute_output_shape(self, input_shape: Any, reverse: bool = False) -> tuple:
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs: Any, reverse: bool = False) -> KerasTensor:
        dtype = self.reverse_dtype if (reverse and self.reverse_dtype) else self.compute_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape, reverse), dtype)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.pop("input_length", None)
        if tuple(config.get("batch_input_shape") or ()) == (None, None):
            config.pop("batch_input_shape")  # Keras 2's Embedding default, not Keras 3's
        config["quantization_config"] = None  # Keras 3 key; quantization isn't supported
        config.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                       "logit_soft_cap": self.logit_soft_cap})
        return config
