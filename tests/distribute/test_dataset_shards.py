"""Two CPU processes under torchrun fit on a ``torchkeras.data.Dataset``: each rank trains on
its share of every global batch (as tf.distribute's auto-sharding by data), the shares are
disjoint and together make up the batch, and shuffled datasets agree across ranks."""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

torch_distributed = pytest.importorskip("torch.distributed")
if not torch_distributed.is_available():  # pragma: no cover
    pytest.skip("torch.distributed is not available", allow_module_level=True)


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp_dataset")
    env = {k: v for k, v in os.environ.items()
           if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    env.update(OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore", TORCHKERAS_DEVICE="cpu",
               PYTHONPATH=os.pathsep.join([os.path.dirname(os.path.dirname(HERE))] +
                                          env.get("PYTHONPATH", "").split(os.pathsep)))
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node=2", os.path.join(HERE, "_dataset_worker.py"), str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [json.loads((out / f"dataset_rank{r}.json").read_text()) for r in range(2)]


def test_each_rank_trains_on_its_half_of_each_batch(seen):
    # global batches [0..3], [4..7], [8, 9], two epochs; rank 0 the first half of each
    assert seen[0]["batched"] == [[0, 1], [4, 5], [8]] * 2
    assert seen[1]["batched"] == [[2, 3], [6, 7], [9]] * 2


@pytest.mark.parametrize("name,batch", [("shuffled", 4), ("mapped", 3)])
def test_shares_are_disjoint_and_make_up_every_batch(seen, name, batch):
    rank0, rank1 = seen[0][name], seen[1][name]
    assert len(rank0) == len(rank1) == 2 * -(-10 // batch)  # same number of steps
    for epoch in range(2):
        steps = len(rank0) // 2
        rows = [r for step in range(epoch * steps, (epoch + 1) * steps)
                for r in rank0[step] + rank1[step]]
        assert sorted(rows) == list(range(10))  # every sample once per epoch, no overlap
    for a, b in zip(rank0, rank1):
        assert len(a) + len(b) <= batch and abs(len(a) - len(b)) <= 1
    if name == "shuffled":  # reshuffled each epoch, identically on both ranks
        first = [r for step in range(3) for r in rank0[step] + rank1[step]]
        assert first != list(range(10))
