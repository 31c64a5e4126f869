"""MultiHeadAttention forward+backward: torchkeras against a hand-written torch module doing
the same math (four projections + ``scaled_dot_product_attention``), same weights.

    python bench/attention.py            # batch 32, 128 tokens, dim 256, 8 heads; best of 15
    python bench/attention.py --smoke    # tiny sizes, one repeat (CI; not timed)

Two torchkeras rows: ``layer(q, v)`` (the eager Keras call, with its bookkeeping) and
``layer.call(q, v)`` (what ``fit``'s compiled step runs). The ratio is best-of-repeats
torchkeras time / best-of-repeats torch time (the paths alternate within each
repeat); target <= 1.1.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F

import torchkeras as keras


class TorchMHA(torch.nn.Module):
    """The same attention, written by hand: projections as matmuls, SDPA, output matmul."""

    def __init__(self, dim: int, heads: int, key_dim: int):
        super().__init__()
        self.heads, self.key_dim = heads, key_dim
        self.wq = torch.nn.Linear(dim, heads * key_dim)
        self.wk = torch.nn.Linear(dim, heads * key_dim)
        self.wv = torch.nn.Linear(dim, heads * key_dim)
        self.wo = torch.nn.Linear(heads * key_dim, dim)

    def load_keras(self, weights: List[np.ndarray]) -> None:
        """Copy a Keras MHA's (dim, heads, key_dim) / (heads, key_dim, dim) kernels."""
        with torch.no_grad():
            for linear, (kernel, bias) in zip((self.wq, self.wk, self.wv),
                                              zip(weights[0:6:2], weights[1:6:2])):
                linear.weight.copy_(torch.as_tensor(kernel.reshape(kernel.shape[0], -1).T))
                linear.bias.copy_(torch.as_tensor(bias.reshape(-1)))
            self.wo.weight.copy_(torch.as_tensor(weights[6].reshape(-1, weights[6].shape[-1]).T))
            self.wo.bias.copy_(torch.as_tensor(weights[7]))

    def forward(self, query: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        batch, t_len, s_len = query.shape[0], query.shape[1], value.shape[1]
        q = self.wq(query).view(batch, t_len, self.heads, self.key_dim).transpose(1, 2)
        k = self.wk(value).view(batch, s_len, self.heads, self.key_dim).transpose(1, 2)
        v = self.wv(value).view(batch, s_len, self.heads, self.key_dim).transpose(1, 2)
        out = F.scaled_dot_product_attention(q, k, v, scale=1.0 / math.sqrt(self.key_dim))
        return self.wo(out.transpose(1, 2).reshape(batch, t_len, -1))  # (batch, T, dim)


def _time_alternating(steps_by_name: Dict[str, Callable[[], None]], steps: int, repeats: int,
                      device: torch.device) -> Dict[str, float]:
    """Best-of-``repeats`` seconds per step of each path, the paths alternating within each
    repeat (so a busy moment of a shared machine hits all of them alike)."""
    for step in steps_by_name.values():
        step()  # warm-up
    best = {name: float("inf") for name in steps_by_name}
    for _ in range(repeats):
        for name, step in steps_by_name.items():
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            if device.type == "cuda":
                torch.cuda.synchronize()
            best[name] = min(best[name], (time.perf_counter() - start) / steps)
    return best


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    batch, seq, dim, heads, key_dim = (2, 8, 16, 2, 8) if args.smoke else (32, 128, 256, 8, 32)
    steps, repeats = (2, 1) if args.smoke else (args.steps, args.repeats)
    device = keras.backend.get_device()
    gen = torch.Generator().manual_seed(0)
    query = torch.randn(batch, seq, dim, generator=gen).to(device)
    value = torch.randn(batch, seq, dim, generator=gen).to(device)
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim)
    layer(query, value)
    reference = TorchMHA(dim, heads, key_dim).to(device)
    reference.load_keras(layer.get_weights())
    with torch.no_grad():
        diff = float((layer(query, value) - reference(query, value)).abs().max())

    def step(fn: Callable[[], torch.Tensor], params: List[torch.Tensor]) -> Callable[[], None]:
        def run() -> None:
            fn().sum().backward()
            for p in params:
                p.grad = None
        return run

    ours_params = list(layer.parameters())
    times = _time_alternating({
        "torch": step(lambda: reference(query, value), list(reference.parameters())),
        "torchkeras_call": step(lambda: layer.call(query, value), ours_params),
        "torchkeras_eager": step(lambda: layer(query, value), ours_params),
    }, steps, repeats, device)
    rows = [{"path": name, "ms": seconds * 1e3, "ratio": seconds / times["torch"]}
            for name, seconds in times.items()]
    for row in rows:
        print(f"{row['path']:>17}: {row['ms']:8.2f} ms  ratio {row['ratio']:5.2f}", flush=True)
    print(f"max |torchkeras - torch| = {diff:.2e}")
    report = {"device": str(device), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "steps": steps, "repeats": repeats,
              "shape": {"batch": batch, "seq": seq, "dim": dim, "heads": heads,
                        "key_dim": key_dim}, "max_abs_diff": diff, "results": rows}
    if args.out or not args.smoke:
        out = Path(args.out) if args.out else \
            Path(__file__).resolve().parent / f"attention-{device.type}.json"
        out.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
