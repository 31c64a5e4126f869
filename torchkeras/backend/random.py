"""Seeding: one call seeds Python, NumPy and torch, as keras.utils.set_random_seed."""
from __future__ import annotations

import random as _py_random

import numpy as np
import torch


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy and torch (all devices)."""
    if not isinstance(seed, int):
        raise ValueError("Expected `seed` argument to be an integer. "
                         f"Received: seed={seed} (of type {type(seed)})")
    _py_random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
