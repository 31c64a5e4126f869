"""The distributed-input-style drop-in (tfdata_optional_reducer.py: Options groups,
group_by_reducer, pad_to_cardinality, get_next_as_optional, fit/evaluate) through
``python -m torchkeras run``, unchanged. The checked lines are what real TensorFlow 2.21 with
tf_keras (``TF_USE_LEGACY_KERAS=1``) prints for the same program (its whole output matched)."""
from __future__ import annotations

from tutorials.runner import run_program

TF_LINES = """shard policy DATA
threadpool 2
class 0 count 25 mean0 0.383
class 1 count 16 mean0 0.551
class 2 count 9 mean0 0.917
padded batches 3 target 24
real elements 21
loop steps 4
end of sequence: OutOfRangeError
history keys ['accuracy', 'loss']
evaluate returns 2"""


def test_optional_reducer_program_prints_what_tensorflow_prints(tmp_path):
    out = run_program("tfdata_optional_reducer", tmp_path).stdout
    assert [line for line in out.splitlines() if line.strip()][-11:] == TF_LINES.splitlines()
