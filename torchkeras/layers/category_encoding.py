"""CategoryEncoding, and the one-hot / multi-hot / count encoding shared by the categorical
preprocessing layers (Keras's ``encode_categorical_inputs``)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from torchkeras import backend
from torchkeras.layers.base import Layer
from torchkeras.layers.dense_only import refuse_tensor_kind

__all__ = ["CategoryEncoding"]

INT, ONE_HOT, MULTI_HOT, COUNT = "int", "one_hot", "multi_hot", "count"


def validate_output_mode(layer_name: str, output_mode: str, allowed: Sequence[str]) -> None:
    """Keras's ``validate_string_arg`` error for an unknown ``output_mode``."""
    if output_mode not in allowed:
        raise ValueError(f"The `output_mode` argument of layer {layer_name} received an "
                         f"invalid value {output_mode}. Allowed values are: {list(allowed)}.")


def encode_categorical_inputs(inputs: torch.Tensor, output_mode: str, depth: int,
                              dtype: str = "float32",
                              count_weights: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Integer indices in ``[0, depth)`` encoded as Keras 2 does: ``'int'`` casts; the others
    count per sample along the last axis (a rank-1 input is one sample), ``'one_hot'`` first
    adds a last axis of 1 unless there is one. The result has rank 2 at most."""
    torch_dtype = backend.torch_dtype(dtype)
    if output_mode == INT:
        return inputs.to(torch_dtype)
    original_shape = tuple(inputs.shape)
    if inputs.dim() == 0:
        inputs = inputs.unsqueeze(-1)
    if output_mode == ONE_HOT and inputs.shape[-1] != 1:
        inputs = inputs.unsqueeze(-1)
    if inputs.dim() > 2:
        raise ValueError("When output_mode is not `'int'`, maximum supported output rank is 2. "
                         f"Received output_mode {output_mode} and input shape "
                         f"{original_shape}, which would result in output rank "
                         f"{inputs.dim()}.")
    indices = inputs.long()
    rows = indices if indices.dim() == 2 else indices.unsqueeze(0)  # (samples, values)
    if count_weights is not None and output_mode == COUNT:
        weights = count_weights.to(torch_dtype).reshape(rows.shape)
    else:
        weights = torch.ones(rows.shape, dtype=torch_dtype, device=rows.device)
    keep = (rows >= 0) & (rows < depth)  # tf.math.bincount(maxlength=depth) drops the rest
    counts = torch.zeros((rows.shape[0], depth), dtype=torch_dtype, device=rows.device)
    counts.scatter_add_(1, torch.where(keep, rows, torch.zeros_like(rows)),
                        torch.where(keep, weights, torch.zeros_like(weights)))
    if output_mode in (ONE_HOT, MULTI_HOT):
        counts = (counts > 0).to(torch_dtype)
    return counts if indices.dim() == 2 else counts[0]  # (samples, depth) or (depth,)


def encoded_shape(shape: Tuple[Any, ...], output_mode: str, depth: int) -> Tuple[Any, ...]:
    """The output shape of :func:`encode_categorical_inputs` for an input shape."""
    shape = tuple(shape)
    if output_mode == INT:
        return shape
    if not shape:
        return (depth,)
    if output_mode == ONE_HOT and shape[-1] != 1:
        return shape + (depth,)
    return shape[:-1] + (depth,)


class CategoryEncoding(Layer):
    """Integer category ids in ``[0, num_tokens)`` to a one-hot, multi-hot or count
    encoding: ``CategoryEncoding(num_tokens=4, output_mode='one_hot')``."""

    def __init__(self, num_tokens: Optional[int] = None, output_mode: str = MULTI_HOT,
                 sparse: bool = False, **kwargs: Any):
        if "max_tokens" in kwargs:  # deprecated Keras 2 name
            num_tokens = kwargs.pop("max_tokens")
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = backend.floatx()
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = MULTI_HOT
        validate_output_mode("CategoryEncoding", output_mode, (COUNT, ONE_HOT, MULTI_HOT))
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens "
                             "is not known beforehand, use the IntegerLookup layer instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            refuse_tensor_kind("CategoryEncoding", self.name, "sparse")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    def _input_dtype(self) -> Any:
        return "int64"  # category ids stay exact integers

    def call(self, inputs: torch.Tensor, count_weights: Any = None) -> torch.Tensor:
        if count_weights is not None:
            if self.output_mode != COUNT:
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 f"`'count'`. Received `count_weights={count_weights}`.")
            count_weights = torch.as_tensor(count_weights, device=inputs.device)
        if inputs.numel():
            low, high = int(inputs.min()), int(inputs.max())
            if low < 0 or high >= self.num_tokens:
                raise ValueError("Input values must be in the range 0 <= values < num_tokens "
                                 f"with num_tokens={self.num_tokens}. Received: values from "
                                 f"{low} to {high}.")
        return encode_categorical_inputs(inputs, self.output_mode, self.num_tokens,
                                         self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return encoded_shape(tuple(input_shape), self.output_mode, self.num_tokens)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config
