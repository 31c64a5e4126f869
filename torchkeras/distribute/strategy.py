"""Keras's strategy API (``tf.distribute.MirroredStrategy`` and friends) on torch.distributed.

A strategy does not change how the code runs: under ``torchrun`` every process runs the
script, ``fit``/``evaluate``/``predict`` split each global batch across the processes and DDP
averages the gradients. ``scope()`` is a context manager that does nothing harmful (the
weights are made identical by DDP), and ``num_replicas_in_sync`` is the number of processes.
Without a launcher the strategy runs on one device, and says so once.
"""
from __future__ import annotations

import contextlib
import enum
import logging
from typing import Any, Callable, Dict, Iterator, Optional, Sequence

import torch

from torchkeras.distribute import environment
from torchkeras.distribute.reduction import all_reduce_value

_LOGGER = logging.getLogger("torchkeras.distribute")
_ANNOUNCED = False
_CURRENT: Optional["Strategy"] = None


class ReduceOp(enum.Enum):
    """``tf.distribute.ReduceOp``."""
    SUM = "SUM"
    MEAN = "MEAN"


class InputContext:
    """``tf.distribute.InputContext`` for ``distribute_datasets_from_function``."""

    def __init__(self, num_input_pipelines: int = 1, input_pipeline_id: int = 0,
                 num_replicas_in_sync: int = 1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible "
                             f"by `num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync


class Strategy:
    """The default strategy: one process, one device."""

    def __init__(self) -> None:
        self._distributed = environment.initialize()

    @property
    def num_replicas_in_sync(self) -> int:
        """The number of processes training together (1 without a launcher)."""
        return environment.world_size() if self._distributed else 1

    @contextlib.contextmanager
    def scope(self) -> Iterator["Strategy"]:
        """Models built inside are trained by this strategy (nothing to do here: every
        process builds the model, and DDP makes the weights identical)."""
        global _CURRENT
        previous, _CURRENT = _CURRENT, self
        try:
            yield self
        finally:
            _CURRENT = previous

    def run(self, fn: Callable, args: Sequence[Any] = (),
            kwargs: Optional[Dict[str, Any]] = None, options: Any = None) -> Any:
        """``fn(*args, **kwargs)`` on this process's replica."""
        return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op: Any, value: Any, axis: Optional[int] = None) -> torch.Tensor:
        """``value`` reduced over processes (``axis``: first over that local axis)."""
        op = getattr(reduce_op, "value", reduce_op)
        op = str(op).upper()
        tensor = torch.as_tensor(value)
        if axis is not None:
            count = tensor.shape[axis]
            tensor = tensor.sum(dim=axis)
            if op == "MEAN":
                total = all_reduce_value(tensor, "sum")
                counts = all_reduce_value(torch.tensor(float(count)), "sum")
                return total / counts
        return all_reduce_value(tensor, "mean" if op == "MEAN" else "sum")

    def experimental_distribute_dataset(self, dataset: Any, options: Any = None) -> Any:
        """The dataset itself: ``fit`` splits each global batch across processes."""
        return dataset

    def distribute_datasets_from_function(self, dataset_fn: Callable,
                                          options: Any = None) -> Any:
        return dataset_fn(InputContext(1, 0, self.num_replicas_in_sync))

    @property
    def cluster_resolver(self) -> Any:
        return None

    @property
    def extended(self) -> "Strategy":
        return self

    def _announce(self, name: str) -> None:
        global _ANNOUNCED
        if self._distributed:
            _LOGGER.info("%s: process %d of %d on %s", name, environment.rank(),
                         environment.world_size(), environment.describe_device())
            return
        if not _ANNOUNCED:
            _ANNOUNCED = True
            _LOGGER.warning("%s: one process, running on %s. Launch with `torchrun "
                            "--nproc_per_node=N script.py` to train on N processes.", name,
                            environment.describe_device())


class MirroredStrategy(Strategy):
    """``tf.distribute.MirroredStrategy``: one process per device (``torchrun``)."""

    def __init__(self, devices: Any = None, cross_device_ops: Any = None) -> None:
        super().__init__()
        self._announce(type(self).__name__)


class MultiWorkerMirroredStrategy(MirroredStrategy):
    """``tf.distribute.MultiWorkerMirroredStrategy``: processes on several nodes
    (``torchrun --nnodes=M --nproc_per_node=N ...``)."""

    def __init__(self, cluster_resolver: Any = None, communication_options: Any = None
                 ) -> None:
        super().__init__()


def get_strategy() -> Strategy:
    """The strategy whose ``scope()`` is open, else the default (one-process) strategy."""
    return _CURRENT if _CURRENT is not None else Strategy()


def has_strategy() -> bool:
    return _CURRENT is not None


def in_cross_replica_context() -> bool:
    return True


def get_replica_context() -> Any:
    return None
