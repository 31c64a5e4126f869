"""The older-style input pipeline drop-in (tfdata_legacy_pipeline.py: parallel_interleave,
shuffle_and_repeat, map_and_batch, prefetch_to_device, a dict-output model) through
``python -m torchkeras run``, unchanged. The checked lines are those real TensorFlow 2.21 with
tf_keras (``TF_USE_LEGACY_KERAS=1``) prints for the same program; only ``cardinality`` differs
(TF's fused shuffle_and_repeat reports UNKNOWN, -2, where shuffle().repeat() gives INFINITE)."""
from __future__ import annotations

from tutorials.runner import run_program


def test_legacy_tfdata_pipeline_runs(tmp_path):
    out = run_program("tfdata_legacy_pipeline", tmp_path).stdout
    assert ("element_spec: (TensorSpec(shape=(32, 8), dtype=tf.float32, name=None), "
            "{'score': TensorSpec(shape=(32, 1), dtype=tf.float32, name=None), "
            "'label': TensorSpec(shape=(32,), dtype=tf.int64, name=None)})") in out
    assert "Epoch 2/2" in out
    assert "history keys: ['loss', 'label_loss', 'score_loss', 'label_accuracy']" in out
    assert "output_names: ['label', 'score']" in out
    assert "predict keys: ['score', 'label'] shapes: [(10, 1), (10, 1)]" in out
    assert "first eval element: (5, 8)" in out
