"""Keras 3 layers written with ``keras.ops`` / ``keras.random`` / ``keras.Variable`` in the
style of keras.io's subclassing guide and ViT example, unmodified Keras code run through
``python -m torchkeras run``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(name: str, tmp_path: Path) -> dict:
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(HERE / f"{name}.py")],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path),
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in proc.stdout.splitlines()
            if " " in line}


def test_keras3_ops_vit_and_vae_layers(tmp_path):
    out = _run("keras3_ops_vit_vae", tmp_path)
    assert out["linear_shape"] == "(2, 4)"
    assert out["weights_are_variables"] == "True" and out["variable_path"].startswith("linear")
    assert out["sum_twice"] == "[4.0, 4.0]" and out["sum_weights"] == "1 1 0"
    assert out["patches_shape"] == "(1, 16, 108)" and out["first_patch_matches"] == "True"
    assert float(out["vit_accuracy"]) > 0.65  # chance: 0.5
    first, last = map(float, out["vae_loss"].split())
    assert last < first
