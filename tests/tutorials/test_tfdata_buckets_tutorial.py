"""The text-pipeline drop-in script (tfdata_text_buckets.py: the tf.data guide's text lines,
resampling and bucketing, and the ``bucket_by_sequence_length`` API example) through
``python -m torchkeras run``, unchanged. The bucket lines are the API example's documented
output; the script also runs on real TensorFlow."""
from __future__ import annotations

import ast
import re

from tutorials.runner import run_program


def test_tfdata_text_buckets_tutorial_runs(tmp_path):
    result = run_program("tfdata_text_buckets", tmp_path)
    out = result.stdout + result.stderr
    assert ("bucket: [[1, 2, 3, 4], [5, 6, 7, 0]]\n"
            "bucket: [[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]]\n"
            "bucket: [[0, 0], [21, 22]]") in out
    assert "files: ['label0.txt', 'label1.txt']" in out
    share = float(re.search(r"positive share: ([0-9.]+)", out).group(1))
    assert 0.4 < share < 0.6  # sample_from_datasets balanced the 3:1 classes
    assert "row lengths: [7, 4, 3]" in out and "dense: (3, 7)" in out
    widths = ast.literal_eval(re.search(r"bucket widths: (\[.*\])", out).group(1))
    # padded to the longest line of each batch (2 to 11 words), not to one global width
    assert all(2 <= w[0] <= 11 for w in widths) and len(widths) >= 2
    assert "Epoch 4/4" in out and "pure batches: True" in out
