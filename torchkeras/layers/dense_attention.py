"""Attention (Luong dot-product) and AdditiveAttention (Bahdanau), as Keras 2.

``layer([query, value])`` or ``layer([query, value, key])``; ``mask=[query_mask, value_mask]``.
Masked value positions get ``-1e9`` subtracted from their scores before the softmax.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch
import torch.nn.functional as F

from torchkeras.layers.base import Layer

__all__ = ["AdditiveAttention", "Attention"]

_MASK_VALUE = 1e9  # Keras 2: 65504 for float16, 1e9 otherwise


class _BaseDenseAttention(Layer):
    """Masking, causal masking, softmax and dropout shared by the two score functions."""

    def __init__(self, dropout: float = 0.0, causal: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.causal = causal  # Keras 2 deprecated argument; use_causal_mask in call
        self.dropout = dropout
        self.supports_masking = True

    def _validate(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.__class__.__name__} layer must be called on a list of "
                             f"inputs, namely [query, value] or [query, value, key]. "
                             f"Received: {inputs}.")
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(f"{self.__class__.__name__} layer accepts inputs list of length "
                             f"2 or 3, namely [query, value] or [query, value, key]. "
                             f"Received length: {len(inputs)}.")

    def _calculate_scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def call(self, inputs: List[torch.Tensor], mask: Any = None, training: Optional[bool] = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        self._validate(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask is not None else None
        v_mask = mask[1] if mask is not None else None
        scores = self._calculate_scores(query, key)  # (batch, Tq, Tv)
        scores_mask = None
        if v_mask is not None:
            scores_mask = v_mask.bool().unsqueeze(-2)  # (batch, 1, Tv)
        if self.causal or use_causal_mask:
            causal = torch.ones((1, scores.shape[-2], scores.shape[-1]), dtype=torch.bool,
                                device=scores.device).tril()  # (1, Tq, Tv)
            scores_mask = causal if scores_mask is None else scores_mask & causal
        if scores_mask is not None:
            scores = scores - _MASK_VALUE * (~scores_mask).to(scores.dtype)
        weights = torch.softmax(scores, dim=-1)  # (batch, Tq, Tv)
        dropped = weights
        if training and self.dropout > 0:
            dropped = F.dropout(weights, float(self.dropout), training=True)
        result = torch.matmul(dropped, value)  # (batch, Tq, dim)
        if q_mask is not None:
            result = result * q_mask.to(result.dtype).unsqueeze(-1)
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None and mask[0] is not None:
            return mask[0]
        return None

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["dropout"] = self.dropout
        if self.causal:
            config["causal"] = self.causal
        return config


class Attention(_BaseDenseAttention):
    """Dot-product attention: ``softmax(scale * query @ key^T) @ value``
    (``score_mode='concat'``: ``concat_score_weight * sum(tanh(scale * (q + k)))``)."""

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", **kwargs: Any):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Received: score_mode={score_mode}. Acceptable values are: "
                             '["dot", "concat"]')

    def build(self, input_shape: Any) -> None:
        self.scale = (self.add_weight("scale", (), initializer="ones")
                      if self.use_scale else None)
        self.concat_score_weight = (
            self.add_weight("concat_score_weight", (), initializer="ones")
            if self.score_mode == "concat" else None)
        super().build(input_shape)

    def _calculate_scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-1, -2))  # (batch, Tq, Tv)
            if self.scale is not None:
                scores = scores * self.scale
            return scores
        total = query.unsqueeze(-2) + key.unsqueeze(-3)  # (batch, Tq, Tv, dim)
        if self.scale is not None:
            total = self.scale * total
        return self.concat_score_weight * torch.tanh(total).sum(-1)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode})
        return config


class AdditiveAttention(_BaseDenseAttention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(query + key), -1)``."""

    def __init__(self, use_scale: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape: Any) -> None:
        dim = input_shape[1][-1]
        self.scale = (self.add_weight("scale", (dim,), initializer="glorot_uniform")
                      if self.use_scale else None)
        super().build(input_shape)

    def _calculate_scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        total = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))  # (batch, Tq, Tv, dim)
        if self.scale is not None:
            total = self.scale * total
        return total.sum(-1)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["use_scale"] = self.use_scale
        return config
