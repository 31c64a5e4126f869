"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization, RMSNormalization (Keras 3).

BatchNormalization follows tf-keras: momentum 0.99, epsilon 1e-3, outputs normalised with the
biased batch variance; the moving variance is updated with the *unbiased* variance where
tf-keras uses its fused kernel (4-D/5-D input, axis = channels: 1 or last) and with the biased
one elsewhere (2-D/3-D inputs, other axes). Inference mode when ``training`` is falsy or the
layer is not trainable. The fused case runs ``F.batch_norm`` on a channels_first view.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F

from torchkeras import constraints, initializers, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization",
           "RMSNormalization", "UnitNormalization"]

Axis = Union[int, Sequence[int]]


def validate_axis(axis: Axis, input_shape: Sequence[Optional[int]]) -> List[int]:
    """``axis`` as a list of non-negative ints (tf-keras ``validate_axis``)."""
    rank = len(input_shape)
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}")
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a + rank if a < 0 else a for a in axes]
    for a in axes:
        if a < 0 or a >= rank:
            raise ValueError("Invalid value for `axis` argument. Expected 0 <= axis < "
                             f"inputs.rank (with inputs.rank={rank}). Received: "
                             f"axis={tuple(axes)}")
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


def _defined_dims(axes: List[int], input_shape: Sequence[Optional[int]], axis: Any) -> Dict[int, int]:
    dims = {a: input_shape[a] for a in axes}
    if any(d is None for d in dims.values()):
        raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                         f"{tuple(input_shape)} and axis={tuple(axes)}")
    return dims


class _AffineNormalization(Layer):
    """Shared init/config of the layers with gamma (scale) and beta (center)."""

    def __init__(self, axis: Axis = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _add_gamma_beta(self, shape: Sequence[int]) -> None:
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config


def _affine(x: torch.Tensor, mean: torch.Tensor, var: torch.Tensor, epsilon: float,
            gamma: Optional[torch.Tensor], beta: Optional[torch.Tensor]) -> torch.Tensor:
    """``(x - mean) * rsqrt(var + eps) * gamma + beta`` (all broadcastable to ``x``)."""
    inv = torch.rsqrt(var + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv
    if beta is not None:
        shift = shift + beta
    return x * inv + shift


class BatchNormalization(_AffineNormalization):
    """Normalises with batch statistics in training and moving statistics in inference.

    Weights (Keras order): gamma, beta (trainable), moving_mean, moving_variance (buffers).
    """

    def __init__(self, axis: Axis = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, synchronized: bool = False,
                 renorm: bool = False, renorm_clipping: Any = None,
                 renorm_momentum: float = 0.99, fused: Optional[bool] = None,
                 virtual_batch_size: Optional[int] = None, adjustment: Any = None,
                 **kwargs: Any):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint,
                         gamma_constraint, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("torchkeras' BatchNormalization does not implement "
                                      "`renorm`, `virtual_batch_size` or `adjustment`.")
        self.momentum = momentum
        self.synchronized = synchronized
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self._fused = False

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        dims = _defined_dims(self.axis, input_shape, self.axis)
        # tf-keras's fused kernel (unbiased moving variance): 4-D/5-D, channels axis 1 or last.
        self._fused = rank in (4, 5) and self.axis in ([1], [rank - 1])
        if len(self.axis) == 1:
            param_shape = (dims[self.axis[0]],)
        else:
            param_shape = tuple(dims.get(i, 1) for i in range(rank))
        self._add_gamma_beta(param_shape)
        self.moving_mean = self.add_weight("moving_mean", param_shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.input_spec = InputSpec(ndim=rank, axes=dims)
        super().build(input_shape)

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        training = bool(training) and self.trainable
        if len(self.axis) == 1:
            axis = self.axis[0]
            x = inputs.movedim(axis, 1) if axis != 1 else inputs  # (batch, C, ...) view
            if not training or self._fused:
                y = F.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma,
                                 self.beta, training, 1.0 - self.momentum, self.epsilon)
                return y.movedim(1, axis) if axis != 1 else y
        reduce = [i for i in range(inputs.dim()) if i not in self.axis]
        shape = [inputs.shape[i] if i in self.axis else 1 for i in range(inputs.dim())]
        gamma = None if self.gamma is None else self.gamma.reshape(shape)
        beta = None if self.beta is None else self.beta.reshape(shape)
        if not training:
            return _affine(inputs, self.moving_mean.reshape(shape),
                           self.moving_variance.reshape(shape), self.epsilon, gamma, beta)
        var, mean = torch.var_mean(inputs, dim=reduce, correction=0, keepdim=True)
        with torch.no_grad():  # biased variance here, as tf-keras's non-fused path
            factor = 1.0 - self.momentum
            self.moving_mean.lerp_(mean.reshape(self.moving_mean.shape), factor)
            self.moving_variance.lerp_(var.reshape(self.moving_variance.shape), factor)
        return _affine(inputs, mean, var, self.epsilon, gamma, beta)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "momentum": self.momentum,
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
        })
        if self.synchronized:
            config["synchronized"] = True
        return config


class LayerNormalization(_AffineNormalization):
    """Normalises each sample over ``axis`` (default the last); gamma/beta of shape
    ``input_shape[axis]``."""

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        dims = _defined_dims(self.axis, input_shape, self.axis)
        self._add_gamma_beta(tuple(dims[a] for a in self.axis))
        rank = len(input_shape)
        self._trailing = sorted(self.axis) == list(range(rank - len(self.axis), rank))
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axes = self.axis
        if self._trailing and axes == sorted(axes):  # torch's kernel: trailing axes, in order
            return F.layer_norm(inputs, tuple(inputs.shape[a] for a in axes), self.gamma,
                                self.beta, self.epsilon)
        shape = [inputs.shape[i] if i in axes else 1 for i in range(inputs.dim())]
        order = sorted(range(len(axes)), key=lambda i: axes[i])  # params follow self.axis
        gamma = None if self.gamma is None else self.gamma.permute(order).reshape(shape)
        beta = None if self.beta is None else self.beta.permute(order).reshape(shape)
        var, mean = torch.var_mean(inputs, dim=axes, correction=0, keepdim=True)
        return _affine(inputs, mean, var, self.epsilon, gamma, beta)


class GroupNormalization(_AffineNormalization):
    """Normalises over groups of channels (``groups`` contiguous groups along ``axis``)."""

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, **kwargs: Any):
        super().__init__(axis, epsilon, center, scale, **kwargs)
        self.groups = groups

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension "
                             f"but the layer received an input with shape {input_shape}.")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number "
                             f"of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the "
                             f"number of channels ({dim}).")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self._add_gamma_beta((dim,))
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axis = self.axis % inputs.dim()
        x = inputs.movedim(axis, 1) if axis != 1 else inputs  # (batch, C, ...) view
        y = F.group_norm(x, self.groups, self.gamma, self.beta, self.epsilon)
        return y.movedim(1, axis) if axis != 1 else y

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["groups"] = self.groups
        return config


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over ``axis``: ``x / sqrt(max(sum(x^2), 1e-12))``."""

    def __init__(self, axis: Axis = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis}")
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        square_sum = torch.sum(inputs * inputs, dim=axes, keepdim=True)
        return inputs * torch.rsqrt(torch.clamp(square_sum, min=1e-12))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        return config


class RMSNormalization(Layer):
    """Keras 3's root-mean-square normalization: ``x * rsqrt(mean(x^2, axis) + epsilon) * scale``
    (``scale`` of shape ``input_shape[axis]``, ones at start; computed in float32 at least).

    >>> RMSNormalization()(np.ones((2, 4))).shape
    torch.Size([2, 4])
    """

    def __init__(self, axis: Axis = -1, epsilon: float = 1e-6, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape: Any) -> None:
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight("scale", shape, initializer="ones")
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs if inputs.dtype in (torch.float32, torch.float64) else inputs.float()
        mean_square = torch.mean(x * x, dim=list(self.axis), keepdim=True)
        outputs = x * torch.rsqrt(mean_square + self.epsilon) * self.scale.to(x.dtype)
        return outputs.to(inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {axis} is out of bounds for input shape "
                                 f"{tuple(input_shape)}. Received: axis={self.axis}")
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
