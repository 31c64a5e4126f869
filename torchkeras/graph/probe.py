"""Stand-in inputs for learning a layer's output shape by running it (the shape probe)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import torch

from torchkeras import backend


def probe_input(shape: Sequence[int], dtype: Optional[str] = None, device: Any = None) -> Any:
    """Zeros of ``shape`` in the Keras ``dtype`` (``None``: floatx) to run a layer on; for a
    ``"string"`` input a NumPy array of empty strings, which string layers (StringLookup,
    TextVectorization, a model with a string ``Input``) take where they reject numbers."""
    if dtype == "string":
        return np.full(tuple(shape), "", dtype=object)
    return torch.zeros(tuple(shape), dtype=backend.torch_dtype(dtype), device=device)
