"""The tf.data performance guide drop-in (data_performance_timeline.py: ArtificialDataset via
``from_generator``, prefetch/interleave/py_function maps/cache, vectorized maps, the
TimeMeasuredDataset timelines with string tensors) through ``python -m torchkeras run``,
unchanged. TF_LINES is what real TensorFlow 2.21 with tf_keras (``TF_USE_LEGACY_KERAS=1``)
prints for the same program (its whole output matched, bar TF's deprecation notices)."""
from __future__ import annotations

from tutorials.runner import run_program

TF_LINES = """elements: [0, 1, 2, 0, 1, 2] positive time: True
elements: [0, 1, 2, 0, 1, 2] positive time: True
elements: [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2] positive time: True
elements: [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2] positive time: True
elements: [0, 1, 2, 0, 1, 2] positive time: True
elements: [0, 1, 2, 0, 1, 2] positive time: True
elements: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2] positive time: True
scalar map then batch: [32896, 98432, 163968, 205204]
batch then vectorized map: [32896, 98432, 163968, 205204]
spec: TensorSpec(shape=(None,), dtype=tf.int64, name=None)
positive time: True
positive time: True
naive shapes: (66, 1) (66, 2) (66, 3) float32 int32
naive steps: [b'Open', b'Read', b'Map', b'Train', b'Epoch']
naive counts: {'Epoch': 2, 'Map': 16, 'Open': 16, 'Read': 16, 'Train': 16}
naive sample column: [-1, 0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1, 0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1, -1, 0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1, 0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1]
optimized shapes: (66, 1) (66, 2) (66, 3) float32 int32
optimized steps: [b'Open', b'Read', b'1st map', b'Train', b'Epoch']
optimized counts: {'1st map': 16, 'Epoch': 2, 'Open': 16, 'Read': 16, 'Train': 16}
optimized sample column: [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]"""


def test_data_performance_program_prints_what_tensorflow_prints(tmp_path):
    out = run_program("data_performance_timeline", tmp_path).stdout
    assert [line for line in out.splitlines() if line.strip()] == TF_LINES.splitlines()
