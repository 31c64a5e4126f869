"""Per-call overhead of ``keras.ops`` against the torch call it wraps.

    python bench/ops_overhead.py [--n 200000]

Small tensors (where per-call Python cost dominates); prints microseconds per call and the
ratio ops/torch for each pair (best of ``--repeats`` runs of ``--n`` calls, the two sides
alternating). Target (issue 19): <= 1.1x on a small element-wise op.
"""
from __future__ import annotations

import argparse
import json
import timeit
from typing import Any, Callable, Dict, List, Tuple

import torch

from torchkeras import ops


def pairs() -> Dict[str, Tuple[Callable[[], Any], Callable[[], Any]]]:
    """op -> (the ``keras.ops`` call, the torch call it wraps), on float32 tensors of 8."""
    x, y = torch.randn(8), torch.randn(8)
    return {
        "add": (lambda: ops.add(x, y), lambda: torch.add(x, y)),
        "subtract": (lambda: ops.subtract(x, y), lambda: torch.subtract(x, y)),
        "multiply": (lambda: ops.multiply(x, y), lambda: torch.multiply(x, y)),
        "exp": (lambda: ops.exp(x), lambda: torch.exp(x)),
        "tanh": (lambda: ops.tanh(x), lambda: torch.tanh(x)),
        "relu": (lambda: ops.relu(x), lambda: torch.relu(x)),
        "sigmoid": (lambda: ops.sigmoid(x), lambda: torch.sigmoid(x)),
        "maximum": (lambda: ops.maximum(x, y), lambda: torch.maximum(x, y)),
        "mean_axis": (lambda: ops.mean(x, axis=0), lambda: torch.mean(x, 0, False)),
    }


def measure(n: int, repeats: int = 7) -> List[Dict[str, float]]:
    """Best-of-``repeats`` microseconds per call of each side, the two sides alternating
    (so a busy neighbour slows both alike), and the ratio ops/torch."""
    rows = []
    for name, (ours, theirs) in pairs().items():
        best = {"ops": float("inf"), "torch": float("inf")}
        for _ in range(repeats):
            for label, fn in (("ops", ours), ("torch", theirs)):
                best[label] = min(best[label], timeit.timeit(fn, number=n) / n * 1e6)
        rows.append({"op": name, "ops_us": round(best["ops"], 3),
                     "torch_us": round(best["torch"], 3),
                     "ratio": round(best["ops"] / best["torch"], 3)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args(argv)
    torch.set_num_threads(1)
    for row in measure(options.n, options.repeats):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
