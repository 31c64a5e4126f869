"""The drop-in script tfdata_resample_audio_ragged.py (the tf.data guide's rejection_resample,
the Ragged Tensor guide's datasets, the simple-audio tutorial's decode_wav pipeline and
audio_dataset_from_directory) through ``python -m torchkeras run``, unchanged. The ragged and
padded lines are what real TensorFlow prints for the same script."""
from __future__ import annotations

import re

from tutorials.runner import run_program


def test_tfdata_resample_audio_ragged_tutorial_runs(tmp_path):
    result = run_program("tfdata_resample_audio_ragged", tmp_path)
    out = result.stdout + result.stderr
    share = float(re.search(r"balanced positive share: ([0-9.]+)", out).group(1))
    assert 0.4 < share < 0.6  # 4.6% positives rebalanced to about half
    assert ("ragged batch: [[0], [0, 1, 2, 3, 4]]\n"
            "ragged batch: [[0, 1, 2], [0, 1]]\n"
            "ragged batch: [[0, 1, 2, 3, 4, 5, 6, 7]]\n"
            "padded digits: [[3, 1, 4, 1], [0, 0, 0, 0]] [1, 0]\n"
            "padded digits: [[5, 9, 2], [6, 0, 0]] [1, 0]\n"
            "padded digits: [[]] [0]") in out
    assert "number of files: 24" in out and "True" in re.search(r"waveform: .*", out).group(0)
    assert "Found 24 files belonging to 2 classes." in out
    assert "label names: ['no', 'yes']" in out
    assert float(re.search(r"final accuracy: ([0-9.]+)", out).group(1)) >= 0.75
