"""Scaling out with torch.distributed: ``torchrun --nproc_per_node=N script.py``.

``fit``/``evaluate``/``predict`` see the launcher's environment, start the process group,
wrap the model in ``DistributedDataParallel`` for the training step, split every global
batch across processes, sum metric states when logs are read and gather predictions in
order. Only rank 0 prints progress and writes files. See README "Scaling out".
"""
from torchkeras.distribute.environment import (barrier, initialize, is_chief, is_distributed,
                                               launched, local_rank, rank, shutdown,
                                               world_size)
from torchkeras.distribute.data import BatchShard, shard_data, sync_model_once
from torchkeras.distribute.ddp import DistributedStep, wrap_model
from torchkeras.distribute.reduction import (all_reduce_value, average_logs,
                                             averaged_gradients, gather_batches,
                                             global_metric_states, maybe_global)
from torchkeras.distribute.strategy import (InputContext, MirroredStrategy,
                                            MultiWorkerMirroredStrategy, ReduceOp, Strategy,
                                            get_replica_context, get_strategy, has_strategy,
                                            in_cross_replica_context)

__all__ = ["barrier", "initialize", "is_chief", "is_distributed", "launched", "local_rank",
           "rank", "shutdown", "world_size", "BatchShard", "shard_data", "sync_model_once",
           "DistributedStep", "wrap_model", "all_reduce_value", "average_logs",
           "averaged_gradients", "gather_batches",
           "global_metric_states", "maybe_global", "InputContext", "MirroredStrategy",
           "MultiWorkerMirroredStrategy", "ReduceOp", "Strategy", "get_replica_context",
           "get_strategy", "has_strategy", "in_cross_replica_context"]
