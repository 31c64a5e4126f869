"""Benchmarks: torchkeras against a hand-written torch loop, in the same process.

    python bench/run.py                 # full run, writes bench/results-<device>.json
    python bench/run.py --smoke         # tiny sizes, one repeat (what CI runs; not timed)

Each workload runs the same model, optimizer, batch size and shuffling through
``model.fit``/``predict`` and through a plain torch loop, alternating, ``--repeats`` times;
the ratio is best-of-repeats torchkeras time / best-of-repeats torch time. Peak memory is
the CUDA peak on GPU and the process's max RSS growth on CPU (coarse).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workloads import WORKLOADS  # noqa: E402


def _peak_memory(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2 ** 20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)


def _time(fn: Callable[[], object], device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def import_time() -> Dict[str, float]:
    """Seconds for `import torch`, then for `import torchkeras` on top of it, each timed
    inside a fresh process (best of 5)."""
    # Bytecode caching on, as in a normal install (some shells set PYTHONDONTWRITEBYTECODE,
    # which makes every import recompile torchkeras's sources).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", "import torchkeras"], env=env, check=True)
    code = ("import time; t = time.perf_counter(); import torch; a = time.perf_counter(); "
            "import torchkeras; b = time.perf_counter(); print(a - t, b - a)")
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)
        runs.append([float(v) for v in out.stdout.split()])
    return {"import_torch_s": min(r[0] for r in runs),
            "torchkeras_adds_s": min(r[1] for r in runs)}


def run_workload(name: str, make: Callable, repeats: int, smoke: bool,
                 device: torch.device) -> Optional[Dict[str, object]]:
    workload = make(smoke=smoke, device=device)
    if workload is None:
        return None
    workload.warm_up()
    ours: List[float] = []
    theirs: List[float] = []
    ours_mem: List[float] = []
    theirs_mem: List[float] = []
    for _ in range(repeats):
        _reset_peak(device)
        ours.append(_time(workload.torchkeras, device))
        ours_mem.append(_peak_memory(device))
        _reset_peak(device)
        theirs.append(_time(workload.torch, device))
        theirs_mem.append(_peak_memory(device))
    result: Dict[str, object] = {
        "workload": name, "description": workload.description, "steps": workload.steps,
        "torchkeras_s": min(ours), "torch_s": min(theirs), "ratio": min(ours) / min(theirs),
        "torchkeras_steps_per_s": workload.steps / min(ours),
        "torch_steps_per_s": workload.steps / min(theirs),
    }
    if device.type == "cuda":
        result["peak_mem_ratio"] = max(ours_mem) / max(theirs_mem)
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--out", default=None, help="JSON output path")
    args = parser.parse_args(argv)
    import torchkeras as keras
    device = keras.backend.get_device()
    repeats = 1 if args.smoke else args.repeats
    selected = [w for w in args.only.split(",") if w] or list(WORKLOADS)
    results = []
    for name in selected:
        result = run_workload(name, WORKLOADS[name], repeats, args.smoke, device)
        if result is None:
            print(f"{name:>10}: skipped (layer not available yet)", flush=True)
            continue
        results.append(result)
        print(f"{name:>10}: torchkeras {result['torchkeras_s']:.3f}s  torch "
              f"{result['torch_s']:.3f}s  ratio {result['ratio']:.3f}  "
              f"({result['torchkeras_steps_per_s']:.0f} vs {result['torch_steps_per_s']:.0f} "
              "steps/s)", flush=True)
    report = {"machine": {"device": str(device), "cpu": platform.processor() or platform.machine(),
                          "threads": torch.get_num_threads(), "torch": torch.__version__,
                          "python": platform.python_version(),
                          "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None},
              "smoke": args.smoke, "repeats": repeats, "results": results}
    if not args.smoke:
        report["import"] = import_time()
        print("import: " + json.dumps(report["import"]), flush=True)
    out = Path(args.out) if args.out else HERE / f"results-{device.type}.json"
    if not args.smoke or args.out:
        out.write_text(json.dumps(report, indent=1) + "\n")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
