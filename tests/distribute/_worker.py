"""Run under ``torchrun --nproc_per_node=2``: writes ``rank<R>.npz`` and ``stdout_<R>.txt``
into the folder given as the first argument."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

out = sys.argv[1]
rank = int(os.environ["RANK"])
sys.stdout = open(os.path.join(out, f"stdout_{rank}.txt"), "w")

import torch  # noqa: E402
import torchkeras  # noqa: E402
from torchkeras import distribute  # noqa: E402
from torchkeras.engine import trainer  # noqa: E402

import _scenario  # noqa: E402

checkpoint = torchkeras.callbacks.ModelCheckpoint(os.path.join(out, f"ckpt_{rank}.h5"))
csv_logger = torchkeras.callbacks.CSVLogger(os.path.join(out, f"log_{rank}.csv"))
result = _scenario.train(callbacks=[checkpoint, csv_logger], verbose=1)
result.update(_scenario.train_custom_steps())
result["checkpoint_seen"] = np.asarray(
    os.path.exists(os.path.join(out, "ckpt_0.h5")))  # after fit's barrier: on every rank

# Shuffling: every process's shares of a batch make up the same permutation.
model = _scenario.build_model()
x = np.arange(11, dtype="float32").reshape(11, 1).repeat(4, axis=1)
data = trainer.make_data(model, x, np.zeros((11, 1), "float32"), None, 4, True)
seen = [bx[:, 0].numpy() for _ in range(2) for bx, _, _ in data.batches()]
result["shuffled"] = np.concatenate(seen)
result["shuffled_sizes"] = np.asarray([len(s) for s in seen])

# The strategy API.
strategy = distribute.MirroredStrategy()
with strategy.scope():
    model = _scenario.build_model()
model.fit(*_scenario.arrays()[:2], batch_size=4, epochs=1, verbose=0)
result["replicas"] = np.asarray(strategy.num_replicas_in_sync)
result["strategy_w0"] = model.get_weights()[0]
result["reduced"] = np.asarray(strategy.reduce("SUM", torch.tensor(float(rank + 1))))

np.savez(os.path.join(out, f"rank{rank}.npz"), **result)
sys.stdout.close()
torch.distributed.barrier()  # every collective done on both ranks before either leaves
distribute.shutdown()
# Without interpreter finalization: a gloo worker thread still releasing an all_reduced tensor
# then aborts the process (see _dataset_worker.py).
sys.stderr.flush()
os._exit(0)
