"""Per-call overhead of ``keras.ops`` against the torch call it wraps.

    python bench/ops_overhead.py [--n 200000]

Small tensors (where per-call Python cost dominates); prints microseconds per call and the
ratio ops/torch for each pair. Target (issue 19): <= 1.1x on a small element-wise op.
"""
from __future__ import annotations

import argparse
import json
import timeit
from typing import Dict, List

import torch

from torchkeras import ops


def measure(n: int) -> List[Dict[str, float]]:
    x, y = torch.randn(8), torch.randn(8)
    pairs = {
        "add": (lambda: ops.add(x, y), lambda: torch.add(x, y)),
        "multiply": (lambda: ops.multiply(x, y), lambda: torch.multiply(x, y)),
        "exp": (lambda: ops.exp(x), lambda: torch.exp(x)),
        "relu": (lambda: ops.relu(x), lambda: torch.nn.functional.relu(x)),
        "mean_axis": (lambda: ops.mean(x, axis=0), lambda: torch.mean(x, dim=0)),
        "maximum": (lambda: ops.maximum(x, y), lambda: torch.maximum(x, y)),
    }
    rows = []
    for name, (ours, theirs) in pairs.items():
        best = {}
        for label, fn in (("ops", ours), ("torch", theirs)):
            best[label] = min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e6
        rows.append({"op": name, "ops_us": round(best["ops"], 3),
                     "torch_us": round(best["torch"], 3),
                     "ratio": round(best["ops"] / best["torch"], 3)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200000)
    options = parser.parse_args(argv)
    torch.set_num_threads(1)
    for row in measure(options.n):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
