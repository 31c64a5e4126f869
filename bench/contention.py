"""Thread settings under CPU contention: which torch thread policy survives a busy neighbour.

    python bench/contention.py                 # every variant, quiet and loaded (~2-3 min)
    python bench/contention.py --neighbours 1 --variants default,threads1

Each (variant, load) cell runs in a fresh process, so that environment variables read when
torch loads (OMP_WAIT_POLICY, GOMP_SPINCOUNT) take effect. The child warms both sides up on a
smoke-sized run, then times one torchkeras ``fit`` and one hand-written torch loop (the
workloads of ``workloads.py``). Loaded cells start ``--neighbours`` busy Python loops
(``while time.time() < end: pass``), bounded in time, and end them after the child.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent

# name -> (environment added to the child, torch.set_num_threads value or None)
VARIANTS: Dict[str, tuple] = {
    "default": ({}, None),
    "threads1": ({}, 1),
    "omp_num_threads1": ({"OMP_NUM_THREADS": "1"}, None),
    "passive": ({"OMP_WAIT_POLICY": "PASSIVE"}, None),
    "gomp_spin0": ({"GOMP_SPINCOUNT": "0"}, None),
}
# Variants that switch the thread policy off, to measure torch's own defaults.
_POLICY_OFF = {"TORCHKERAS_THREAD_POLICY": "off"}


def start_neighbours(count: int, seconds: float) -> List[subprocess.Popen]:
    """``count`` busy CPU-bound processes that end by themselves after ``seconds``."""
    code = f"import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]


def stop_neighbours(procs: List[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        proc.wait(timeout=10)


def child(workload: str, threads: Optional[int]) -> Dict[str, float]:
    """Runs inside the fresh process: warm up, then one timed run of each side."""
    import torch
    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS, time_call
    if threads is not None:
        torch.set_num_threads(threads)
    device = torch.device("cpu")
    WORKLOADS[workload](smoke=True, device=device).warm_up()
    run = WORKLOADS[workload](smoke=False, device=device)
    ours = time_call(run.torchkeras, device)
    theirs = time_call(run.torch, device)
    return {"torchkeras_s": ours, "torch_s": theirs, "threads": torch.get_num_threads()}


def measure(workload: str, variant: str, neighbours: int, policy: bool) -> Dict[str, float]:
    extra, threads = VARIANTS[variant]
    env = dict(os.environ)
    env.update(extra)
    if not policy:
        env.update(_POLICY_OFF)
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, str(HERE / "contention.py"), "--child", workload,
           "" if threads is None else str(threads)]
    procs = start_neighbours(neighbours, 60.0) if neighbours else []
    try:
        if procs:
            time.sleep(0.2)  # let the neighbours reach their loop
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    finally:
        stop_neighbours(procs)
    if out.returncode != 0:
        raise RuntimeError(f"contention child failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="mlp,xor")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--neighbours", type=int, default=1)
    parser.add_argument("--policy", choices=["on", "off"], default="off",
                        help="torchkeras's thread policy (off: torch's own defaults)")
    parser.add_argument("--out", default=None, help="JSON output path")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        workload, threads = args.child
        print(json.dumps(child(workload, int(threads) if threads else None)))
        return 0
    rows = []
    for workload in args.workloads.split(","):
        for variant in args.variants.split(","):
            for load in (0, args.neighbours):
                r = measure(workload, variant, load, args.policy == "on")
                r.update(workload=workload, variant=variant, neighbours=load)
                rows.append(r)
                print(f"{workload:>4} {variant:>16} neighbours={load}: torchkeras "
                      f"{r['torchkeras_s']:.3f}s  torch loop {r['torch_s']:.3f}s  "
                      f"(threads {r['threads']})", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
