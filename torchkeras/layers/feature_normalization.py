"""Normalization: ``(x - mean) / sqrt(variance)`` with statistics given or learnt by
``adapt`` (Keras 2's streaming mean/variance over batches of 32)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers.adapt_data import adapt_batches
from torchkeras.layers.base import Layer

__all__ = ["Normalization"]


def _listify(value: Any) -> Any:
    if isinstance(value, (np.ndarray, np.generic, torch.Tensor)):
        return np.asarray(value).tolist()
    return value


class Normalization(Layer):
    """Shift and scale inputs to mean 0 and variance 1 per index of ``axis`` (``None``: one
    scalar mean/variance); ``invert=True`` maps normalized values back."""

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis: Tuple[int, ...] = axis
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             f"set. Got mean: {mean} and variance: {variance}")
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self._is_adapted = False

    @property
    def is_adapted(self) -> bool:
        """Whether ``adapt`` has run (Keras's ``PreprocessingLayer.is_adapted``)."""
        return self._is_adapted

    # ------------------------------------------------------------------ build
    def build(self, input_shape: Any) -> None:
        input_shape = list(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Found "
                             f"ndim: `{ndim}`, axis: {self.axis}")
        self._keep_axis = sorted(d if d >= 0 else d + ndim for d in self.axis)
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError("All `axis` values to be kept must have known shape. Got "
                                 f"axis: {self.axis}, input shape: {input_shape}, with unknown "
                                 f"axis at index: {d}")
        self._reduce_axis = [d for d in range(ndim) if d not in self._keep_axis]
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1
                                 for d in range(ndim)]
        shape = tuple(int(input_shape[d]) for d in self._keep_axis)
        if self.input_mean is None:
            # Keras's weight names and order: mean, variance, count (non-trainable).
            for attr, name, init, dtype in (("adapt_mean", "mean", "zeros", None),
                                            ("adapt_variance", "variance", "ones", None),
                                            ("count", "count", "zeros", "int64")):
                self.add_weight(name=attr, shape=shape if name != "count" else (),
                                dtype=dtype or self.compute_dtype, initializer=init,
                                trainable=False)
                self._weight_specs[-1].name = name  # Keras name; attribute stays adapt_*
        else:
            try:
                mean = np.asarray(self.input_mean, dtype="float64") * np.ones(shape)
                variance = np.asarray(self.input_variance, dtype="float64") * np.ones(shape)
            except ValueError as error:
                raise ValueError(f"Normalization: `mean`/`variance` of shape "
                                 f"{np.shape(self.input_mean)} cannot be broadcast to the "
                                 f"kept axes' shape {shape}.") from error
            dtype = backend.torch_dtype(self.compute_dtype)
            self.register_buffer("fixed_mean", torch.as_tensor(
                mean.reshape(self._broadcast_shape), dtype=dtype,
                device=backend.get_device()), persistent=False)
            self.register_buffer("fixed_variance", torch.as_tensor(
                variance.reshape(self._broadcast_shape), dtype=dtype,
                device=backend.get_device()), persistent=False)
        super().build(tuple(input_shape))

    # ------------------------------------------------------------------ state
    @property
    def mean(self) -> torch.Tensor:
        """The mean, broadcastable against the inputs (e.g. ``(1, features)``)."""
        if self.input_mean is not None:
            return self.fixed_mean
        return self.adapt_mean.reshape(self._broadcast_shape)

    @property
    def variance(self) -> torch.Tensor:
        if self.input_mean is not None:
            return self.fixed_variance
        return self.adapt_variance.reshape(self._broadcast_shape)

    def adapt(self, data: Any, batch_size: Optional[int] = None,
              steps: Optional[int] = None) -> None:
        """Compute the mean and variance of ``data`` (arrays, lists, a Dataset), batch by
        batch as Keras 2 does."""
        if self.input_mean is not None:
            raise ValueError("Cannot `adapt` a Normalization layer that is initialized with "
                             f"static `mean` and `variance`, you passed mean "
                             f"{self.input_mean} and variance {self.input_variance}.")
        if self.built:
            self.reset_state()
        for batch in adapt_batches(data, batch_size, steps):
            if not self.built:
                self._maybe_build(tuple(batch.shape))
            self.update_state(batch)
        self._is_adapted = True

    def update_state(self, data: Any) -> None:
        """Merge one batch into the running mean/variance (float32, Keras 2's formula)."""
        if not self.built:
            raise RuntimeError("`build` must be called before `update_state`.")
        data = np.asarray(data.detach().cpu() if isinstance(data, torch.Tensor) else data)
        data = data.astype("float32")
        axes = tuple(self._reduce_axis)
        # tf.nn.moments in float32: the mean, then the mean squared deviation from it (the
        # float32 rounding of the batch mean shows when the mean is large against the std).
        batch_mean = data.mean(axis=axes, dtype=np.float32, keepdims=True)
        batch_variance = ((data - batch_mean) ** 2).mean(axis=axes, dtype=np.float32)
        batch_mean = batch_mean.reshape(batch_variance.shape)
        batch_count = int(np.prod([data.shape[d] for d in axes])) if axes else 1
        old_mean = self.adapt_mean.detach().cpu().numpy()
        old_variance = self.adapt_variance.detach().cpu().numpy()
        total_count = batch_count + int(self.count)
        batch_weight = np.float32(batch_count) / np.float32(total_count)
        existing_weight = np.float32(1.0) - batch_weight
        total_mean = old_mean * existing_weight + batch_mean * batch_weight
        total_variance = ((old_variance + (old_mean - total_mean) ** 2) * existing_weight +
                          (batch_variance + (batch_mean - total_mean) ** 2) * batch_weight)
        with torch.no_grad():
            self.adapt_mean.copy_(torch.as_tensor(total_mean))
            self.adapt_variance.copy_(torch.as_tensor(total_variance))
            self.count.fill_(total_count)

    def reset_state(self) -> None:
        if self.input_mean is not None or not self.built:
            return
        with torch.no_grad():
            self.adapt_mean.zero_()
            self.adapt_variance.fill_(1.0)
            self.count.zero_()

    def finalize_state(self) -> None:
        """Nothing to do: ``call`` reads the weights directly."""

    # ------------------------------------------------------------------- call
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        inputs = inputs.to(backend.torch_dtype(self.compute_dtype))
        mean = self.mean.to(inputs.dtype)
        scale = torch.clamp(torch.sqrt(self.variance.to(inputs.dtype)), min=backend.epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": _listify(self.input_mean),
                       "variance": _listify(self.input_variance)})
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Normalization":
        config = dict(config)
        if isinstance(config.get("axis"), list):  # a JSON round trip turns tuples to lists
            config["axis"] = tuple(config["axis"])
        return cls(**config)

