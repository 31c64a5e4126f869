"""The Keras mask and logits a tensor carries: Keras's protocol attributes ``_keras_mask``
(set by masking layers on their outputs) and ``_keras_logits`` (set by ``sigmoid``/``softmax``
outputs so crossentropy can use the logits). Code outside this module reads and writes them
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


def set_keras_mask(value: Any, mask: Optional[torch.Tensor]) -> None:
    """Attach ``mask`` to ``value`` (``value._keras_mask = mask``), as Keras's masking layers do."""
    value._keras_mask = mask


def set_keras_logits(value: Any, logits: torch.Tensor) -> None:
    """Record the logits the probabilities ``value`` came from (``value._keras_logits``)."""
    value._keras_logits = logits
