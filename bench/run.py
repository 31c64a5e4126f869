"""Benchmarks: torchkeras against a hand-written torch loop, in the same process.

    python bench/run.py                 # full run, writes bench/results-<device>.json
    python bench/run.py --smoke         # tiny sizes, one repeat (what CI runs; not timed)
    python bench/run.py --keras3-python /tmp/k3/bin/python   # also Keras 3 on torch
    python bench/run.py --loaded 1      # also with 1 busy neighbour process per workload

Each workload runs the same model, optimizer, batch size and shuffling through
``model.fit``/``predict`` and through a plain torch loop, alternating, ``--repeats`` times;
the ratio is best-of-repeats torchkeras time / best-of-repeats torch time.

Peak memory (full runs, or ``--memory``): each side runs once in a fresh process
(``--memory-child WORKLOAD SIDE``) after a smoke-sized run of the same side has paid the
one-time costs (imports, kernel and thread-pool set-up); the figure is the peak growth
over the resident size just before the run: the CPU high-water mark (VmHWM, reset through
/proc/self/clear_refs) on CPU, the CUDA allocator's peak on GPU.

Loaded (``--loaded N``): each workload is timed again while N busy Python loops run
(``contention.py``: started before, ended after, each bounded in time); the report gives
quiet and loaded seconds for torchkeras and the torch loop.

Keras 3 on torch (optional): with ``--keras3-python`` (or ``BENCH_KERAS3_PYTHON``) naming
an interpreter that has Keras 3 and torch, ``keras3_workloads.py`` times the same
workloads through ``KERAS_BACKEND=torch`` Keras 3 and the same torch loop in that process.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import memory  # noqa: E402
from contention import start_neighbours, stop_neighbours  # noqa: E402
from workloads import WORKLOADS, time_call as _time  # noqa: E402


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
    compiled_loop = getattr(workload, "torch_compiled", None)  # the jit workload's reference
    theirs_compiled: List[float] = []
    for _ in range(repeats):
        ours.append(_time(workload.torchkeras, device))
        theirs.append(_time(workload.torch, device))
        if compiled_loop is not None:
            theirs_compiled.append(_time(compiled_loop, device))
    result: Dict[str, object] = {
        "workload": name, "description": workload.description, "steps": workload.steps,
        "torchkeras_s": min(ours), "torch_s": min(theirs), "ratio": min(ours) / min(theirs),
        "torchkeras_steps_per_s": workload.steps / min(ours),
        "torch_steps_per_s": workload.steps / min(theirs),
    }
    if theirs_compiled:
        result["torch_compiled_s"] = min(theirs_compiled)
        result["ratio_to_compiled_loop"] = min(ours) / min(theirs_compiled)
    return result


def add_loaded(result: Dict[str, object], name: str, make: Callable, repeats: int,
               smoke: bool, device: torch.device, neighbours: int) -> None:
    """Times ``name`` again with ``neighbours`` busy processes running; adds the
    ``*_loaded_s`` figures to ``result``."""
    procs = start_neighbours(neighbours, 300.0)
    try:
        loaded = run_workload(name, make, repeats, smoke, device)
    finally:
        stop_neighbours(procs)
    assert loaded is not None
    result.update({"neighbours": neighbours,
                   "torchkeras_loaded_s": loaded["torchkeras_s"],
                   "torch_loaded_s": loaded["torch_s"],
                   "torchkeras_loaded_vs_quiet": loaded["torchkeras_s"] / result["torchkeras_s"],
                   "torch_loaded_vs_quiet": loaded["torch_s"] / result["torch_s"]})


def _loaded_text(result: Dict[str, object]) -> str:
    if "torchkeras_loaded_s" not in result:
        return ""
    return (f"  | {result['neighbours']} busy: torchkeras {result['torchkeras_loaded_s']:.3f}s "
            f"torch {result['torch_loaded_s']:.3f}s")


def keras3_run(python: str, names: List[str], repeats: int,
               smoke: bool) -> Dict[str, object]:
    """``keras3_workloads.py`` in ``python`` (Keras 3 on torch): its JSON report, or
    ``{"error": ...}`` when that interpreter cannot run it."""
    env = dict(os.environ, KERAS_BACKEND="torch",
               PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent),
                                                        os.environ.get("PYTHONPATH")])))
    command = [python, str(HERE / "keras3_workloads.py"), "--repeats", str(repeats),
               "--only", ",".join(names)] + (["--smoke"] if smoke else [])
    try:
        out = subprocess.run(command, capture_output=True, text=True, env=env)
    except OSError as error:
        return {"error": str(error)}
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["exit " + str(out.returncode)])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def add_keras3(results: List[Dict[str, object]], python: Optional[str], repeats: int,
               smoke: bool) -> Optional[Dict[str, object]]:
    """Adds ``keras3_s``, ``keras3_torch_s`` (the torch loop in that process) and
    ``keras3_torch_ratio`` to ``results``; returns what ran them (or the error)."""
    if not python or not results:
        return None
    keras3 = keras3_run(python, [str(r["workload"]) for r in results], repeats, smoke)
    by_name = {r.pop("workload"): r for r in keras3.pop("results", [])}
    for result in results:
        if result["workload"] in by_name:
            result.update(by_name[result["workload"]])
            print(f"{result['workload']:>10}: keras3 (torch) {result['keras3_s']:.3f}s  "
                  f"torch loop {result['keras3_torch_s']:.3f}s  "
                  f"ratio {result['keras3_torch_ratio']:.2f}", flush=True)
    if "error" in keras3:
        print(f"keras3: skipped ({keras3['error']})", flush=True)
    return keras3


def _memory_text(result: Dict[str, object]) -> str:
    if "peak_mem_mib" not in result:
        return ""
    mib = result["peak_mem_mib"]
    ratio = result["peak_mem_ratio"]
    return (f"  peak mem +{mib['torchkeras']:.1f} vs +{mib['torch']:.1f} MiB"
            + (f" ratio {ratio:.2f}" if ratio is not None else ""))


def _compiled_text(result: Dict[str, object]) -> str:
    if "torch_compiled_s" not in result:
        return ""
    return (f"  [torch.compile'd loop {result['torch_compiled_s']:.3f}s, ratio to it "
            f"{result['ratio_to_compiled_loop']:.3f}]")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--out", default=None, help="JSON output path")
    parser.add_argument("--memory", action="store_true", default=None,
                        help="measure peak memory (on by default, off with --smoke)")
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument("--memory-repeats", type=int, default=1,
                        help="median of this many fresh-process measurements per side")
    parser.add_argument("--memory-child", nargs=2, metavar=("WORKLOAD", "SIDE"),
                        help=argparse.SUPPRESS)  # one side's peak memory, as JSON
    parser.add_argument("--loaded", type=int, default=0, metavar="N",
                        help="also time each workload with N busy neighbour processes")
    parser.add_argument("--keras3-python", default=os.environ.get("BENCH_KERAS3_PYTHON"),
                        help="an interpreter with Keras 3 and torch: also time Keras 3 on "
                             "torch (default: $BENCH_KERAS3_PYTHON)")
    parser.add_argument("--keras3-repeats", type=int, default=2,
                        help="best of this many Keras 3 runs (it is many times slower)")
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory.measure_side(*args.memory_child, smoke=args.smoke)))
        return 0
    measure_memory = (not args.smoke) if args.memory is None else args.memory
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
        if measure_memory:
            result.update(memory.measure(name, args.smoke, args.memory_repeats) or {})
        if args.loaded > 0:
            add_loaded(result, name, WORKLOADS[name], repeats, args.smoke, device, args.loaded)
        results.append(result)
        print(f"{name:>10}: torchkeras {result['torchkeras_s']:.3f}s  torch "
              f"{result['torch_s']:.3f}s  ratio {result['ratio']:.3f}  "
              f"({result['torchkeras_steps_per_s']:.0f} vs {result['torch_steps_per_s']:.0f} "
              "steps/s)" + _memory_text(result) + _compiled_text(result) + _loaded_text(result),
              flush=True)
    keras3 = add_keras3(results, args.keras3_python,
                        1 if args.smoke else args.keras3_repeats, args.smoke)
    report = {"machine": {"device": str(device), "cpu": platform.processor() or platform.machine(),
                          "threads": torch.get_num_threads(), "torch": torch.__version__,
                          "python": platform.python_version(),
                          "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None},
              "smoke": args.smoke, "repeats": repeats, "results": results}
    if keras3 is not None:
        report["keras3"] = keras3
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
