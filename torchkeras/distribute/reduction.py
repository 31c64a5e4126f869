"""Global values from per-process ones: metric states and predictions.

Every Keras metric keeps additive state (totals, counts, confusion matrices), which Keras's
strategies sum across replicas on read. Reading the logs is already a host sync, so that is
where the states are summed: one ``all_reduce`` over all of them, the result computed, and
the local states put back (each process keeps accumulating its own share).
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Sequence

import torch
import torch.distributed as dist

from torchkeras.distribute import environment


@contextlib.contextmanager
def global_metric_states(metrics: Sequence[Any]) -> Iterator[None]:
    """Inside, every metric's state holds the sum over processes."""
    variables = [v for m in metrics for v in getattr(m, "variables", ())]
    if not variables or not environment.is_distributed():
        yield
        return
    device = environment.collective_device()
    with torch.no_grad():
        saved = [v.detach().clone() for v in variables]
        flat = torch.cat([v.detach().reshape(-1).to(device, torch.float64) for v in variables])
        dist.all_reduce(flat)  # (total state size,)
        offset = 0
        for variable in variables:
            count = variable.numel()
            variable.copy_(flat[offset:offset + count].view(variable.shape))
            offset += count
    try:
        yield
    finally:
        with torch.no_grad():
            for variable, value in zip(variables, saved):
                variable.copy_(value)


def maybe_global(metrics: Sequence[Any], sync: bool):
    """:func:`global_metric_states` when distributed and ``sync``; else a no-op."""
    if sync and environment.is_distributed():
        return global_metric_states(metrics)
    return contextlib.nullcontext()


def gather_batches(tensors: List[torch.Tensor], local_sizes: List[int]) -> List[torch.Tensor]:
    """Whole outputs from each process's shares: ``tensors`` hold this process's rows of
    every batch in turn (``local_sizes`` rows per batch); the result holds every row, in
    the original sample order, on every process."""
    world = environment.world_size()
    device = environment.collective_device()
    sizes = torch.tensor(local_sizes, dtype=torch.int64, device=device)  # (batches,)
    gathered = [torch.empty_like(sizes) for _ in range(world)]
    dist.all_gather(gathered, sizes)
    table = torch.stack(gathered).cpu()  # (world, batches)
    longest = int(table.sum(1).max())
    # Row of (rank r, batch k) in the concatenation of the padded gathered tensors.
    starts = torch.cumsum(table, 1) - table + torch.arange(world).unsqueeze(1) * longest
    counts = table.t().reshape(-1)  # batch-major: batch 0 of ranks 0..N-1, batch 1, ...
    firsts = starts.t().reshape(-1)
    placed = torch.cumsum(counts, 0) - counts  # where each share begins in the result
    index = torch.arange(int(counts.sum())) + torch.repeat_interleave(firsts - placed, counts)
    results = []
    for tensor in tensors:
        original = tensor
        if tensor.dtype == torch.bool:
            tensor = tensor.to(torch.uint8)
        padded = tensor.new_zeros((longest,) + tuple(tensor.shape[1:])).to(device)
        padded[:tensor.shape[0]] = tensor.to(device)
        parts = [torch.empty_like(padded) for _ in range(world)]
        dist.all_gather(parts, padded)
        full = torch.cat(parts).index_select(0, index.to(device))
        results.append(full.to(original.device, original.dtype))
    return results


def all_reduce_value(value: Any, op: str = "sum") -> torch.Tensor:
    """A tensor summed (or averaged, ``op='mean'``) over processes."""
    tensor = torch.as_tensor(value)
    if not environment.is_distributed():
        return tensor
    device = environment.collective_device()
    work = tensor.detach().to(device, torch.float64 if tensor.is_floating_point() else
                              torch.int64).clone()
    dist.all_reduce(work)
    if op == "mean":
        work = work / environment.world_size()
    return work.to(tensor.device, tensor.dtype if op == "sum" or tensor.is_floating_point()
                   else torch.float32)


def average_logs(logs: Dict[str, Any]) -> Dict[str, Any]:
    """A custom step's logs with every tensor value averaged over processes (one
    ``all_reduce``; exact when the processes held equal shares)."""
    keys = [k for k, v in logs.items() if isinstance(v, torch.Tensor) and v.numel() == 1]
    if not keys or not environment.is_distributed():
        return logs
    device = environment.collective_device()
    stacked = torch.stack([logs[k].detach().reshape(()).to(device, torch.float64)
                           for k in keys])
    dist.all_reduce(stacked)
    stacked = stacked / environment.world_size()
    return dict(logs, **{k: v for k, v in zip(keys, stacked)})


@contextlib.contextmanager
def averaged_gradients(optimizer: Any) -> Iterator[None]:
    """Inside a custom ``train_step``: ``optimizer.apply_gradients`` averages the gradients
    over processes first (what DDP does for the built-in step)."""
    if optimizer is None or not environment.is_distributed():
        yield
        return
    original = optimizer.apply_gradients
    had_own = "apply_gradients" in optimizer.__dict__

    def apply_gradients(grads_and_vars: Any, name: Any = None, **kwargs: Any) -> Any:
        pairs = list(grads_and_vars)
        present = [i for i, (g, _) in enumerate(pairs) if g is not None]
        if present:
            device = environment.collective_device()
            grads = [torch.as_tensor(pairs[i][0]) for i in present]
            flat = torch.cat([g.detach().reshape(-1).to(device, torch.float32) for g in grads])
            dist.all_reduce(flat)
            flat = flat / environment.world_size()
            offset = 0
            for i, grad in zip(present, grads):
                count = grad.numel()
                pairs[i] = (flat[offset:offset + count].view(grad.shape).to(grad.device,
                                                                           grad.dtype),
                            pairs[i][1])
                offset += count
        return original(pairs, name=name, **kwargs)

    def average_grads(opt: Any, args: Any, kwargs: Any) -> None:  # torch-style ``step()``
        grads = [p.grad for group in opt.param_groups for p in group["params"]
                 if p.grad is not None]
        if grads:
            device = environment.collective_device()
            flat = torch.cat([g.reshape(-1).to(device, torch.float32) for g in grads])
            dist.all_reduce(flat)
            flat = flat / environment.world_size()
            offset = 0
            for grad in grads:
                count = grad.numel()
                grad.copy_(flat[offset:offset + count].view(grad.shape))
                offset += count

    # Averaging twice (a step() that calls apply_gradients) changes nothing: after the
    # first, every process holds the same gradients.
    optimizer.apply_gradients = apply_gradients
    handle = optimizer.register_step_pre_hook(average_grads)
    try:
        yield
    finally:
        handle.remove()
        if had_own:
            optimizer.apply_gradients = original
        else:
            del optimizer.apply_gradients
