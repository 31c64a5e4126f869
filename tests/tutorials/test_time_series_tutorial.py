"""The "Time series forecasting" drop-in (time_series_windows.py: WindowGenerator with
``tf.stack`` and ``set_shape`` in ``Dataset.map``, ``timeseries_dataset_from_array``, the
Baseline model, a linear model) through ``python -m torchkeras run``, unchanged. TF_LINES is
what real TensorFlow 2.21 with tf_keras (``TF_USE_LEGACY_KERAS=1``) prints for the same program
(its whole output matched, the evaluated losses included)."""
from __future__ import annotations

from tutorials.runner import run_program

TF_LINES = """Total window size: 7
Input indices: [0 1 2 3 4 5]
Label indices: [6]
Label column name(s): ['T (degC)']
All shapes are: (batch, time, features)
Window shape: (3, 7, 4)
Inputs shape: (3, 6, 4)
Labels shape: (3, 1, 1)
Labels: [1.548699975013733, 0.6287000179290771, -0.5188999772071838]
Inputs shape (batch, time, features): (32, 6, 4)
Labels shape (batch, time, features): (32, 1, 1)
batches: 27 8 4
Baseline val: loss 0.1254 mae 0.2887
Input shape: (32, 24, 4)
Output shape: (32, 24, 1)
Baseline wide val: loss 0.1266 mae 0.2903
history keys: ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']"""


def test_time_series_program_prints_what_tensorflow_prints(tmp_path):
    out = run_program("time_series_windows", tmp_path).stdout
    assert [line for line in out.splitlines() if line.strip()] == TF_LINES.splitlines()
