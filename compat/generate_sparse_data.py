"""Record the SparseTensor / SparseFeature / RaggedFeature / tf.sparse references of
sparse_data_cases.py from real TensorFlow into ``compat/fixtures/sparse_data.json``, and
write the TFRecord file the cases read (``compat/fixtures/sparse_data.tfrecord``, with TF).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_sparse_data.py

It also runs the drop-in program ``tests/tutorials/sparse_tensor_guide.py`` with TF and keeps
its printed ``key value`` lines (``"tutorial"``), which tests/tutorials/test_sparse_tensor_guide.py
compares with the program's output under ``python -m torchkeras run``. Deterministic: fixed
values, no RNG, unshuffled datasets, Examples serialized with ``deterministic=True``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sparse_data_cases import CASES, RECORDS, encode  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")
TFRECORD = os.path.join(FIXTURES, "sparse_data.tfrecord")


def feature(kind: str, values: list) -> tf.train.Feature:
    make = {"bytes": tf.train.BytesList, "float": tf.train.FloatList,
            "int64": tf.train.Int64List}[kind]
    return tf.train.Feature(**{f"{kind}_list": make(value=values)})


def write_records() -> None:
    with tf.io.TFRecordWriter(TFRECORD) as writer:
        for record in RECORDS:
            example = tf.train.Example(features=tf.train.Features(feature={
                key: feature(kind, values) for key, (kind, values) in record.items()}))
            writer.write(example.SerializeToString(deterministic=True))


def main() -> None:
    write_records()
    cases = {name: encode(case(tf, TFRECORD)) for name, case in sorted(CASES.items())}
    program = os.path.join(os.path.dirname(HERE), "tests", "tutorials", "sparse_tensor_guide.py")
    printed = subprocess.run([sys.executable, program], capture_output=True, text=True,
                             check=True).stdout
    tutorial = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in printed.splitlines()
                if " " in line}
    record = {"tensorflow_version": tf.__version__, "numpy_version": np.__version__,
              "cases": cases, "tutorial": tutorial}
    with open(os.path.join(FIXTURES, "sparse_data.json"), "w") as handle:
        json.dump(record, handle, sort_keys=True)


if __name__ == "__main__":
    main()
