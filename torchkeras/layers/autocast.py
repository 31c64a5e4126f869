"""The autocast pieces of mixed precision: entering ``torch.autocast`` for a mixed policy,
and running a float32 layer (``Activation('linear', dtype='float32')``) outside it."""
from __future__ import annotations

import contextlib
from typing import Any, ContextManager, Optional

import torch

from torchkeras.backend import nest
from torchkeras.backend.masking import get_keras_logits, get_keras_mask, set_keras_logits, \
    set_keras_mask
from torchkeras.layers.weights import is_model


def autocast_for(dtype: Optional[torch.dtype], device: torch.device) -> ContextManager:
    """``torch.autocast`` on ``device``'s type in ``dtype``; a no-op context when autocast is
    already on there (an outer mixed layer or the trainer entered it) or ``dtype`` is None."""
    device_type = torch.device(device).type
    if dtype is None or torch.is_autocast_enabled(device_type):
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=dtype)


def to_float32(value: Any) -> Any:
    """A float16/bfloat16 tensor as float32, keeping Keras's ``_keras_mask`` and
    ``_keras_logits`` (cast too) so losses and metrics still see them."""
    if not isinstance(value, torch.Tensor) or value.dtype not in (torch.float16, torch.bfloat16):
        return value
    result = value.float()
    logits = get_keras_logits(value)
    if logits is not None:
        set_keras_logits(result, logits.float())
    mask = get_keras_mask(value)
    if mask is not None:
        set_keras_mask(result, mask)
    return result


class Float32Call:
    """A layer's ``call`` for a float32 layer in a mixed-precision model: its floating inputs
    are cast to float32 and it computes with autocast off, as Keras runs a layer whose
    policy is ``'float32'``. Installed as the instance's ``call`` only in that case."""

    def __init__(self, layer: Any):
        self.layer = layer

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        layer = self.layer
        call = type(layer).call
        flat = [t for t in nest.flatten(inputs) if isinstance(t, torch.Tensor)]
        device_type = flat[0].device.type if flat else "cpu"
        if not torch.is_autocast_enabled(device_type):
            return call(layer, nest.map_structure(to_float32, inputs), *args, **kwargs)
        with torch.autocast(device_type=device_type, enabled=False):
            return call(layer, nest.map_structure(to_float32, inputs), *args, **kwargs)


def autocast_dtype_of(layer: Any) -> Optional[torch.dtype]:
    """The dtype ``layer``'s call autocasts to: set by ``Layer`` under a mixed policy and by
    :func:`prepare_mixed` on a model holding mixed layers; ``None`` when it runs in float32.
    A function, not a Layer attribute, so it cannot clash with a user subclass's attribute."""
    return getattr(layer, "_autocast_dtype", None)


def prepare_mixed(model: Any) -> Optional[torch.dtype]:
    """The autocast dtype ``model`` runs under: its own mixed policy's, else that of the first
    mixed layer inside it; None (nothing changed) when it holds no mixed layer.

    With one, each float32-policy layer in the model that holds no mixed layer gets a
    :class:`Float32Call`, so it computes in float32 under autocast as tf-keras's float32
    layers do, whatever the global policy was when it was made or loaded (a
    ``mixed_float16`` model loaded in a float32 process keeps its float32 head). Model plans
    are refreshed when a call is replaced. Runs once per plan or compile, never per step."""
    dtype = model.dtype_policy.autocast_dtype
    layers = model._flatten_layers(include_self=False)
    if dtype is None:
        dtype = next((autocast_dtype_of(layer) for layer in layers
                      if autocast_dtype_of(layer) is not None), None)
        if dtype is None:
            return None
    replaced = False
    for layer in layers:
        if _needs_float32_call(layer):
            layer.call = Float32Call(layer)
            replaced = True
    if replaced:
        from torchkeras.layers import base  # noqa: WPS433 (late: base imports this module)
        base.HOOK_VERSION[0] += 1  # plans re-read `layer.call` at their next run
    return dtype


def _needs_float32_call(layer: Any) -> bool:
    """A float32-policy layer (not a model) that holds no mixed layer and still has its
    class's ``call``."""
    policy = getattr(layer, "dtype_policy", None)
    if policy is None or policy.is_mixed or policy.compute_dtype != "float32" or \
            "call" in vars(layer) or is_model(layer):
        return False
    return not any(autocast_dtype_of(inner) is not None
                   for inner in layer._flatten_layers(include_self=False))
