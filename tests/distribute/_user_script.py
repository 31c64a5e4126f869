"""A user's script run by test_teardown.py under ``torchrun --nproc_per_node=2`` (gloo): fit a
few steps, then simply end (no barrier, no shutdown, no ``os._exit``). Its own atexit handler
writes ``exit_<RANK>.json`` into the folder given as the first argument: that it ran, and the
gloo worker threads still alive then. A second argument ``N`` ends the script with
``sys.exit(N)``."""
import atexit
import json
import os
import sys


def _threads():
    """The names of this process's threads (Linux), or None."""
    if not os.path.isdir("/proc/self/task"):
        return None
    names = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/comm") as handle:
            names.append(handle.read().strip())
    return names


def _user_hook():  # registered first: runs after torchkeras's own exit hook
    with open(os.path.join(sys.argv[1], f"exit_{os.environ['RANK']}.json"), "w") as handle:
        json.dump({"ran": True, "threads": _threads()}, handle)


atexit.register(_user_hook)

import numpy as np  # noqa: E402

import torchkeras as keras  # noqa: E402

rng = np.random.RandomState(0)
x = rng.rand(32, 4).astype("float32")
model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                          keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
model.fit(x, x.sum(axis=1, keepdims=True), batch_size=8, epochs=2, verbose=0)
if len(sys.argv) > 2:
    sys.exit(int(sys.argv[2]))
