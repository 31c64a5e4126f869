"""Keras 3 on torch: the benchmark workloads through ``KERAS_BACKEND=torch`` Keras 3, each
against the same hand-written torch loop timed in this process.

Run by ``run.py --keras3-python PATH`` in an interpreter that has Keras 3 and torch (and
torchkeras's own dependencies: the data and torch loops come from ``workloads.py``, which
imports torchkeras). Prints one JSON line. Keras 3 is never a dependency of torchkeras.

    KERAS_BACKEND=torch /tmp/k3/bin/python bench/keras3_workloads.py --repeats 3
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402  (real Keras 3; before anything else can claim the name)
import torch  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from workloads import WORKLOADS, Workload, time_call as _time  # noqa: E402

layers = keras.layers


def _mlp() -> "keras.Model":
    return keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                             layers.Dense(10, activation="softmax")])


def _fit_mlp(w: Workload) -> None:
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(w.x, w.y, batch_size=w.batch_size, epochs=1, verbose=0)


def _fit_cnn(w: Workload) -> None:
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(w.x, w.y, batch_size=128, epochs=1, verbose=0)


def _fit_lstm(w: Workload) -> None:
    model = keras.Sequential([keras.Input((80,), dtype="int64"),
                              layers.Embedding(w.vocab, 32), layers.LSTM(32),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(w.x, w.y, batch_size=64, epochs=1, verbose=0)


def _fit_xor(w: Workload) -> None:
    model = keras.Sequential([keras.Input((2,)), layers.Dense(2, activation="tanh"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    model.fit(w.x, w.y, batch_size=1, epochs=w.epochs, verbose=0)


def _predict(w: Workload) -> None:
    if not hasattr(w, "keras3_model"):
        w.keras3_model = _mlp()  # built once, as the torchkeras and torch sides are
    w.keras3_model.predict(w.x, batch_size=32, verbose=0)


KERAS3: Dict[str, Callable[[Workload], None]] = {
    "mlp": _fit_mlp, "cnn": _fit_cnn, "lstm": _fit_lstm, "xor": _fit_xor, "predict": _predict,
}


def run(name: str, repeats: int, smoke: bool, device: torch.device) -> Optional[Dict]:
    if name not in KERAS3:
        return None
    workload = WORKLOADS[name](smoke=smoke, device=device)
    if workload is None:
        return None
    ours = lambda: KERAS3[name](workload)  # noqa: E731
    ours()  # warm-up, as run.py does for both of its sides
    workload.torch()
    keras3: List[float] = []
    loop: List[float] = []
    for _ in range(repeats):
        keras3.append(_time(ours, device))
        loop.append(_time(workload.torch, device))
    return {"workload": name, "keras3_s": min(keras3), "keras3_torch_s": min(loop),
            "keras3_torch_ratio": min(keras3) / min(loop)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated workload names")
    args = parser.parse_args(argv)
    if keras.backend.backend() != "torch":
        raise SystemExit(f"Keras 3 runs on {keras.backend.backend()!r}; set KERAS_BACKEND=torch")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    repeats = 1 if args.smoke else args.repeats
    results = []
    for name in [w for w in args.only.split(",") if w] or list(KERAS3):
        result = run(name, repeats, args.smoke, device)
        if result is not None:
            results.append(result)
            print(f"keras3 {name}: {result['keras3_s']:.3f}s vs torch loop "
                  f"{result['keras3_torch_s']:.3f}s", file=sys.stderr, flush=True)
    print(json.dumps({"keras": keras.__version__, "backend": keras.backend.backend(),
                      "torch": torch.__version__, "device": str(device), "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
