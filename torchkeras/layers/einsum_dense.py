"""EinsumDense: a dense layer written as an einsum equation (Keras's weight shapes)."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from torchkeras import activations, constraints, initializers, regularizers
from torchkeras.layers.base import Layer

__all__ = ["EinsumDense"]

Shape = Sequence[Optional[int]]


class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    >>> layer(np.ones((2, 5, 8))).shape
    torch.Size([2, 5, 64])
    """

    def __init__(self, equation: str, output_shape: Any, activation: Any = None,
                 bias_axes: Optional[str] = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        kwargs.pop("lora_rank", None)  # Keras 3 argument; LoRA is not supported
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.equation = equation
        self.partial_output_shape = ([output_shape] if isinstance(output_shape, int)
                                     else list(output_shape))
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.full_output_shape: Optional[List[Optional[int]]] = None
        self._matmul_plan: Optional[Tuple[int, Tuple[int, ...], bool]] = None

    def build(self, input_shape: Any) -> None:
        kernel_shape, bias_shape, self.full_output_shape = analyze_einsum_string(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape)
        self.kernel = self.add_weight("kernel", kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight("bias", bias_shape, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self._matmul_plan = _matmul_plan(self.equation, self.bias_axes, kernel_shape)
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self._matmul_plan is not None:  # a dense layer in disguise: one fused matmul
            kept, new_dims, fused_bias = self._matmul_plan
            weight = self.kernel.reshape(-1, int(np.prod(new_dims)))  # (contracted, new)
            bias = self.bias.reshape(-1) if fused_bias else None
            outputs = F.linear(inputs.flatten(kept), weight.t(), bias)  # (*kept, new)
            outputs = outputs.unflatten(-1, new_dims)
            if self.bias is not None and not fused_bias:
                outputs = outputs + self.bias
            return self.activation(outputs)
        outputs = torch.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        full = analyze_einsum_string(self.equation, self.bias_axes, tuple(input_shape),
                                     self.partial_output_shape)[2]
        # As Keras 3: an output dim left None takes the input's size on a shared axis.
        spec = re.sub(r"\.\.\.", "0", self.equation)
        in_spec, out_spec = spec.split(",")[0], spec.split("->")[1]
        if "0" not in in_spec and "0" not in out_spec:
            for i, char in enumerate(out_spec):
                if full[i] is None and char in in_spec:
                    full[i] = input_shape[in_spec.index(char)]
        return (input_shape[0],) + tuple(full[1:])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


def _matmul_plan(equation: str, bias_axes: Optional[str],
                 kernel_shape: Sequence[Any]) -> Optional[Tuple[int, Tuple[int, ...], bool]]:
    """For ``P C, C N -> P N`` equations (kept axes P, contracted C, new N, in this order:
    MultiHeadAttention's projections), ``(len(P), N sizes, bias covers exactly N)``: the
    einsum is then one matmul on flattened views. ``None`` for any other equation."""
    match = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", equation)
    if match is None:
        return None
    in_spec, w_spec, out_spec = match.groups()
    for kept in range(1, len(in_spec)):
        prefix, contracted = in_spec[:kept], in_spec[kept:]
        new = w_spec[len(contracted):]
        if w_spec.startswith(contracted) and new and out_spec == prefix + new and \
                len(set(in_spec + new)) == len(in_spec) + len(new):
            new_dims = tuple(int(d) for d in kernel_shape[len(contracted):])
            return kept, new_dims, bias_axes == new
    return None


def analyze_einsum_string(equation: str, bias_axes: Optional[str], input_shape: Shape,
                          output_shape: Any) -> Tuple[List[Optional[int]],
                                                      Optional[List[int]],
                                                      List[Optional[int]]]:
    """Kernel shape, bias shape and full output shape of an EinsumDense (as Keras)."""
    dot_replaced = re.sub(r"\.\.\.", "0", equation)
    for pattern, left_elided in (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
                                 ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
                                 ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False)):
        split = re.match(pattern, dot_replaced)
        if split:
            return _analyze_split_string(split.groups(), bias_axes, input_shape,
                                         output_shape, left_elided)
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")


def _analyze_split_string(groups: Tuple[str, str, str], bias_axes: Optional[str],
                          input_shape: Shape, output_shape: Any, left_elided: bool) -> tuple:
    input_spec, weight_spec, output_spec = groups
    elided = len(input_shape) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0:
        for i in range(len(input_shape) - elided, len(input_shape)):
            output_shape.append(input_shape[i])
    if left_elided:
        input_dim_map = {dim: (i + elided) - len(input_shape) for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_dim_map = {dim: i for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: i for i, dim in enumerate(output_spec)}
    for dim in input_spec:
        at_input = input_shape[input_dim_map[dim]]
        if dim in output_dim_map:
            at_output = output_shape[output_dim_map[dim]]
            if at_output is not None and at_output != at_input:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{dim}'. "
                    f"Input shape is {at_input}, and output shape is {at_output}.")
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec "
                f"'{output_spec}'")
    weight_shape = []
    for dim in weight_spec:
        if dim in input_dim_map:
            weight_shape.append(input_shape[input_dim_map[dim]])
        elif dim in output_dim_map:
            weight_shape.append(output_shape[output_dim_map[dim]])
        else:
            raise ValueError(
                f"Weight dimension '{dim}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the "
                "weight must be fully specified.")
    bias_shape = None
    if bias_axes is not None:
        num_left_elided = elided if left_elided else 0
        idx_map = {char: output_shape[i + num_left_elided] for i, char in enumerate(output_spec)}
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(f"Bias dimension '{char}' was requested, but is not part of "
                                 f"the output spec '{output_spec}'")
        first = min(output_spec.find(char) for char in bias_axes)
        bias_shape = [idx_map[char] if char in bias_axes else 1 for char in output_spec[first:]]
        if not left_elided:
            bias_shape.extend([1] * elided)
    return weight_shape, bias_shape, output_shape
