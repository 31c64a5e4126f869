"""Child of ``applications.py --keras3-python``: Keras 3 (torch backend) ResNet50, the same
forward and SGD train step on the same inputs, best of ``repeats``; prints one JSON line.

    KERAS_BACKEND=torch /tmp/k3/bin/python bench/keras3_applications.py BATCH SIZE REPEATS THREADS
"""
from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import keras  # noqa: E402  (Keras 3, in the interpreter given to --keras3-python)


def main() -> int:
    batch, size, repeats, threads = (int(v) for v in sys.argv[1:5])
    torch.set_num_threads(threads)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (batch, size, size, 3)).astype("float32")
    y = rng.randint(0, 1000, batch)
    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3),
                                        classifier_activation=None)
    model.compile(optimizer=keras.optimizers.SGD(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    def forward() -> None:
        with torch.no_grad():
            model(x_t, training=False)

    def train() -> None:
        model.train_on_batch(x_t, y_t)

    best = {}
    for name, fn in (("forward", forward), ("train step", train)):
        fn()  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        best[name] = min(times)
    print(json.dumps({"keras_version": keras.__version__, **best}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
