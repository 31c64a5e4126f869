"""The device torchkeras computes on: CUDA when present, else CPU.

Override with the ``TORCHKERAS_DEVICE`` environment variable or :func:`set_device`.
"""
from __future__ import annotations

import os
from typing import Optional, Union

import torch

_DEVICE: Optional[torch.device] = None


def get_device() -> torch.device:
    """The device new weights and data go to."""
    global _DEVICE
    if _DEVICE is None:
        requested = os.environ.get("TORCHKERAS_DEVICE")
        if requested:
            _DEVICE = torch.device(requested)
        elif torch.cuda.is_available():  # under torchrun: this process's own GPU
            _DEVICE = torch.device("cuda", int(os.environ["LOCAL_RANK"])) \
                if int(os.environ.get("WORLD_SIZE", "1")) > 1 and "LOCAL_RANK" in os.environ \
                else torch.device("cuda")
        else:
            _DEVICE = torch.device("cpu")
    return _DEVICE


def set_device(device: Union[str, torch.device, None]) -> None:
    """Use ``device`` for models built from now on (``None``: choose again)."""
    global _DEVICE
    _DEVICE = None if device is None else torch.device(device)
