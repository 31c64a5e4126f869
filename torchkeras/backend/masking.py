"""The Keras mask and logits a tensor carries: Keras's protocol attributes ``_keras_mask``
(set by masking layers on their outputs) and ``_keras_logits`` (set by ``sigmoid``/``softmax``
outputs so crossentropy can use the logits). Code outside the layer that sets them reads them
here, not through the private attribute.
"""
from __future__ import annotations

from typing import Any, Optional

import torch


def get_keras_mask(value: Any) -> Optional[torch.Tensor]:
    """The mask ``value`` carries (``value._keras_mask``), or ``None``."""
    return getattr(value, "_keras_mask", None)


def get_keras_logits(value: Any) -> Optional[torch.Tensor]:
    """The logits a probability tensor was computed from (``value._keras_logits``), or ``None``."""
    return getattr(value, "_keras_logits", None)
