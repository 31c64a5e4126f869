"""Optimizer step time: torchkeras's Keras-exact optimizers against torch.optim's equivalent.

    python bench/optimizers.py            # 300 steps each, best of 5
    python bench/optimizers.py --smoke    # a few steps (CI)

Both update the same parameter shapes (an MLP 784-128-10: 784x128, 128, 128x10, 10) with
the same fixed gradients; the ratio is torchkeras time / torch.optim time (foreach on).
torch.optim has no Ftrl, Lion or Adafactor equivalent with Keras's formula, so those are
timed alone.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import torch

import torchkeras as keras

SHAPES = [(784, 128), (128,), (128, 10), (10,)]

PAIRS: Dict[str, tuple] = {
    "SGD": (lambda: keras.optimizers.SGD(0.01),
            lambda p: torch.optim.SGD(p, lr=0.01, foreach=True)),
    "SGD momentum": (lambda: keras.optimizers.SGD(0.01, momentum=0.9),
                     lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, foreach=True)),
    "RMSprop": (lambda: keras.optimizers.RMSprop(),
                lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7, foreach=True)),
    "Adam": (lambda: keras.optimizers.Adam(),
             lambda p: torch.optim.Adam(p, lr=1e-3, eps=1e-7, foreach=True)),
    "AdamW": (lambda: keras.optimizers.AdamW(),
              lambda p: torch.optim.AdamW(p, lr=1e-3, eps=1e-7, weight_decay=0.004,
                                          foreach=True)),
    "Adagrad": (lambda: keras.optimizers.Adagrad(),
                lambda p: torch.optim.Adagrad(p, lr=1e-3, initial_accumulator_value=0.1,
                                              eps=1e-7, foreach=True)),
    "Adadelta": (lambda: keras.optimizers.Adadelta(),
                 lambda p: torch.optim.Adadelta(p, lr=1e-3, rho=0.95, eps=1e-7, foreach=True)),
    "Adamax": (lambda: keras.optimizers.Adamax(),
               lambda p: torch.optim.Adamax(p, lr=1e-3, eps=1e-7, foreach=True)),
    "Nadam": (lambda: keras.optimizers.Nadam(),
              lambda p: torch.optim.NAdam(p, lr=1e-3, eps=1e-7, foreach=True)),
    "Ftrl": (lambda: keras.optimizers.Ftrl(), None),
    "Lion": (lambda: keras.optimizers.Lion(), None),
    "Adafactor": (lambda: keras.optimizers.Adafactor(), None),
}


def _params(device: torch.device) -> List[torch.nn.Parameter]:
    generator = torch.Generator().manual_seed(0)
    params = []
    for shape in SHAPES:
        param = torch.nn.Parameter(torch.randn(shape, generator=generator).to(device) * 0.05)
        param.grad = torch.randn(shape, generator=generator).to(device) * 1e-2
        params.append(param)
    return params


def _time_steps(step: Callable[[], object], steps: int, repeats: int,
                device: torch.device) -> float:
    best = float("inf")
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        for _ in range(steps):
            step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    steps, repeats = (5, 1) if args.smoke else (args.steps, args.repeats)
    device = keras.backend.get_device()
    rows = []
    for name, (make_ours, make_theirs) in PAIRS.items():
        ours_params = _params(device)
        ours = make_ours()
        ours.build(ours_params)
        ours_s = _time_steps(ours.step, steps, repeats, device)
        theirs_s = None
        if make_theirs is not None:
            theirs_params = _params(device)
            theirs = make_theirs(theirs_params)
            theirs_s = _time_steps(theirs.step, steps, repeats, device)
        row = {"optimizer": name, "torchkeras_us": ours_s * 1e6,
               "torch_us": None if theirs_s is None else theirs_s * 1e6,
               "ratio": None if theirs_s is None else ours_s / theirs_s}
        rows.append(row)
        ratio = "   n/a" if row["ratio"] is None else f"{row['ratio']:6.2f}"
        torch_text = "     n/a" if theirs_s is None else f"{theirs_s * 1e6:8.1f}"
        print(f"{name:>13}: torchkeras {ours_s * 1e6:8.1f} us  torch.optim {torch_text} us"
              f"  ratio {ratio}", flush=True)
    report = {"device": str(device), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "steps": steps, "repeats": repeats, "results": rows}
    if args.out or not args.smoke:
        out = Path(args.out) if args.out else \
            Path(__file__).resolve().parent / f"optimizers-{device.type}.json"
        out.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
