"""BatchShard: contiguous shares of each global batch and the loss scale."""
import numpy as np
import pytest
import torch

import torchkeras
from torchkeras.distribute import BatchShard, shard_data
from torchkeras.engine import data as data_module


@pytest.mark.parametrize("size,world", [(4, 2), (3, 2), (1, 2), (7, 3), (2, 4), (0, 2)])
def test_shares_tile_the_batch_and_scales_average_to_one(size, world):
    shards = [BatchShard(r, world) for r in range(world)]
    bounds = [s.bounds(10, 10 + size) for s in shards]
    rows = [i for lo, hi in bounds for i in range(lo, hi)]
    assert rows == list(range(10, 10 + size))  # contiguous, in rank order, each row once
    lengths = [hi - lo for lo, hi in bounds]
    assert max(lengths) - min(lengths) <= 1
    if size:
        assert sum(s.scale for s in shards) == pytest.approx(world)  # DDP averages
        for s, n in zip(shards, lengths):
            assert s.scale == pytest.approx(n * world / size)
    else:
        assert all(s.scale == 0.0 for s in shards)


def test_take_slices_every_part_of_a_whole_batch():
    shard = BatchShard(1, 2)
    x = {"a": torch.arange(5), "b": torch.arange(5) * 10}
    taken = shard.take((x, torch.arange(5) + 100, None))
    assert taken[0]["a"].tolist() == [3, 4] and taken[0]["b"].tolist() == [30, 40]
    assert taken[1].tolist() == [103, 104] and taken[2] is None
    assert shard.scale == pytest.approx(2 * 2 / 5)


def test_array_data_yields_the_local_share_of_each_batch():
    x = np.arange(11, dtype="float32").reshape(11, 1)
    data = data_module.ArrayData(x, None, None, 4, False, torch.device("cpu"))
    data.shard = BatchShard(1, 2)
    assert [bx[:, 0].tolist() for bx, _, _ in data.batches()] == \
        [[2.0, 3.0], [6.0, 7.0], [10.0]]


def test_one_process_leaves_data_and_steps_alone():
    model = torchkeras.Sequential([torchkeras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    data = data_module.ArrayData(np.zeros((3, 2), "float32"), None, None, 2, True,
                                 torch.device("cpu"))
    assert shard_data(data, model) is data and data.shard is None and data.generator is None
    from torchkeras.engine.trainer import StepRunner
    assert StepRunner(model).distributed is None
