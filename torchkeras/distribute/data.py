"""Splitting each global batch across processes.

``batch_size`` is the GLOBAL batch, as under Keras's ``MirroredStrategy``: every process
walks the same sequence of global batches (the same permutation when shuffling: a generator
seeded from rank 0) and takes its contiguous share of each one. Shares differ by at most one
sample; :attr:`BatchShard.scale` (``local * world / global``) makes DDP's gradient average
equal the gradient of the global batch mean, uneven last batch included.
"""
from __future__ import annotations

from typing import Any, Tuple

import torch
import torch.distributed as dist

from torchkeras.distribute import environment
from torchkeras.backend import nest


class BatchShard:
    """This process's contiguous share of each global batch."""

    def __init__(self, rank: int, world: int):
        self.rank = rank
        self.world = world
        self.scale = 1.0  # local_size * world / global_size of the latest batch

    def bounds(self, start: int, stop: int) -> Tuple[int, int]:
        """The local ``[start, stop)`` within the global batch ``[start, stop)``."""
        size = stop - start
        base, extra = divmod(size, self.world)
        lo = start + self.rank * base + min(self.rank, extra)
        hi = lo + base + (1 if self.rank < extra else 0)
        self.scale = (hi - lo) * self.world / size if size else 0.0
        return lo, hi

    def take(self, batch: Any) -> Any:
        """The local share of a batch that arrived whole (generators, DataLoaders)."""
        leaves = [t for t in nest.flatten(batch[0]) if t is not None]
        lo, hi = self.bounds(0, int(leaves[0].shape[0]))
        return tuple(None if part is None else
                     nest.map_structure(lambda t: None if t is None else t[lo:hi], part)
                     for part in batch)


def shared_generator() -> torch.Generator:
    """A CPU generator seeded alike on every process (the seed drawn on rank 0)."""
    seed = torch.randint(0, 2 ** 62, (1,), dtype=torch.int64)
    device = environment.collective_device()
    seed = seed.to(device)
    dist.broadcast(seed, src=0)
    generator = torch.Generator()
    generator.manual_seed(int(seed.item()))
    return generator


def shard_data(data: Any, model: Any = None) -> Any:
    """Give ``data`` (ArrayData/IterableData) this process's share of each batch when
    running distributed; unchanged otherwise."""
    if not environment.initialize():
        return data
    if model is not None:
        sync_model_once(model)
    data.shard = BatchShard(environment.rank(), environment.world_size())
    if getattr(data, "shuffle", False):
        data.generator = shared_generator()
    sampler = getattr(getattr(data, "source", None), "sampler", None)
    if isinstance(sampler, torch.utils.data.RandomSampler):  # a DataLoader that shuffles
        sampler.generator = shared_generator()
    return data


def sync_model_once(model: Any) -> None:
    """Copy rank 0's weights and buffers to every process, once per built model (DDP does
    it again when it wraps the model for training)."""
    if model.__dict__.get("_torchkeras_synced"):
        return
    tensors = list(model.parameters()) + list(model.buffers())
    if not tensors:
        return  # not built yet: the first training step's DDP wrapper syncs it
    device = environment.collective_device()
    with torch.no_grad():
        for tensor in tensors:
            buffer = tensor.detach().to(device)
            dist.broadcast(buffer, src=0)
            if buffer is not tensor:
                tensor.copy_(buffer)
    model.__dict__["_torchkeras_synced"] = True
