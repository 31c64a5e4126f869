"""Where fit/evaluate/predict keep in-memory arrays: on the device when they fit, else on
the host (pinned when CUDA is present) with each batch copied over as it is used.

On the device the whole dataset is copied once and batches are gathered there (no per-step
host work). A dataset larger than half the device's free memory stays on the host; each
batch is gathered there, pinned and sent with ``non_blocking=True``, so the copy of batch
``n + 1`` overlaps the step on batch ``n``.

``TORCHKERAS_DEVICE_DATA_MB`` sets the budget in MiB (``0``: always stream from the host).
"""
from __future__ import annotations

import os
from typing import Any, Optional

import torch

from torchkeras.backend import nest

_BUDGET_VARIABLE = "TORCHKERAS_DEVICE_DATA_MB"


def device_data_budget(device: torch.device) -> Optional[int]:
    """Bytes of in-memory data that may be copied to ``device`` (``None``: no limit)."""
    override = os.environ.get(_BUDGET_VARIABLE)
    if override is not None and override.strip():
        return int(float(override) * 2 ** 20)
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free // 2
    return None


def structure_bytes(*structures: Any) -> int:
    """Total bytes of the tensors in ``structures`` (a sparse tensor: its indices and
    values, not its dense size)."""
    return sum(_tensor_bytes(t) for s in structures for t in nest.flatten(s)
               if isinstance(t, torch.Tensor))


def _tensor_bytes(tensor: torch.Tensor) -> int:
    if tensor.is_sparse:  # (a tf.SparseTensor x) indices (rank, nnz) int64 + values (nnz,)
        nnz = tensor._nnz()
        return nnz * (tensor.sparse_dim() * 8 + tensor.element_size())
    return tensor.numel() * tensor.element_size()


def fits_on_device(device: torch.device, *structures: Any) -> bool:
    """Whether host tensors in ``structures`` should be copied to ``device`` up front."""
    budget = device_data_budget(device)
    return budget is None or structure_bytes(*structures) <= budget


def to_device(structure: Any, device: torch.device) -> Any:
    return nest.map_structure(
        lambda t: t.to(device) if isinstance(t, torch.Tensor) else t, structure)


def pin(structure: Any) -> Any:
    """Page-locked copies (when CUDA is present) so batch copies can be asynchronous."""
    if not torch.cuda.is_available():
        return structure
    return nest.map_structure(
        lambda t: t.pin_memory() if isinstance(t, torch.Tensor) and t.device.type == "cpu"
        else t, structure)


def send_batch(batch: Any, device: torch.device) -> Any:
    """A host batch on ``device``: pinned, then copied without blocking the host."""
    pinned = torch.cuda.is_available() and device.type == "cuda"

    def send(tensor: Any) -> Any:
        if not isinstance(tensor, torch.Tensor):
            return tensor
        if pinned and not tensor.is_pinned():
            tensor = tensor.pin_memory()
        return tensor.to(device, non_blocking=pinned)
    return nest.map_structure(send, batch)
