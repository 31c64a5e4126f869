"""Examples run end to end (a short run of the ones listed here; ``examples/run_all.py`` runs
them all at full length)."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_augmented_image_classifier(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / "augmented_image_classifier.py"), "1"])
    runpy.run_path(str(EXAMPLES / "augmented_image_classifier.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "preview differs from the input: True" in out
    assert "predict is deterministic (no augmentation): True" in out
    accuracy = float(out.split("accuracy=")[-1].split()[0])
    assert accuracy > 0.2  # better than chance (0.1) after one epoch
