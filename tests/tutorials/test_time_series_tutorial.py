"""The "Time series forecasting" drop-in (time_series_windows.py: WindowGenerator with
``tf.stack`` and ``set_shape`` in ``Dataset.map``, ``timeseries_dataset_from_array``, the
Baseline model, and the model cells: Linear, Dense, multi_step_dense (fitted on (None, 3, 4)
windows, then called on (32, 24, 4): the layer's error), conv_model and lstm_model called on
wider windows than they were fitted on (a Sequential without an Input relaxes its input shape,
as tf-keras 2), ``lstm_model.metrics[1]``, the multi-output Dense/LSTM/ResidualWrapper and the
multi-step Lambda/Conv/LSTM/FeedBack models) through ``python -m torchkeras run``, unchanged
but for shortened epochs and quiet fits. TF_LINES is
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
metrics before fit: []
history keys: ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']
Linear keys: ['loss', 'mean_absolute_error']
Input shape: (32, 24, 4)
Output shape: (32, 24, 1)
kernel shape: (4,)
Dense on wide window: (32, 24, 1)
Input shape: (32, 3, 4)
Output shape: (32, 1, 1)
Input shape: (32, 24, 4)
ValueError: Input 0 of layer "dense_4" is incompatible with the layer: expected axis -1 of input shape to have value 12, but received input with shape (32, 96)
Conv model on `conv_window`
Output shape: (32, 1, 1)
Wide window
Labels shape: (32, 24, 1)
Output shape: (32, 22, 1)
Wide conv window
Input shape: (32, 26, 4)
Labels shape: (32, 24, 1)
Output shape: (32, 24, 1)
Output shape: (32, 24, 1)
lstm_model.metrics[1]: MeanAbsoluteError mean_absolute_error
metrics_names: ['loss', 'mean_absolute_error']
val_performance: ['Linear', 'Dense', 'Multi step dense', 'Conv', 'LSTM']
mae keys: True
Inputs shape (batch, time, features): (32, 24, 4)
Labels shape (batch, time, features): (32, 24, 4)
multi-output Baseline val: loss 0.6771 mae 0.5598
multi-output dense: (32, 24, 4)
multi-output lstm: (32, 24, 4)
residual lstm: (32, 24, 4) ['loss', 'mean_absolute_error']
Total window size: 48
Input indices: [ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23]
Label indices: [24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47]
Label column name(s): None
Last: loss 1.5251 mae 0.9504
Repeat: loss 0.5780 mae 0.5126
multi linear: (32, 24, 4)
multi dense: (32, 24, 4)
multi conv: (32, 24, 4)
multi lstm: (32, 24, 4)
warmup: (32, 4)
Output shape (batch, time, features):  (32, 24, 4)
AR LSTM keys: ['loss', 'mean_absolute_error']"""


def test_time_series_program_prints_what_tensorflow_prints(tmp_path):
    out = run_program("time_series_windows", tmp_path).stdout
    assert [line for line in out.splitlines() if line.strip()] == TF_LINES.splitlines()
