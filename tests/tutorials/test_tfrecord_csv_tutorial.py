"""The TFRecord/CSV drop-in program (tfrecord_csv.py: the style of TensorFlow's "TFRecord
and tf.train.Example" and "Load CSV data" tutorials) through ``python -m torchkeras run``,
unchanged; the checked lines are what real TensorFlow 2.21 prints for the same program."""
from __future__ import annotations

from tutorials.runner import run_program


def test_tfrecord_csv_tutorial_runs(tmp_path):
    result = run_program("tfrecord_csv", tmp_path)
    out = result.stdout
    for line in ("float feature bytes: b'\\x12\\x06\\n\\x04T\\xf8-@'",
                 "feature1 value: [4]", "kind: bytes_list",
                 "parse_tensor: [[1.0, 2.0], [3.0, 4.0]]", "records equal: True",
                 "first feature2: [b'cat']", "parsed feature2: b'cat'",
                 "trained epochs: 2", "batch feature1: True",
                 "sex       : [b'cat' b'cat' b'dog' b'chicken' b'cat']", "label: True",
                 "csv row: b'cat'", "decode_csv rows: 256"):
        assert line in out, line
    assert (tmp_path / "data.tfrecord.gz").read_bytes()[:2] == b"\x1f\x8b"  # a gzip stream
