"""NumPy's reductions on torch tensors, as the runner sets them up (TF's eager tensors reduce
like arrays: images.ipynb's ``np.min(first_image), np.max(first_image)``)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from torchkeras.compat import numpy_reductions

SCRIPT = """
import numpy as np
import torch
t = torch.tensor([[1.0, 2.0], [3.0, 0.5]], requires_grad=True) * 2
print(np.min(t), np.max(t), np.sum(t, axis=0).tolist(), round(float(np.mean(t)), 4))
print(np.std(t, ddof=1).round(4), np.any(t > 5), np.all(t > 0), np.amax(t, axis=1).tolist())
print(type(np.min(t)).__name__, np.min([3, 1]))
"""


def test_the_runner_reduces_tensors_as_arrays(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(script)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1.0 6.0 [8.0, 5.0] 3.25", "2.2174 True True [4.0, 6.0]", "float32 1"]


def test_wrapping_is_once_and_leaves_arrays_alone(monkeypatch):
    for name in numpy_reductions.REDUCTIONS:
        monkeypatch.setattr(np, name, getattr(np, name))  # restored after the test
    numpy_reductions.numpy_reductions_take_tensors()
    wrapped = np.min
    numpy_reductions.numpy_reductions_take_tensors()
    assert np.min is wrapped and wrapped.__name__ == "min"
    assert np.min(torch.tensor([4.0, -1.0])) == -1.0
    assert np.mean(torch.ones(2, 2, dtype=torch.bfloat16)) == 1.0
    assert np.sum(np.arange(4)) == 6 and np.max([1, 7]) == 7


def test_without_the_runner_numpy_still_calls_torchs_method(monkeypatch):
    monkeypatch.setattr(np, "min", getattr(np.min, "__wrapped__", np.min))  # unwrapped
    with pytest.raises(TypeError):  # the reason for the runner's wrapper
        np.min(torch.tensor([1.0, 2.0]))
