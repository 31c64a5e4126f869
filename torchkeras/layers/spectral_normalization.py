"""``SpectralNormalization``: a wrapper that divides the wrapped layer's kernel by its
largest singular value, estimated by power iteration (Keras 2 and 3).

As in Keras, the update happens only when ``training`` is true: ``vector_u`` (non-trainable,
``(1, kernel.shape[-1])``, TruncatedNormal(stddev=0.02) at start) and the kernel are
overwritten in place (no gradient through the normalisation), then the wrapped layer runs.
Power iteration on ``W = kernel.reshape(-1, out)`` in Keras layout, with Keras 2's
``l2_normalize`` (``x * rsqrt(max(sum(x^2), 1e-12))``)::

    v = l2n(u @ W.T); u = l2n(v @ W)   (power_iterations times)
    kernel = kernel / (v @ W @ u.T)
An all-zero kernel is left as it is.
"""
from __future__ import annotations

from typing import Any, Dict

import torch

from torchkeras import initializers
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.wrappers import Wrapper, _call_layer
from torchkeras.layers.weights import KerasVariable

__all__ = ["SpectralNormalization"]


def _l2_normalize(x: torch.Tensor) -> torch.Tensor:
    return x * torch.rsqrt(torch.clamp(torch.sum(x * x), min=1e-12))


class SpectralNormalization(Wrapper):
    """Spectral normalization of ``layer``'s ``kernel`` (or ``embeddings``).

    >>> SpectralNormalization(Dense(3))(np.ones((2, 4)), training=True).shape
    torch.Size([2, 3])
    """

    _hides_child_scope = True  # Keras 2 names the kernel 'spectral_normalization/kernel:0'

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `SpectralNormalization` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations
        self._kernel_var: Any = None

    def build(self, input_shape: Any) -> None:
        self.layer._maybe_build(tuple(input_shape))
        self.input_spec = InputSpec(shape=(None,) + tuple(input_shape)[1:])
        own = {v._spec.name: v for v in self.layer._own_variables()}
        variable = own.get("kernel", own.get("embeddings"))
        if variable is None:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' "
                             "nor 'embeddings'")
        self._kernel_var = variable
        self.kernel_shape = list(variable.shape)
        self.vector_u = self.add_weight(
            "vector_u", (1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False)
        super().build(input_shape)

    @property
    def kernel(self) -> KerasVariable:
        return self._kernel_var

    def call(self, inputs: torch.Tensor, training: Any = False) -> torch.Tensor:
        if training:
            self._update_weights()
        return _call_layer(self.layer, inputs, training)

    @torch.no_grad()
    def _update_weights(self) -> None:
        kernel = self._kernel_var.value
        if bool(torch.all(kernel == 0)):
            return
        new_kernel, new_u = self.normalize_weights()
        self._kernel_var.assign(new_kernel)
        self.vector_u.copy_(new_u)

    @torch.no_grad()
    def normalize_weights(self) -> Any:
        """The spectrally normalised kernel (Keras layout) and the new ``vector_u``."""
        kernel = self._kernel_var.value
        weights = kernel.reshape(-1, self.kernel_shape[-1])  # (rows, out)
        vector_u = self.vector_u.to(weights.dtype)
        vector_v = vector_u
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(torch.matmul(vector_u, weights.T))  # (1, rows)
            vector_u = _l2_normalize(torch.matmul(vector_v, weights))    # (1, out)
        sigma = torch.matmul(torch.matmul(vector_v, weights), vector_u.T)  # (1, 1)
        return (weights / sigma).reshape(kernel.shape), vector_u

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
