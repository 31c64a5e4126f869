"""The structured-data preprocessing tutorial (``structured_data_preprocessing.py``, in the
style of TensorFlow's PetFinder tutorial) run through ``python -m torchkeras run``:
Normalization adapted on a mapped Dataset, Discretization, CategoryEncoding, Hashing and
HashedCrossing inside ``Dataset.map``; fit, evaluate, save/load and predict."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_structured_data_preprocessing(tmp_path):
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    script = HERE / "structured_data_preprocessing.py"
    proc = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(script)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path),
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines()
           if " " in line}
    first, last = map(float, out["first_last_loss"].split())
    assert last < 0.5 * first
    assert float(out["test_accuracy"]) > 0.8  # the label is a rule over Type and PhotoAmt
    assert out["reload_same"] == "True"
    assert 0.0 <= float(out["probability"]) <= 1.0
