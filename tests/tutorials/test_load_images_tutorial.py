"""The image-folder drop-in script (load_images_tfdata.py: TF's "Load and preprocess images" and
keras-io's "Image classification from scratch" style) through ``python -m torchkeras run``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def test_load_images_tutorial_runs(tmp_path):
    pytest.importorskip("PIL", reason="the script writes and decodes JPEG files with Pillow")
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run",
                             str(HERE / "load_images_tfdata.py")], capture_output=True,
                            text=True, env=env, cwd=str(tmp_path), timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "Deleted 0 images" in out
    assert "Found 50 files belonging to 5 classes." in out and "Using 40 files for training." in out
    assert "class_names: ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']" in out
    assert "batch: torch.Size([16, 20, 20, 3]) torch.Size([16])" in out
    assert "range ok: True" in out and "first file is bytes: True" in out
    assert "cardinality: 40 10" in out
    assert "Image shape: (20, 20, 3) label in range: True" in out
    assert "names: [True, True, True]" in out
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
