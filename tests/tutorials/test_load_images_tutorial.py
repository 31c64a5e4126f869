"""The image-folder drop-in script (load_images_tfdata.py: TF's "Load and preprocess images" and
keras-io's "Image classification from scratch" style) through ``python -m torchkeras run``."""
from __future__ import annotations

import pytest

from tutorials.runner import run_program


def test_load_images_tutorial_runs(tmp_path):
    pytest.importorskip("PIL", reason="the script writes and decodes JPEG files with Pillow")
    result = run_program("load_images_tfdata", tmp_path)
    out = result.stdout + result.stderr
    assert "Deleted 0 images" in out
    assert "Found 50 files belonging to 5 classes." in out and "Using 40 files for training." in out
    assert "class_names: ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']" in out
    assert "batch: torch.Size([16, 20, 20, 3]) torch.Size([16])" in out
    assert "range ok: True" in out and "first file is bytes: True" in out
    assert "cardinality: 40 10" in out
    assert "Image shape: (20, 20, 3) label in range: True" in out
    assert "names: [True, True, True]" in out
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
