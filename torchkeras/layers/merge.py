"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
and their functional forms (``add([a, b])``, ``concatenate([a, b])``, ...)."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import torch

from torchkeras.layers.base import Layer


__all__ = ["Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract",
           "add", "average", "concatenate", "maximum", "minimum", "multiply", "subtract"]

class _Merge(Layer):
    """Elementwise merge of a list of same-shape tensors (with broadcasting)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_inputs(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs. Received: "
                             f"input_shape={input_shape} (not a list of shapes)")
        if len(input_shape) < 1:
            raise ValueError("A merge layer should be called on a list of at least 1 input. "
                             f"Got {len(input_shape)} inputs. Full input_shape received: "
                             f"{input_shape}")

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        super().build(input_shape)

    def _merge(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    def call(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self._merge(list(inputs))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_inputs(input_shape)
        rank = max(len(s) for s in input_shape)
        output = []
        for axis in range(rank):
            dims = [s[axis - rank + len(s)] for s in input_shape if axis - rank + len(s) >= 0]
            known = [d for d in dims if d not in (None, 1)]
            if len(set(known)) > 1:
                raise ValueError("Inputs have incompatible shapes. Received shapes "
                                 f"{input_shape[0]} and {input_shape[1]}")
            output.append(known[0] if known else (None if None in dims else 1))
        return tuple(output)


class Add(_Merge):
    def _merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = result + tensor
        return result


class Subtract(_Merge):
    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={input_shape}")

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: inputs={inputs}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    def _merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = result * tensor
        return result


class Average(_Merge):
    def _merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = result + tensor
        return result / len(inputs)


class Maximum(_Merge):
    def _merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = torch.maximum(result, tensor)
        return result


class Minimum(_Merge):
    def _merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = torch.minimum(result, tensor)
        return result


class Concatenate(_Merge):
    """Concatenates a list of tensors along ``axis`` (default -1)."""

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self._check_inputs(input_shape)
        ranks = {len(s) for s in input_shape}
        shapes = [list(s) for s in input_shape]
        for shape in shapes:
            del shape[self.axis]
        if len(ranks) != 1 or any(
                any(a is not None and b is not None and a != b for a, b in zip(shapes[0], s))
                for s in shapes[1:]):
            raise ValueError("A `Concatenate` layer requires inputs with matching shapes except "
                             f"for the concatenation axis. Received: input_shape={input_shape}")
        Layer.build(self, input_shape)

    def _merge(self, inputs):
        return torch.cat(inputs, dim=self.axis)

    def compute_output_shape(self, input_shape):
        output = list(input_shape[0])
        sizes = [s[self.axis] for s in input_shape]
        output[self.axis] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(output)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        return config


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
