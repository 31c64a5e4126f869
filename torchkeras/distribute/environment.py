"""Where this process stands in a ``torchrun`` job, and the process group.

``torchrun --nproc_per_node=N script.py`` (``python -m torch.distributed.run``) sets ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT``. torchkeras reads them and
starts the process group itself (nccl on CUDA, gloo on CPU) when the script has not, so a
script that calls ``model.fit`` runs unchanged. Without that environment every function
here answers for one process and does nothing.
"""
from __future__ import annotations

import os
from typing import Optional

import torch
import torch.distributed as dist

from torchkeras.backend.device import get_device
from torchkeras.distribute import teardown

_LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def launched() -> bool:
    """Whether a launcher (``torchrun``) started this process as one of several."""
    return all(v in os.environ for v in _LAUNCH_VARIABLES) and \
        int(os.environ.get("WORLD_SIZE", "1")) > 1


def local_rank() -> int:
    """This process's index on its node (its GPU), from ``LOCAL_RANK``."""
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_distributed() -> bool:
    """Whether a process group of more than one process is running."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's global rank (0 when not distributed)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return int(os.environ.get("RANK", "0")) if launched() else 0


def world_size() -> int:
    """The number of processes (1 when not distributed)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return int(os.environ.get("WORLD_SIZE", "1")) if launched() else 1


def is_chief() -> bool:
    """Rank 0: the process that prints progress and writes files."""
    return rank() == 0


def default_backend(device: torch.device) -> str:
    return "nccl" if device.type == "cuda" else "gloo"


def initialize() -> bool:
    """Start the process group from the launcher's environment when the script has not;
    returns whether training is distributed. Cheap when called again. A distributed
    group is torn down at exit (:mod:`torchkeras.distribute.teardown`)."""
    if not dist.is_available():
        return False
    if not dist.is_initialized():
        if not launched():
            return False
        device = get_device()  # cuda:LOCAL_RANK under a launcher with GPUs
        if device.type == "cuda":
            torch.cuda.set_device(device)
            dist.init_process_group(backend=default_backend(device), device_id=device)
        else:
            dist.init_process_group(backend=default_backend(device))
    if dist.get_world_size() > 1:
        teardown.install()  # the group torn down at exit, before finalization
        return True
    return False


def collective_device() -> torch.device:
    """Where tensors must be for the running backend's collectives."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def barrier() -> None:
    """Wait for every process (nothing when not distributed)."""
    if is_distributed():
        if dist.get_backend() == "nccl":
            dist.barrier(device_ids=[torch.cuda.current_device()])
        else:
            dist.barrier()


def shutdown() -> None:
    """Destroy the process group (if any), with torchkeras's DDP wrappers, so that its
    worker threads stop now."""
    teardown.release_group()


def describe_device(device: Optional[torch.device] = None) -> str:
    device = device or get_device()
    return str(device)
