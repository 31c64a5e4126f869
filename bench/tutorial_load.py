"""Whole tutorial programs, quiet and under CPU contention: wall time, time to first step.

    python bench/tutorial_load.py                          # seq2seq: quiet and 1 neighbour, policy on/off
    python bench/tutorial_load.py --neighbours 2 --iterations 2 --rows 20000
    python bench/tutorial_load.py --tf-python /tmp/ref/bin/python   # also real tf-keras
    python bench/tutorial_load.py --keras3-python /tmp/k3/bin/python  # also Keras 3 on torch
    python bench/tutorial_load.py --programs mnist_mlp,cifar_cnn,imdb_lstm --policies on \
        --repeats 2 --timeout 120 --tf-python /tmp/ref/bin/python \
        --keras3-python /tmp/k3/bin/python --markdown      # README's "Whole tutorials" table

Each cell runs one program of ``bench/programs/`` (``--programs``; default the
``seq2seq_addition`` LSTM encoder-decoder trained an epoch at a time, as keras.io's
addition_rnn does; ``mnist_mlp``, ``cifar_cnn`` and ``imdb_lstm`` are the TensorFlow/keras.io
quickstart-shaped programs on generated data) in a fresh process through
``python -m torchkeras run``, quiet or next to ``--neighbours`` busy Python loops (started
before, ended after, bounded: ``contention.py``). A cell that runs past ``--timeout``
seconds is reported as a stall with what it finished. ``--tf-python`` runs the same program
with real TensorFlow's Keras 2 (``TF_USE_LEGACY_KERAS=1``) for comparison, and
``--keras3-python`` with Keras 3 on its torch backend (``KERAS_BACKEND=torch``).

Per cell: process start -> Keras imported (``start_to_import_s``), import -> first training
step (``import_to_first_step_s``: data generation, build, compile, first batch), the model
build + compile + first batch alone (``build_to_first_step_s``), for the torch sides the time
to the first step after ``import torch`` minus the program's own data generation
(``after_torch_s``: the framework's import on top of torch, build, first batch), the total
wall time and the 1-minute load average before the cell. Cells are interleaved over
``--repeats``. The children may write bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped), as an
installed package has it; one untimed warm-up run per side comes first (``--no-warmup``).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from contention import start_neighbours, stop_neighbours  # noqa: E402

PROGRAMS_DIR = HERE / "programs"
PROGRAM = PROGRAMS_DIR / "seq2seq_addition.py"
# program -> (iterations or epochs, rows): sizes for ~5-30 s quiet on 2 cores
DEFAULT_SIZES: Dict[str, Tuple[int, int]] = {
    "seq2seq_addition": (3, 50000),
    "mnist_mlp": (1, 60000),
    "cifar_cnn": (1, 2000),
    "imdb_lstm": (1, 2000),
}
SMOKE_SIZES: Dict[str, Tuple[int, int]] = {name: (1, 64) for name in DEFAULT_SIZES}
# Imports torch, says when, then runs the rest of argv as `python -m torchkeras ...` (or, for
# Keras 3, as `python SCRIPT ...`): the torch sides' "after import torch" clock.
_TORCH_FIRST = (
    "import runpy, sys, time\nimport torch\n"
    "print('TORCH_IMPORTED', time.time(), flush=True)\n"
    "if sys.argv[1] == '-m':\n"
    "    sys.argv = sys.argv[2:]\n    runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
    "else:\n"
    "    sys.argv = sys.argv[1:]\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
)
_MARKS = ("TORCH_IMPORTED", "IMPORT_DONE", "DATA_READY", "FIRST_STEP", "END")


def _delta(end: Optional[float], start: Optional[float]) -> Optional[float]:
    return None if end is None or start is None else round(end - start, 3)


def parse_output(text: str, launched: float) -> Dict[str, object]:
    """The program's timing lines as numbers (seconds from ``launched`` or between marks)."""
    marks: Dict[str, float] = {}
    iterations: List[float] = []
    for line in text.splitlines():
        parts = line.split()
        if parts[:1] and parts[0] in _MARKS and len(parts) > 1 and parts[0] not in marks:
            marks[parts[0]] = float(parts[1])
        elif parts[:1] == ["ITERATION"]:
            iterations.append(float(parts[2]))
    torch_at, imported = marks.get("TORCH_IMPORTED"), marks.get("IMPORT_DONE")
    data, first = marks.get("DATA_READY"), marks.get("FIRST_STEP")
    build = _delta(first, data)
    framework = _delta(imported, torch_at)
    return {
        "first_step_s": _delta(first, launched),
        "iteration_fit_s": iterations,
        "start_to_import_s": _delta(imported, launched),
        "import_to_first_step_s": _delta(first, imported),
        "build_to_first_step_s": build,
        "torch_import_s": _delta(torch_at, launched),
        "after_torch_s": None if build is None or framework is None else round(framework + build, 3),
    }


def _command(runner: str, program: Path, policy: bool, keras3: bool) -> Tuple[List[str], Dict[str, str]]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, then cached
    if runner == "torchkeras":
        env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
        if not policy:
            env["TORCHKERAS_THREAD_POLICY"] = "off"
        return [sys.executable, "-c", _TORCH_FIRST, "-m", "torchkeras", "run", str(program)], env
    env.pop("PYTHONPATH", None)
    if keras3:
        env.update(KERAS_BACKEND="torch")
        return [runner, "-c", _TORCH_FIRST, str(program)], env
    env.update(TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    return [runner, str(program)], env


def run_cell(runner: str, neighbours: int, policy: bool, iterations: int, rows: int,
             timeout: float, keras3: bool = False,
             program: str = "seq2seq_addition") -> Dict[str, object]:
    """One fresh process of ``program``; ``runner`` is "torchkeras", or an interpreter with
    TensorFlow (``keras3`` False) or with Keras 3 and torch (``keras3`` True)."""
    cmd, env = _command(runner, PROGRAMS_DIR / f"{program}.py", policy, keras3)
    cmd += [str(iterations), str(rows)]
    load = round(os.getloadavg()[0], 2)
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
                raise RuntimeError(f"{runner} {program} failed: {out.stderr[-2000:]}")
        except subprocess.TimeoutExpired as exc:
            stalled = True
            raw = exc.stdout or b""
            text = raw.decode() if isinstance(raw, bytes) else raw
    finally:
        stop_neighbours(procs)
    result = parse_output(text, launched)
    result.update(wall_s=round(time.time() - launched, 2), stalled=stalled, load_avg=load)
    return result


def _cell(row: Dict[str, object], key: str) -> str:
    return "-" if row.get(key) is None else f"{row[key]:.2f}"


def markdown(rows: List[Dict[str, object]]) -> str:
    """One table row per (program, side, load): the repeats' values side by side."""
    groups: Dict[Tuple[str, str, int], List[Dict[str, object]]] = {}
    for row in rows:
        groups.setdefault((row["program"], row["runner"], row["neighbours"]), []).append(row)
    lines = ["| program | side | neighbours | wall s | start -> import s | import -> first step s"
             " | build + first batch s | after `import torch` -> first step s | load avg |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    keys = ("wall_s", "start_to_import_s", "import_to_first_step_s", "build_to_first_step_s",
            "after_torch_s", "load_avg")
    for (program, runner, load), runs in groups.items():
        cells = [", ".join(_cell(r, k) + (" STALLED" if k == "wall_s" and r["stalled"] else "")
                           for r in runs) for k in keys]
        lines.append(f"| {program} | {runner} | {load} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", default="seq2seq_addition",
                        help=f"comma-separated, of {', '.join(DEFAULT_SIZES)}")
    parser.add_argument("--neighbours", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=None,
                        help="iterations (seq2seq) or epochs; default per program")
    parser.add_argument("--rows", type=int, default=None, help="default per program")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (tests)")
    parser.add_argument("--policies", default="on,off",
                        help="torchkeras thread policy cells: on, off or both")
    parser.add_argument("--repeats", type=int, default=1, help="interleaved runs per cell")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the untimed first run of each side")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds before a cell counts as a stall")
    parser.add_argument("--tf-python", default=os.environ.get("BENCH_TF_PYTHON"),
                        help="an interpreter with TensorFlow and tf_keras, to compare")
    parser.add_argument("--keras3-python", default=os.environ.get("BENCH_KERAS3_PYTHON"),
                        help="an interpreter with Keras 3 and torch, to compare")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--out", default=None, help="JSON output path")
    args = parser.parse_args(argv)
    programs = [p for p in args.programs.split(",") if p]
    for name in programs:
        if name not in DEFAULT_SIZES:
            parser.error(f"unknown program {name!r}; expected one of {sorted(DEFAULT_SIZES)}")
    policies = [p for p in args.policies.split(",") if p]
    cells = [("torchkeras", p == "on", f"torchkeras policy {p}") for p in policies]
    if args.tf_python:
        cells.append((args.tf_python, True, "tf-keras"))
    if args.keras3_python:
        cells.append((args.keras3_python, True, "keras3-torch"))
    sizes = SMOKE_SIZES if args.smoke else DEFAULT_SIZES
    loads = sorted({0, args.neighbours})
    if not args.no_warmup:
        for runner, policy, label in cells:  # bytecode and file cache, as a second run has
            run_cell(runner, 0, policy, 1, 64, args.timeout, keras3=label == "keras3-torch",
                     program=programs[0])
    rows = []
    for repeat in range(args.repeats):
        for program in programs:
            iterations, n = sizes[program]
            iterations = args.iterations or iterations
            n = args.rows or n
            for load in loads:
                for runner, policy, label in cells:
                    r = run_cell(runner, load, policy, iterations, n, args.timeout,
                                 keras3=label == "keras3-torch", program=program)
                    r.update(runner=label, neighbours=load, program=program, repeat=repeat)
                    rows.append(r)
                    print(f"{program:>16} {label:>22} neighbours={load}: wall {r['wall_s']}s, "
                          f"import {r['start_to_import_s']}s, first step +"
                          f"{r['import_to_first_step_s']}s (build {r['build_to_first_step_s']}s,"
                          f" after torch {r['after_torch_s']}s), fit per iteration "
                          f"{r['iteration_fit_s']}, load {r['load_avg']}"
                          f"{'  STALLED (timeout)' if r['stalled'] else ''}", flush=True)
                    if args.out:  # after each cell: a long run stopped early keeps its cells
                        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    if args.markdown:
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
