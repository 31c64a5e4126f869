"""MultiHeadAttention, with Keras 2's weights: ``query``/``key``/``value``/``attention_output``
EinsumDense sub-layers (``query/kernel`` of shape ``(dim, num_heads, key_dim)``, ...).

Masked positions get ``-1e9`` added to their scores before the softmax, as Keras 2's
``Softmax`` layer does. With the default ``attention_axes`` and no scores requested the
attention runs in ``torch.nn.functional.scaled_dot_product_attention`` with that additive
mask (same numbers; a fully masked row averages the values, as Keras).
"""
from __future__ import annotations

import math
import string
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from torchkeras import constraints, initializers, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.einsum_dense import EinsumDense
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.backend.masking import get_keras_mask

__all__ = ["MultiHeadAttention"]

_CHR_IDX = string.ascii_lowercase
_LARGE_NEGATIVE = -1e9  # Keras 2's Softmax mask adder for float32


def _build_proj_equation(free_dims: int, bound_dims: int, output_dims: int) -> Tuple[str, str, int]:
    input_str = kernel_str = output_str = bias_axes = ""
    offset = 0
    for i in range(free_dims):
        input_str += _CHR_IDX[i + offset]
        output_str += _CHR_IDX[i + offset]
    offset += free_dims
    for i in range(bound_dims):
        input_str += _CHR_IDX[i + offset]
        kernel_str += _CHR_IDX[i + offset]
    offset += bound_dims
    for i in range(output_dims):
        kernel_str += _CHR_IDX[i + offset]
        output_str += _CHR_IDX[i + offset]
        bias_axes += _CHR_IDX[i + offset]
    return f"{input_str},{kernel_str}->{output_str}", bias_axes, len(output_str)


def _build_attention_equation(rank: int, attn_axes: Tuple[int, ...]) -> Tuple[str, str, int]:
    target = _CHR_IDX[:rank]
    batch_dims = tuple(np.delete(range(rank), attn_axes + (rank - 1,)))
    offset, source = rank, ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _CHR_IDX[offset]
            offset += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _shape(value: Any) -> Optional[Tuple[Optional[int], ...]]:
    if value is None:
        return None
    return tuple(None if d is None else int(d) for d in value.shape)


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al.): ``layer(query, value, key=None, ...)``.

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> mha(np.ones((2, 5, 8)), np.ones((2, 3, 8))).shape
    torch.Size([2, 5, 8])
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: Optional[int] = None,
                 dropout: float = 0.0, use_bias: bool = True, output_shape: Any = None,
                 attention_axes: Any = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None,
                 softmax_robust_masking: bool = False, seed: Optional[int] = None,
                 flash_attention: Optional[bool] = None, use_gate: bool = False,
                 sliding_window: Optional[int] = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(num_heads) <= 0 or int(key_dim) <= 0:
            raise ValueError(
                "`num_heads` and `key_dim` must be positive integers. Received: "
                f"num_heads={num_heads}, key_dim={key_dim}")
        if not 0 <= float(dropout) <= 1:
            raise ValueError("Invalid value received for argument `dropout`. Expected a float "
                             f"value between 0 and 1. Received: dropout={dropout}")
        self.supports_masking = True
        self._num_heads = int(num_heads)
        self._key_dim = int(key_dim)
        self._value_dim = int(value_dim) if value_dim else self._key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._output_shape = output_shape
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._softmax_robust_masking = softmax_robust_masking
        self._seed = seed  # Keras 3 argument (dropout seed)
        self._flash_attention = flash_attention  # Keras 3 argument; SDPA picks the kernel
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError("`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self._use_gate = bool(use_gate)  # Keras 3: sigmoid gate on the attention output
        self._sliding_window = sliding_window  # Keras 3: |i - j| < sliding_window
        if attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            attention_axes = (attention_axes,)
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self._query_shape = self._key_shape = self._value_shape = None
        self._symbolic_scores = False

    # ------------------------------------------------------------- properties
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    # Keras 3's public names of the projections (its .keras files save them under these)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # ------------------------------------------------------------------ build
    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        """Create the four EinsumDense projections (Keras 2's ``_build_from_signature``)."""
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape) if value_shape is not None else query_shape
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        self._query_shape, self._value_shape, self._key_shape = (
            list(query_shape), list(value_shape), list(key_shape))
        common = dict(kernel_initializer=self._kernel_initializer,
                      bias_initializer=self._bias_initializer,
                      kernel_regularizer=self._kernel_regularizer,
                      bias_regularizer=self._bias_regularizer,
                      kernel_constraint=self._kernel_constraint,
                      bias_constraint=self._bias_constraint)
        q_rank, k_rank, v_rank = len(query_shape), len(key_shape), len(value_shape)
        heads = [self._num_heads, self._key_dim]
        equation, bias_axes, out_rank = _build_proj_equation(q_rank - 1, 1, 2)
        self._query_dense = EinsumDense(equation, [None] * (out_rank - 1 - 2) + heads,
                                        bias_axes=bias_axes if self._use_bias else None,
                                        name="query", **common)
        self._query_dense._maybe_build(query_shape)
        equation, bias_axes, out_rank = _build_proj_equation(k_rank - 1, 1, 2)
        self._key_dense = EinsumDense(equation, [None] * (out_rank - 1 - 2) + heads,
                                      bias_axes=bias_axes if self._use_bias else None,
                                      name="key", **common)
        self._key_dense._maybe_build(key_shape)
        if self._use_gate:  # Keras 3 builds it after key, before value
            equation, bias_axes, out_rank = _build_proj_equation(q_rank - 1, 1, 2)
            self._gate_dense = EinsumDense(
                equation, [None] * (out_rank - 1 - 2) + [self._num_heads, self._value_dim],
                bias_axes=bias_axes if self._use_bias else None, activation="sigmoid",
                name="gate", **common)
            self._gate_dense._maybe_build(query_shape)
        equation, bias_axes, out_rank = _build_proj_equation(v_rank - 1, 1, 2)
        self._value_dense = EinsumDense(
            equation, [None] * (out_rank - 1 - 2) + [self._num_heads, self._value_dim],
            bias_axes=bias_axes if self._use_bias else None, name="value", **common)
        self._value_dense._maybe_build(value_shape)
        # Attention equations over the projected query (batch, ..., heads, key_dim).
        rank = q_rank + 1
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        self._dot_product_equation, self._combine_equation, scores_rank = \
            _build_attention_equation(rank, self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._fast_path = self._attention_axes == (1,) and rank == 4
        out_dims = self._output_shape or [query_shape[-1]]
        if isinstance(out_dims, int):
            out_dims = [out_dims]
        out_dims = list(out_dims)
        equation, bias_axes, out_rank = _build_proj_equation(q_rank - 1, 2, len(out_dims))
        self._output_dense = EinsumDense(
            equation, [None] * (out_rank - 1 - len(out_dims)) + out_dims,
            bias_axes=bias_axes if self._use_bias else None, name="attention_output",
            **common)
        self._output_dense._maybe_build(query_shape[:-1] + (self._num_heads, self._value_dim))
        self.built = True

    # ---------------------------------------------------------------- calling
    def __call__(self, query: Any, value: Any = None, key: Any = None, **kwargs: Any) -> Any:
        if value is None:
            raise TypeError(f"Layer {self.name}.call() missing 1 required positional "
                            "argument: 'value'")
        symbolic = is_keras_tensor(query)
        if not symbolic:
            device = query.device if isinstance(query, torch.Tensor) else None
            value = _as_float_tensor(value, device)
            key = _as_float_tensor(key, device)
            if kwargs.get("attention_mask") is not None and not isinstance(
                    kwargs["attention_mask"], torch.Tensor):
                kwargs["attention_mask"] = torch.as_tensor(np.asarray(kwargs["attention_mask"]),
                                                           device=device)
        if not self.built:
            self.build(_shape(query), _shape(value), _shape(key))
        if key is not None:
            kwargs["key"] = key
        self._symbolic_scores = bool(kwargs.get("return_attention_scores", False))
        return super().__call__(query, value=value, **kwargs)

    def call(self, query: torch.Tensor, value: torch.Tensor, key: Optional[torch.Tensor] = None,
             attention_mask: Optional[torch.Tensor] = None,
             return_attention_scores: bool = False, training: Optional[bool] = None,
             use_causal_mask: bool = False) -> Any:
        if key is None:
            key = value
        mask = self._compute_attention_mask(query, value, key, attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None  # (batch, T, heads, v_dim)
        q = self._query_dense(query)  # (batch, T, heads, key_dim)
        k = self._key_dense(key)      # (batch, S, heads, key_dim)
        v = self._value_dense(value)  # (batch, S, heads, value_dim)
        dropout = float(self._dropout) if training else 0.0
        if self._fast_path and not return_attention_scores and not self._softmax_robust_masking:
            bias = None
            if mask is not None:
                # (batch, 1, T, S): Keras's additive -1e9 for masked positions
                bias = (1.0 - mask.to(q.dtype)).unsqueeze(-3) * _LARGE_NEGATIVE
            output = F.scaled_dot_product_attention(
                q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=bias,
                dropout_p=dropout, scale=1.0 / math.sqrt(float(self._key_dim)))
            output = output.transpose(1, 2)  # (batch, T, heads, value_dim)
            return self._output_dense(output if gate is None else output * gate)
        output, scores = self._compute_attention(q, k, v, mask, dropout)
        output = self._output_dense(output if gate is None else output * gate)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                           mask: Optional[torch.Tensor], dropout: float) -> Tuple[torch.Tensor,
                                                                                 torch.Tensor]:
        query = query * (1.0 / math.sqrt(float(self._key_dim)))
        scores = torch.einsum(self._dot_product_equation, key, query)  # (batch, heads, T, S)
        scores = self._masked_softmax(scores, mask)
        dropped = F.dropout(scores, dropout, training=True) if dropout > 0 else scores
        output = torch.einsum(self._combine_equation, dropped, value)
        return output, scores

    def _masked_softmax(self, scores: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        if mask is not None:
            axis = -len(self._attention_axes) * 2 - 1
            while mask.dim() < scores.dim():
                mask = mask.unsqueeze(axis)
            if self._softmax_robust_masking:
                scores = scores.masked_fill(~mask.bool(), torch.finfo(scores.dtype).min)
            else:
                scores = scores + (1.0 - mask.to(scores.dtype)) * _LARGE_NEGATIVE
        if len(self._norm_axes) == 1:
            return torch.softmax(scores, dim=self._norm_axes[0])
        return torch.exp(scores - torch.logsumexp(scores, dim=self._norm_axes, keepdim=True))

    def _compute_attention_mask(self, query: torch.Tensor, value: torch.Tensor,
                                key: torch.Tensor, attention_mask: Optional[torch.Tensor],
                                use_causal_mask: bool) -> Optional[torch.Tensor]:
        """Keras's merge of the inputs' masks, the causal mask and ``attention_mask``."""
        auto_mask = None
        query_mask = get_keras_mask(query)
        value_mask = get_keras_mask(value)
        key_mask = get_keras_mask(key) if key is not value else None
        if query_mask is not None:
            auto_mask = query_mask.bool()[:, :, None]  # (batch, T, 1)
        for extra in (value_mask, key_mask):
            if extra is not None:
                extra = extra.bool()[:, None, :]  # (batch, 1, S)
                auto_mask = extra if auto_mask is None else auto_mask & extra
        if use_causal_mask:
            causal = torch.ones((1, query.shape[1], value.shape[1]), dtype=torch.bool,
                                device=query.device).tril()  # (1, T, S)
            auto_mask = causal if auto_mask is None else auto_mask & causal
        if self._sliding_window is not None:
            rows = torch.arange(query.shape[1], device=query.device)[:, None]
            cols = torch.arange(value.shape[1], device=query.device)[None, :]
            window = ((rows - cols).abs() < self._sliding_window)[None]  # (1, T, S)
            auto_mask = window if auto_mask is None else auto_mask & window
        if auto_mask is not None:
            return auto_mask if attention_mask is None else attention_mask.bool() & auto_mask
        return attention_mask

    # ----------------------------------------------------------------- shapes
    def compute_output_shape(self, query_shape: Any, value_shape: Any = None,
                             key_shape: Any = None) -> Any:
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape) if value_shape is not None else (
            tuple(self._value_shape) if self._value_shape is not None else query_shape)
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}")
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, must "
                             f"be equal. Received {value_shape} and {key_shape}")
        out_dims = self._output_shape
        if out_dims:
            out_dims = [out_dims] if isinstance(out_dims, int) else list(out_dims)
            output = query_shape[:-1] + tuple(out_dims)
        else:
            output = query_shape
        if self._symbolic_scores:
            self._symbolic_scores = False
            scores = ((query_shape[0], self._num_heads) + query_shape[1:-1]
                      + value_shape[1:-1])
            return output, scores
        return output

    # ----------------------------------------------------------------- config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "output_shape": self._output_shape,
            "attention_axes": (list(self._attention_axes)
                               if self._attention_axes is not None else None),
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "query_shape": self._query_shape,
            "key_shape": self._key_shape,
            "value_shape": self._value_shape,
            "softmax_robust_masking": self._softmax_robust_masking,
        })
        if self._seed is not None:
            config["seed"] = self._seed
        if self._use_gate:  # Keras 3 arguments: written only when set (tf-keras rejects them)
            config["use_gate"] = True
        if self._sliding_window is not None:
            config["sliding_window"] = self._sliding_window
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "MultiHeadAttention":
        config = dict(config)
        shapes = [config.pop(k, None) for k in ("query_shape", "value_shape", "key_shape")]
        layer = cls(**config)
        if None not in shapes:  # Keras 2 configs carry the shapes; Keras 3 ones do not
            layer.build(*shapes)
        return layer


def _as_float_tensor(value: Any, device: Any) -> Any:
    if value is None or isinstance(value, torch.Tensor) or is_keras_tensor(value):
        return value
    return torch.as_tensor(np.asarray(value, dtype=np.float32), device=device)
