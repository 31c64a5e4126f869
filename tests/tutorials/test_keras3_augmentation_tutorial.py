"""The Keras 3 augmentation / audio tutorial program (keras3_augmentation_layers.py), run
unchanged through ``python -m torchkeras run``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def test_keras3_augmentation_layers_tutorial(tmp_path):
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "torchkeras", "run",
                           str(HERE / "keras3_augmentation_layers.py")],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path),
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines()
           if " " in line}
    assert out["augmented_batch"] == "(32, 32, 32, 3) (32, 10)"
    assert out["labels_sum_to_one"] == "True"  # CutMix then MixUp keep one-hot mass
    last, first = map(float, out["final_loss"].split())
    assert np.isfinite(last) and last < first + 0.5
    assert out["predict_deterministic"] == "True"  # augmentation is off in predict
    assert out["mel_shape"] == "(None, 32, 32)"

