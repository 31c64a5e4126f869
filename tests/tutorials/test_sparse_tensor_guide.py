"""The sparse-tensor guide / TFRecord VarLenFeature program (``sparse_tensor_guide.py``) run
through ``python -m torchkeras run``: every line it prints (SparseTensor indices/values/dense
shapes, element specs, dense batches of parsed variable-length features,
make_batched_features_dataset batches) must be the line real TensorFlow printed for the same
program (recorded by ``compat/generate_sparse_data.py`` into
``compat/fixtures/sparse_data.json``)."""
from __future__ import annotations

import json
from pathlib import Path

from tutorials.runner import key_values, run_program

REFERENCE = Path(__file__).resolve().parents[2] / "compat" / "fixtures" / "sparse_data.json"


def test_sparse_tensor_guide(tmp_path):
    out = key_values(run_program("sparse_tensor_guide", tmp_path).stdout)
    expected = json.loads(REFERENCE.read_text())["tutorial"]
    assert len(expected) > 30
    assert out == expected
