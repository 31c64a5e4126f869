"""Long runs: host memory (and CUDA memory) stays flat over many steps, predict_on_batch
calls and fit calls. The short version runs in CI; the long one (100,000 steps, 10,000
predict_on_batch, 1,000 fits) is marked ``soak``: ``pytest -m soak tests/hardening``."""
import gc
import resource
import sys

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import layers


def _rss_mb() -> float:
    """Current resident set size (Linux /proc), else the peak from getrusage."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize() / 2 ** 20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _model():
    inputs = keras.Input((8,))
    hidden = layers.Dense(16, activation="relu",
                          activity_regularizer=keras.regularizers.l2(1e-4))(inputs)
    outputs = layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _soak(steps: int, predicts: int, fits: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(steps, 8)).astype("float32")
    y = rng.integers(0, 3, size=steps)
    model = _model()
    model.fit(x[:64], y[:64], batch_size=1, verbose=0)  # warm up caches and allocators
    gc.collect()
    numbers = {"rss_start_mb": _rss_mb()}
    model.fit(x, y, batch_size=1, epochs=1, verbose=0)  # `steps` training steps
    gc.collect()
    numbers["rss_after_steps_mb"] = _rss_mb()
    batch = x[:32]
    for _ in range(predicts):
        model.predict_on_batch(batch)
    gc.collect()
    numbers["rss_after_predicts_mb"] = _rss_mb()
    for _ in range(fits):
        history = model.fit(x[:32], y[:32], batch_size=16, epochs=1, verbose=0)
    gc.collect()
    numbers["rss_end_mb"] = _rss_mb()
    numbers["history_keys"] = sorted(history.history)
    numbers["history_len"] = len(history.history["loss"])
    numbers["nodes"] = sum(len(getattr(l, "_inbound_nodes", [])) for l in model.layers)
    numbers["refs_to_model"] = len(gc.get_referrers(model))
    if torch.cuda.is_available():
        numbers["cuda_allocated_mb"] = torch.cuda.memory_allocated() / 2 ** 20
    return numbers


def _check(numbers: dict, bound_mb: float) -> None:
    print("soak:", numbers, file=sys.stderr)
    growth = numbers["rss_end_mb"] - numbers["rss_start_mb"]
    assert growth < bound_mb, numbers
    assert numbers["history_len"] == 1  # a new History per fit, per-epoch floats only
    assert numbers["nodes"] <= 2 * len(numbers["history_keys"]) + 8  # no Node per call


def test_soak_short():
    _check(_soak(steps=1500, predicts=500, fits=50), bound_mb=30)


@pytest.mark.soak
def test_soak_long():
    _check(_soak(steps=100_000, predicts=10_000, fits=1000), bound_mb=30)
