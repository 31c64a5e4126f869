"""The EfficientNetV2 fine-tuning drop-in program (efficientnetv2_fine_tuning.py, keras-io's
EfficientNet fine-tuning example's calls) through ``python -m torchkeras run``, unchanged."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_efficientnetv2_fine_tuning_runs(tmp_path):
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run",
                             str(HERE / "efficientnetv2_fine_tuning.py")], capture_output=True,
                            text=True, env=env, cwd=str(tmp_path), timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    # frozen base: the top's BatchNormalization (gamma, beta) and Dense (kernel, bias)
    assert "trainable weights (frozen base): 4" in out
    # the base's last block and top conv train again (tf_keras 2.21 prints the same 11)
    assert "trainable weights (top 20 unfrozen): 11" in out
    assert "fine-tuned predictions: (4, 3)" in out
    assert "regnetx002 features: (4, 368)" in out
    assert "NASNet features: (4, 1056)" in out
