"""keras.applications.ResNet50 against a hand-written torch ResNet50 (the same net: Keras's
v1 bottlenecks, stride on the first 1x1 conv, conv biases, BatchNorm eps 1.001e-5):
inference forward and one SGD training step on a batch of ``--batch`` ``--size``x``--size``
images, alternating, best of ``--repeats``. torchvision is not a dependency (nor installed).

    python bench/applications.py [--batch 8] [--size 224] [--repeats 3] [--smoke] [--out F]
    python bench/applications.py --keras3-python /tmp/k3/bin/python   # also Keras 3 on torch

The ratio is torchkeras time / torch time (lower is better). The torch side runs both
memory formats (NCHW contiguous and ``channels_last``); torchkeras takes NHWC arrays, whose
NCHW view is already channels_last in memory. On a shared CPU the timings are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workloads import time_call  # noqa: E402

import torchkeras as keras  # noqa: E402


class Bottleneck(nn.Module):
    """Keras's ``block1``: 1x1 (strided) -> 3x3 -> 1x1 x4, projection shortcut if asked."""

    def __init__(self, cin: int, filters: int, stride: int, project: bool):
        super().__init__()
        bn = dict(eps=1.001e-5, momentum=0.01)
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride),
                                       nn.BatchNorm2d(4 * filters, **bn)) if project else None)
        self.conv1 = nn.Conv2d(cin, filters, 1, stride)
        self.bn1 = nn.BatchNorm2d(filters, **bn)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(filters, **bn)
        self.conv3 = nn.Conv2d(filters, 4 * filters, 1)
        self.bn3 = nn.BatchNorm2d(4 * filters, **bn)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.shortcut is None else self.shortcut(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(shortcut + self.bn3(self.conv3(y)))


class TorchResNet50(nn.Module):
    def __init__(self, classes: int = 1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2)  # after ZeroPadding2D(3)
        self.bn1 = nn.BatchNorm2d(64, eps=1.001e-5, momentum=0.01)
        blocks: List[nn.Module] = []
        cin = 64
        for filters, count, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(count):
                blocks.append(Bottleneck(cin, filters, stride if i == 0 else 1, i == 0))
                cin = 4 * filters
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (batch, 3, rows, cols)
        x = F.relu(self.bn1(self.conv1(F.pad(x, (3, 3, 3, 3)))))
        x = F.max_pool2d(F.pad(x, (1, 1, 1, 1)), 3, 2)
        x = self.blocks(x)
        return self.fc(x.mean(dim=(2, 3)))  # (batch, classes)


def run(batch: int, size: int, repeats: int) -> Dict[str, Dict[str, float]]:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (batch, size, size, 3)).astype("float32")
    y = rng.randint(0, 1000, batch)
    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3),
                                        classifier_activation=None)
    model.compile(optimizer=keras.optimizers.SGD(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x_tk = torch.from_numpy(x).to(device)
    y_tk = torch.from_numpy(y).to(device)
    net = TorchResNet50().to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x_t = {"nchw": x_tk.permute(0, 3, 1, 2).contiguous(),
           "channels_last": x_tk.permute(0, 3, 1, 2).contiguous(
               memory_format=torch.channels_last)}

    def tk_forward() -> None:
        with torch.no_grad():
            model(x_tk, training=False)

    def tk_train() -> None:
        model.train_on_batch(x_tk, y_tk)

    def torch_forward(fmt: str) -> None:
        net.eval()
        with torch.no_grad():
            net(x_t[fmt])

    def torch_train(fmt: str) -> None:
        net.train()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x_t[fmt]), y_tk).backward()
        opt.step()

    times: Dict[str, List[float]] = {}
    # Forward and training are timed in separate phases: a forward timed right after a
    # training step runs 1.3-1.4x slower for a few calls (freed buffers and caches; both
    # frameworks), which measured the order of the loop rather than either side.
    for kind in ("forward", "train step"):
        fns = {f"torchkeras {kind}": tk_forward if kind == "forward" else tk_train}
        for fmt in ("nchw", "channels_last"):
            fns[f"torch {fmt} {kind}"] = (lambda fmt=fmt: torch_forward(fmt)) \
                if kind == "forward" else (lambda fmt=fmt: torch_train(fmt))
        for _ in range(2):  # warm-up (kernels, the compiled train step)
            for name, fn in fns.items():
                if "channels_last" in name:
                    net.to(memory_format=torch.channels_last)
                fn()
                net.to(memory_format=torch.contiguous_format)
        for _ in range(repeats):
            for name, fn in fns.items():
                if "channels_last" in name:
                    net.to(memory_format=torch.channels_last)
                times.setdefault(name, []).append(time_call(fn, device))
                net.to(memory_format=torch.contiguous_format)
    best = {name: min(t) for name, t in times.items()}
    report: Dict[str, Dict[str, float]] = {}
    for kind in ("forward", "train step"):
        tk = best[f"torchkeras {kind}"]
        for fmt in ("nchw", "channels_last"):
            report[f"{kind} vs torch {fmt}"] = {
                "torchkeras_s": round(tk, 4), "torch_s": round(best[f"torch {fmt} {kind}"], 4),
                "ratio": round(tk / best[f"torch {fmt} {kind}"], 3)}
    return {"device": str(device), "batch": batch, "size": size, "repeats": repeats,
            "threads": torch.get_num_threads(), "results": report}


def keras3_times(python: str, batch: int, size: int, repeats: int,
                 report: Dict) -> Dict[str, Dict[str, float]]:
    """Keras 3 on torch doing the same (``keras3_applications.py`` in ``python``), and
    torchkeras's time over Keras 3's (lower is better)."""
    env = dict(os.environ, KERAS_BACKEND="torch")
    env.pop("PYTHONPATH", None)
    cmd = [python, str(Path(__file__).resolve().parent / "keras3_applications.py"),
           str(batch), str(size), str(repeats), str(report["threads"])]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"Keras 3 child failed: {out.stderr[-2000:]}")
    k3 = json.loads(out.stdout.strip().splitlines()[-1])
    results = {}
    for kind in ("forward", "train step"):
        tk = report["results"][f"{kind} vs torch nchw"]["torchkeras_s"]
        results[kind] = {"keras3_s": round(k3[kind], 4), "torchkeras_s": tk,
                         "ratio_torchkeras_over_keras3": round(tk / k3[kind], 3)}
    return {"keras_version": k3["keras_version"], "results": results}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="batch 2, 32x32, 1 repeat")
    parser.add_argument("--keras3-python", default=os.environ.get("BENCH_KERAS3_PYTHON"),
                        help="an interpreter with Keras 3 and torch: time its ResNet50 too")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.smoke:
        args.batch, args.size, args.repeats = 2, 32, 1
    report = run(args.batch, args.size, args.repeats)
    if args.keras3_python:
        report["keras3"] = keras3_times(args.keras3_python, args.batch, args.size,
                                        args.repeats, report)
    print(json.dumps(report, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
