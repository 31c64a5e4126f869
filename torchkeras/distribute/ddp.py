"""The training forward through ``DistributedDataParallel``.

DDP all-reduces (averages) the gradients during ``backward``; the optimizer then updates the
model's own parameters, identical on every process. DDP wraps a thin module whose forward is
the model's ``call(x, training=True)``: the same plan the single-process step runs, without
Keras's ``__call__`` bookkeeping.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Optional, Tuple

import torch
from torch.nn.parallel import DistributedDataParallel

from torchkeras.distribute import teardown
from torchkeras.distribute.data import BatchShard
from torchkeras.layers.base import _call_parameters
from torchkeras.backend import nest


class _TrainingForward(torch.nn.Module):
    """``forward(x)`` = ``model.call(x, training=True)`` (``model.call(x)`` when its
    ``call`` takes no ``training``, as Keras allows)."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model
        self._takes_training = bool(_call_parameters(type(model))[0])

    def forward(self, x: Any) -> Any:
        if self._takes_training:
            return self.model.call(x, training=True)
        return self.model.call(x)


def wrap_model(model: torch.nn.Module) -> Optional[DistributedDataParallel]:
    """The model's DDP wrapper (cached; rebuilt when the trainable weights change), or
    ``None`` when it has nothing to train."""
    trainable = tuple(id(p) for p in model.parameters() if p.requires_grad)
    if not trainable:
        return None
    cached = model.__dict__.get("_torchkeras_ddp")
    if cached is not None and cached[0] == trainable:
        return cached[1]
    device = next(p.device for p in model.parameters())
    wrapper = DistributedDataParallel(
        _TrainingForward(model), device_ids=[device] if device.type == "cuda" else None)
    model.__dict__["_torchkeras_ddp"] = (trainable, wrapper)  # not a submodule
    model.__dict__["_torchkeras_synced"] = True  # DDP copied rank 0's state
    _WRAPPED.add(model)
    return wrapper


# Whatever holds a DDP wrapper (which holds the process group), for release_wrappers.
_WRAPPED: "weakref.WeakSet[Any]" = weakref.WeakSet()


def release_wrappers() -> None:
    """Drop every DDP wrapper torchkeras made (they keep the process group and its threads
    alive); a later training step wraps the model again."""
    for holder in list(_WRAPPED):
        if isinstance(holder, DistributedStep):
            holder.release()
        else:
            holder.__dict__.pop("_torchkeras_ddp", None)
    _WRAPPED.clear()


teardown.on_teardown(release_wrappers)


class DistributedStep:
    """What the built-in train step does differently when distributed."""

    def __init__(self, model: torch.nn.Module, call: Optional[Callable[[Any], Any]] = None):
        """``call``: the training forward ``x -> outputs`` used when DDP has nothing to wrap
        (the trainer passes its model call); by default ``model.call(x, training=True)``."""
        self.model = model
        self._call = call if call is not None else _TrainingForward(model)
        self.shard: Optional[BatchShard] = None  # the training data's shard (set by fit)
        self._wrapper: Optional[DistributedDataParallel] = None
        self._wrapped = False

    def forward(self, x: Any) -> Any:
        """The training forward, through DDP so that backward all-reduces gradients."""
        if not self._wrapped:
            self._wrapper = wrap_model(self.model)
            self._wrapped = True
            _WRAPPED.add(self)
        if self._wrapper is None:
            return self._call(x)
        return self._wrapper(x)

    def release(self) -> None:
        """Forget the DDP wrapper (the next forward wraps the model again)."""
        self._wrapper = None
        self._wrapped = False

    @property
    def empty(self) -> bool:
        """Whether this process's share of the current batch has no samples."""
        return self.shard is not None and self.shard.scale == 0.0

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """The local mean loss times ``local * world / global``: DDP's average of these
        gradients is the gradient of the global batch mean."""
        scale = 1.0 if self.shard is None else self.shard.scale
        return loss if scale == 1.0 else loss * scale

    def empty_step(self, x: Any, calls: Tuple[Callable[[], None], Callable[[], None]]
                   ) -> None:
        """A process with no samples in this (last, small) batch still joins the gradient
        all-reduce with zero gradients, then applies the same averaged update."""
        outputs = self.forward(x)  # a zero-length batch
        zero = sum(t.sum() for t in nest.flatten(outputs) if isinstance(t, torch.Tensor)
                   and t.is_floating_point()) * 0.0
        zero_grad, step = calls
        zero_grad()
        zero.backward()
        step()
