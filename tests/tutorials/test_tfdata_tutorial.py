"""The tf.data drop-in script (tfdata_numpy.py: "Load NumPy data" style) through
``python -m torchkeras run``, unchanged."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_tfdata_numpy_tutorial_runs(tmp_path):
    env = dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run",
                             str(HERE / "tfdata_numpy.py")], capture_output=True, text=True,
                            env=env, cwd=str(tmp_path), timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert ("element_spec: (TensorSpec(shape=(None, 28, 28), dtype=tf.float32, name=None), "
            "TensorSpec(shape=(None,), dtype=tf.int64, name=None))") in out
    assert "cardinality: 10" in out
    assert ("history keys: ['loss', 'sparse_categorical_accuracy', 'val_loss', "
            "'val_sparse_categorical_accuracy']") in out
    assert "Epoch 3/3" in out and "test accuracy" in out
    assert "predict shape: (200, 2)" in out
