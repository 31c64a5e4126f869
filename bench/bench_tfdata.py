"""fit on a tf.data pipeline against fit on the same NumPy arrays (issue 17's 1.1x target).

    PYTHONPATH=. python bench/bench_tfdata.py [--samples 20000] [--epochs 3]

Prints seconds per epoch (best of the epochs after the first) for: NumPy arrays
(``fit(x, y, batch_size=64, shuffle=True)``) and
``from_tensor_slices((x, y)).shuffle(1024).batch(64).prefetch(AUTOTUNE)``.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import torchkeras as keras
from torchkeras.data import AUTOTUNE, Dataset


class _Timer(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def _model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(64, activation="relu", input_shape=(32,)),
                              keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    x = rng.normal(size=(args.samples, 32)).astype("float32")
    y = rng.randint(0, 10, size=args.samples).astype("int64")
    results = {}
    timer = _Timer()
    _model().fit(x, y, batch_size=64, epochs=args.epochs, shuffle=True, verbose=0,
                 callbacks=[timer])
    results["numpy arrays"] = min(timer.times[1:])
    timer = _Timer()
    ds = Dataset.from_tensor_slices((x, y)).shuffle(1024).batch(64).prefetch(AUTOTUNE)
    _model().fit(ds, epochs=args.epochs, verbose=0, callbacks=[timer])
    results["tf.data shuffle/batch/prefetch"] = min(timer.times[1:])
    base = results["numpy arrays"]
    for name, seconds in results.items():
        print(f"{name:34s} {seconds:7.3f} s/epoch  {seconds / base:5.2f}x")


if __name__ == "__main__":
    main()
