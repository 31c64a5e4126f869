"""The transformer text classifier and the image augmentation tutorial (in the style of
keras.io / tensorflow docs), unmodified Keras code run through ``python -m torchkeras run``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_transformer_text_classification(tmp_path):
    out = _run("transformer_text_classification", tmp_path)
    assert out["weights"] == "22"  # as Keras: 2 embeddings, MHA 8, FFN 4, 2 LayerNorms 4, 2 Dense 4
    last, first = map(float, out["final_loss"].split())
    assert last < first
    assert out["predict_shape"] == "(64, 2)"


def test_image_augmentation(tmp_path):
    out = _run("image_augmentation", tmp_path)
    assert out["augmented_shape"] == "(1, 24, 24, 3)"
    assert out["augmented_differs"] == "True"  # a standalone call augments, as in Keras
    assert out["predict_deterministic"] == "True"  # augmentation is off in predict
    assert float(out["final_loss"]) > 0
