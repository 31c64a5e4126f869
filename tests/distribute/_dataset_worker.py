"""Run under ``torchrun --nproc_per_node=2``: fit a model on a ``torchkeras.data.Dataset`` and
write the sample ids this rank trained on (``dataset_rank<R>.json``) into the folder given as
the first argument."""
import json
import os
import sys

import numpy as np
import torch.distributed

out = sys.argv[1]
rank = int(os.environ["RANK"])

import torchkeras  # noqa: E402
from torchkeras import distribute  # noqa: E402
from torchkeras.data import AUTOTUNE, Dataset  # noqa: E402

SEEN = []


class Recorder(torchkeras.Model):
    """Dense(1) that records the id column of every batch it trains on."""

    def __init__(self):
        super().__init__()
        self.dense = torchkeras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        SEEN[-1].append([int(v) for v in data[0][:, 0].tolist()])
        return super().train_step(data)


ids = np.arange(10, dtype="float32").reshape(10, 1).repeat(2, axis=1)  # column 0: sample id
targets = np.zeros((10, 1), "float32")
result = {}
for name, dataset in {
        "batched": Dataset.from_tensor_slices((ids, targets)).batch(4),
        "shuffled": Dataset.from_tensor_slices((ids, targets)).shuffle(10, seed=3).batch(4)
        .prefetch(AUTOTUNE),
        "mapped": Dataset.range(10).map(lambda i: (torchkeras.ops.stack(
            [torchkeras.ops.cast(i, "float32")] * 2), torchkeras.ops.zeros((1,))),
            num_parallel_calls=2).batch(3),
}.items():
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    SEEN.append([])
    model.fit(dataset, epochs=2, verbose=0)
    result[name] = SEEN[-1]
with open(os.path.join(out, f"dataset_rank{rank}.json"), "w") as handle:
    json.dump(result, handle)
# Every collective done on both ranks before either leaves, then the group torn down.
torch.distributed.barrier()
distribute.shutdown()
# Leave without interpreter finalization. torch's gloo worker threads outlive
# destroy_process_group here (DDP keeps the ProcessGroupGloo alive), and one that drops its
# last reference to an all_reduced tensor after Python began finalizing must take the GIL
# to release the tensor's Python object: CPython ends that thread with pthread_exit inside
# a noexcept destructor, and the process aborts ("terminate called without an active
# exception"; core dumps: ProcessGroupGloo::runLoop -> ~AsyncAllreduceWork ->
# TensorImpl::decref_pyobject -> take_gil -> PyThread_exit_thread, main thread in
# Py_FinalizeEx). 3 aborts in 90 runs on a loaded machine, with or without the barrier.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
