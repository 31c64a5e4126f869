"""fit() against a hand-written torch loop, same model, optimizer, batches and process.

Run: python bench/fit_vs_torch.py [--repeats 3] [--samples 60000]
Prints the time ratio torchkeras / torch for each workload (alternating runs, best of
repeats). Issue 7 extends this into the full benchmark suite.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

import torchkeras as keras


def torch_mlp_epoch(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> float:
    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    start = time.perf_counter()
    order = torch.randperm(x.shape[0])
    total = torch.zeros(())
    for i in range(0, x.shape[0], batch_size):
        index = order[i:i + batch_size]
        logits = net(x[index])
        loss = torch.nn.functional.cross_entropy(logits, y[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            total += loss.detach() * index.shape[0]
    float(total)
    return time.perf_counter() - start


def torchkeras_mlp_epoch(x: np.ndarray, y: np.ndarray, batch_size: int) -> float:
    model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=60000)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    x = rng.rand(args.samples, 784).astype("float32")
    y = rng.randint(0, 10, args.samples).astype("int64")
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    torchkeras_mlp_epoch(x[:1024], y[:1024], 128)  # warm-up
    torch_mlp_epoch(xt[:1024], yt[:1024], 128)
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(torchkeras_mlp_epoch(x, y, 128))
        theirs.append(torch_mlp_epoch(xt, yt, 128))
    result = {"workload": "mlp_784_128_10_adam_b128", "samples": args.samples,
              "torchkeras_s": min(ours), "torch_s": min(theirs),
              "ratio": min(ours) / min(theirs), "device": str(keras.backend.get_device()),
              "torch": torch.__version__, "threads": torch.get_num_threads()}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
