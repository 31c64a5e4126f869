"""Whole tutorial programs under CPU contention: time to first step, seconds per iteration.

    python bench/tutorial_load.py                          # quiet and 1 neighbour, policy on/off
    python bench/tutorial_load.py --neighbours 2 --iterations 2 --rows 20000
    python bench/tutorial_load.py --tf-python /tmp/ref/bin/python   # also real tf-keras
    python bench/tutorial_load.py --keras3-python /tmp/k3/bin/python  # also Keras 3 on torch

Each cell runs ``bench/programs/seq2seq_addition.py`` (an LSTM encoder-decoder trained an
epoch at a time, as keras.io's addition_rnn does) in a fresh process through
``python -m torchkeras run``, quiet or next to ``--neighbours`` busy Python loops (started
before, ended after, bounded: ``contention.py``). A cell that runs past ``--timeout``
seconds is reported as a stall with the iterations it finished. ``--tf-python`` runs the
same program with real TensorFlow's Keras 2 (``TF_USE_LEGACY_KERAS=1``) for comparison, and
``--keras3-python`` with Keras 3 on its torch backend (``KERAS_BACKEND=torch``).
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
sys.path.insert(0, str(HERE))
from contention import start_neighbours, stop_neighbours  # noqa: E402

PROGRAM = HERE / "programs" / "seq2seq_addition.py"


def parse_output(text: str, launched: float) -> Dict[str, object]:
    """The program's FIRST_STEP/ITERATION lines as numbers."""
    first_step: Optional[float] = None
    iterations: List[float] = []
    for line in text.splitlines():
        parts = line.split()
        if parts[:1] == ["FIRST_STEP"]:
            first_step = round(float(parts[1]) - launched, 3)
        elif parts[:1] == ["ITERATION"]:
            iterations.append(float(parts[2]))
    return {"first_step_s": first_step, "iteration_fit_s": iterations}


def run_cell(runner: str, neighbours: int, policy: bool, iterations: int, rows: int,
             timeout: float, keras3: bool = False) -> Dict[str, object]:
    """One fresh process of the program; ``runner`` is "torchkeras", or an interpreter with
    TensorFlow (``keras3`` False) or with Keras 3 and torch (``keras3`` True)."""
    env = dict(os.environ)
    if runner == "torchkeras":
        env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
        if not policy:
            env["TORCHKERAS_THREAD_POLICY"] = "off"
        cmd = [sys.executable, "-m", "torchkeras", "run", str(PROGRAM)]
    elif keras3:
        env.update(KERAS_BACKEND="torch")
        env.pop("PYTHONPATH", None)
        cmd = [runner, str(PROGRAM)]
    else:
        env.update(TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
        cmd = [runner, str(PROGRAM)]
    cmd += [str(iterations), str(rows)]
    procs = start_neighbours(neighbours, timeout + 30) if neighbours else []
    launched = time.time()
    stalled = False
    try:
        if procs:
            time.sleep(0.2)
            launched = time.time()
        try:
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
            text, code = out.stdout, out.returncode
            if code != 0:
                raise RuntimeError(f"{runner} program failed: {out.stderr[-2000:]}")
        except subprocess.TimeoutExpired as exc:
            stalled = True
            raw = exc.stdout or b""
            text = raw.decode() if isinstance(raw, bytes) else raw
    finally:
        stop_neighbours(procs)
    result = parse_output(text, launched)
    result.update(wall_s=round(time.time() - launched, 1), stalled=stalled)
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--neighbours", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds before a cell counts as a stall")
    parser.add_argument("--tf-python", default=os.environ.get("BENCH_TF_PYTHON"),
                        help="an interpreter with TensorFlow and tf_keras, to compare")
    parser.add_argument("--keras3-python", default=os.environ.get("BENCH_KERAS3_PYTHON"),
                        help="an interpreter with Keras 3 and torch, to compare")
    parser.add_argument("--out", default=None, help="JSON output path")
    args = parser.parse_args(argv)
    cells = [("torchkeras", True, "torchkeras policy on"),
             ("torchkeras", False, "torchkeras policy off")]
    if args.tf_python:
        cells.append((args.tf_python, True, "tf-keras"))
    if args.keras3_python:
        cells.append((args.keras3_python, True, "keras3-torch"))
    rows = []
    for load in (0, args.neighbours):
        for runner, policy, label in cells:
            r = run_cell(runner, load, policy, args.iterations, args.rows, args.timeout,
                         keras3=label == "keras3-torch")
            r.update(runner=label, neighbours=load)
            rows.append(r)
            print(f"{label:>22} neighbours={load}: first step {r['first_step_s']}s, "
                  f"fit per iteration {r['iteration_fit_s']}"
                  f"{'  STALLED (timeout)' if r['stalled'] else ''}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
