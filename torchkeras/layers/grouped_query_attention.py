"""``GroupQueryAttention`` (Keras 3; class ``GroupedQueryAttention``): attention where
``num_key_value_heads`` key/value heads are shared by groups of ``num_query_heads`` query
heads, with Keras 3's weights::

    query/kernel (dim, num_query_heads, head_dim)       bias (num_query_heads, head_dim)
    key/kernel, value/kernel (dim, num_key_value_heads, head_dim)
    attention_output/kernel (num_query_heads, head_dim, dim)   bias (dim,)
    gate/kernel (use_gate=True, sigmoid) as query's

Keys and values are repeated per group (``repeat_interleave``, Keras's ``ops.repeat``).
Without requested scores the attention runs in ``scaled_dot_product_attention`` with an
additive ``-1e9`` where the mask is False; with ``return_attention_scores=True`` it follows
Keras 3's masked ``Softmax`` (masked scores replaced by ``-1e9``, then zeroed).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from torchkeras import constraints, initializers, regularizers
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.layers.base import Layer
from torchkeras.layers.einsum_dense import EinsumDense

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]

_LARGE_NEGATIVE = -1e9


class GroupedQueryAttention(Layer):
    """``layer(query, value, key=None, ...)`` -> ``(batch, T, dim)``.

    >>> gqa = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> gqa(np.ones((2, 5, 8)), np.ones((2, 3, 8))).shape
    torch.Size([2, 5, 8])
    """

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int,
                 dropout: float = 0.0, use_bias: bool = True,
                 sliding_window: Optional[int] = None, flash_attention: Optional[bool] = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, use_gate: bool = False,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = int(head_dim)
        self.num_query_heads = int(num_query_heads)
        self.num_key_value_heads = int(num_key_value_heads)
        if self.num_query_heads % self.num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError("`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention  # torch's SDPA picks its kernel
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._symbolic_scores = False
        if flash_attention and dropout > 0.0:
            raise ValueError("Dropout is not supported when flash attention is enabled. "
                             "Please set dropout to 0.0 to use flash attention.")

    # ------------------------------------------------------------------ build
    def _sublayer_kwargs(self) -> Dict[str, Any]:
        return dict(kernel_initializer=self.kernel_initializer,
                    bias_initializer=self.bias_initializer,
                    kernel_regularizer=self.kernel_regularizer,
                    bias_regularizer=self.bias_regularizer,
                    kernel_constraint=self.kernel_constraint,
                    bias_constraint=self.bias_constraint)

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape) if value_shape is not None else query_shape
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        self.feature_dim = query_shape[-1]
        common = self._sublayer_kwargs()
        q_heads, kv_heads = self.num_query_heads, self.num_key_value_heads
        self._query_dense = EinsumDense("bqm,muh->bquh", (None, q_heads, self.head_dim),
                                        bias_axes="uh" if self.use_bias else None,
                                        name="query", **common)
        self._query_dense._maybe_build(query_shape)
        self._key_dense = EinsumDense("bkm,mvh->bkvh", (None, kv_heads, self.head_dim),
                                      bias_axes="vh" if self.use_bias else None,
                                      name="key", **common)
        self._key_dense._maybe_build(key_shape)
        if self.use_gate:
            self._gate_dense = EinsumDense("bqm,muh->bquh", (None, q_heads, self.head_dim),
                                           bias_axes="uh" if self.use_bias else None,
                                           activation="sigmoid", name="gate", **common)
            self._gate_dense._maybe_build(query_shape)
        self._value_dense = EinsumDense("bkm,mvh->bkvh", (None, kv_heads, self.head_dim),
                                        bias_axes="vh" if self.use_bias else None,
                                        name="value", **common)
        self._value_dense._maybe_build(value_shape)
        self._output_dense = EinsumDense("bquh,uhm->bqm", (None, self.feature_dim),
                                         bias_axes="m" if self.use_bias else None,
                                         name="attention_output", **common)
        self._output_dense._maybe_build((None, None, q_heads, self.head_dim))
        self.built = True

    # ---------------------------------------------------------------- calling
    def __call__(self, query: Any, value: Any = None, key: Any = None, **kwargs: Any) -> Any:
        if value is None:
            raise TypeError(f"Layer {self.name}.call() missing 1 required positional "
                            "argument: 'value'")
        if not is_keras_tensor(query):
            device = query.device if isinstance(query, torch.Tensor) else None
            value, key = _as_tensor(value, device), _as_tensor(key, device)
            for name in ("attention_mask", "query_mask", "value_mask", "key_mask"):
                if kwargs.get(name) is not None:
                    kwargs[name] = _as_tensor(kwargs[name], device, dtype=None)
        if not self.built:
            self.build(_shape(query), _shape(value), _shape(key))
        if key is not None:
            kwargs["key"] = key
        self._symbolic_scores = bool(kwargs.get("return_attention_scores", False))
        return super().__call__(query, value=value, **kwargs)

    def call(self, query: torch.Tensor, value: torch.Tensor, key: Optional[torch.Tensor] = None,
             query_mask: Optional[torch.Tensor] = None,
             value_mask: Optional[torch.Tensor] = None,
             key_mask: Optional[torch.Tensor] = None,
             attention_mask: Optional[torch.Tensor] = None,
             return_attention_scores: bool = False, training: Optional[bool] = None,
             use_causal_mask: bool = False) -> Any:
        # Keras 3 fills the *_mask arguments from the inputs' Keras masks.
        query_mask = _keras_mask(query) if query_mask is None else query_mask
        value_mask = _keras_mask(value) if value_mask is None else value_mask
        if key is None:
            key = value
        elif key_mask is None and key is not value:
            key_mask = _keras_mask(key)
        mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask,
                                            attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)  # (batch, T, q_heads, head_dim)
        k = torch.repeat_interleave(self._key_dense(key), self.num_repeats, dim=2)
        v = torch.repeat_interleave(self._value_dense(value), self.num_repeats, dim=2)
        # k, v: (batch, S, q_heads, head_dim)
        dropout = float(self.dropout) if training else 0.0
        scores = None
        if not return_attention_scores:
            bias = None
            if mask is not None:
                bias = (~mask.bool()).to(q.dtype).unsqueeze(-3) * _LARGE_NEGATIVE  # (b,1,T,S)
            output = F.scaled_dot_product_attention(
                q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=bias,
                dropout_p=dropout, scale=self._inverse_sqrt_head_dim).transpose(1, 2)
        else:
            q = q * self._inverse_sqrt_head_dim
            scores = torch.einsum("bquh,bkuh->buqk", q, k)  # (batch, heads, T, S)
            if mask is not None:
                keep = mask.bool().unsqueeze(-3)  # (batch, 1, T, S)
                scores = torch.where(keep, scores, torch.full_like(scores, _LARGE_NEGATIVE))
                scores = torch.softmax(scores, dim=-1)
                scores = torch.where(keep, scores, torch.zeros_like(scores))
            else:
                scores = torch.softmax(scores, dim=-1)
            dropped = F.dropout(scores, dropout, training=True) if dropout > 0 else scores
            output = torch.einsum("buqk,bkuh->bquh", dropped, v)  # (batch, T, heads, head_dim)
        output = self._output_dense(output * gate if gate is not None else output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention_mask(self, query: torch.Tensor, value: torch.Tensor,
                                query_mask: Any, value_mask: Any, key_mask: Any,
                                attention_mask: Any, use_causal_mask: bool) -> Any:
        """Keras 3's merge (logical AND) of the Keras masks, causal, sliding window and
        ``attention_mask``: ``(batch, T, S)`` booleans, or ``None``."""
        auto_mask = None
        if query_mask is not None:
            auto_mask = query_mask.bool()[:, :, None]  # (batch, T, 1)
        for extra in (value_mask, key_mask):
            if extra is not None:
                extra = extra.bool()[:, None, :]  # (batch, 1, S)
                auto_mask = extra if auto_mask is None else auto_mask & extra
        t_len, s_len = query.shape[1], value.shape[1]
        rows = torch.arange(t_len, device=query.device)[:, None]
        cols = torch.arange(s_len, device=query.device)[None, :]
        if use_causal_mask:
            causal = (rows >= cols)[None]  # (1, T, S)
            auto_mask = causal if auto_mask is None else auto_mask & causal
        if self.sliding_window is not None:
            window = ((rows - cols).abs() < self.sliding_window)[None]
            auto_mask = window if auto_mask is None else auto_mask & window
        if auto_mask is not None:
            return auto_mask if attention_mask is None else attention_mask.bool() & auto_mask
        return attention_mask

    # ----------------------------------------------------------------- shapes
    def compute_output_shape(self, query_shape: Any, value_shape: Any = None,
                             key_shape: Any = None) -> Any:
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape) if value_shape is not None else query_shape
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}")
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, must "
                             f"be equal. Received: value_shape={value_shape} and "
                             f"key_shape={key_shape}")
        if self._symbolic_scores:
            self._symbolic_scores = False
            scores = (query_shape[0], self.num_query_heads, query_shape[1], key_shape[1])
            return query_shape, scores
        return query_shape

    # ----------------------------------------------------------------- config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config


GroupQueryAttention = GroupedQueryAttention  # the public Keras 3 name


def _keras_mask(tensor: Any) -> Any:
    return getattr(tensor, "_keras_mask", None)


def _shape(value: Any) -> Optional[Tuple[Optional[int], ...]]:
    if value is None:
        return None
    return tuple(None if d is None else int(d) for d in value.shape)


def _as_tensor(value: Any, device: Any, dtype: Any = np.float32) -> Any:
    if value is None or isinstance(value, torch.Tensor) or is_keras_tensor(value):
        return value
    return torch.as_tensor(np.asarray(value, dtype=dtype), device=device)
