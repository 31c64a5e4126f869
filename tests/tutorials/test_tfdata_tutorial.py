"""The tf.data drop-in script (tfdata_numpy.py: "Load NumPy data" style) through
``python -m torchkeras run``, unchanged."""
from __future__ import annotations

from tutorials.runner import run_program


def test_tfdata_numpy_tutorial_runs(tmp_path):
    result = run_program("tfdata_numpy", tmp_path)
    out = result.stdout + result.stderr
    assert ("element_spec: (TensorSpec(shape=(None, 28, 28), dtype=tf.float32, name=None), "
            "TensorSpec(shape=(None,), dtype=tf.int64, name=None))") in out
    assert "cardinality: 10" in out
    assert ("history keys: ['loss', 'sparse_categorical_accuracy', 'val_loss', "
            "'val_sparse_categorical_accuracy']") in out
    assert "Epoch 3/3" in out and "test accuracy" in out
    assert "predict shape: (200, 2)" in out
