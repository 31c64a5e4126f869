"""examples/image_folder_classifier.py: digits written as an image folder, read back with
image_dataset_from_directory + map + prefetch, trained with fit; it must learn."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "image_folder_classifier.py"


def test_image_folder_example_trains(tmp_path):
    pytest.importorskip("PIL", reason="the example writes and reads PNG files with Pillow")
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", OMP_NUM_THREADS="1", TMPDIR=str(tmp_path),
               PYTHONPATH=str(EXAMPLE.parents[1]))
    result = subprocess.run([sys.executable, str(EXAMPLE), "4"], capture_output=True,
                            text=True, env=env, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "Found 1437 files belonging to 10 classes." in out
    assert "classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']" in out
    accuracy = float(re.search(r"validation loss=[\d.]+ accuracy=([\d.]+)", out).group(1))
    assert accuracy > 0.8, out[-2000:]
