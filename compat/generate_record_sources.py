"""Record real TensorFlow's ``SqlDataset`` and ``FixedLengthRecordDataset`` elements (or
error class and message) for record_source_cases.py into ``fixtures/record_sources.json``.

Runs ONLY in the reference venv::

    /tmp/ref/bin/python compat/generate_record_sources.py

The inputs (an SQLite file, binary files) are written by ``write_inputs`` into a temporary
folder on both sides; test_record_sources.py replays every case on torchkeras.
"""
from __future__ import annotations

import base64
import json
import os
import re
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from record_source_cases import CASES, write_inputs  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "record_sources.json")


def leaf(value) -> dict:
    if isinstance(value, (tuple, list)):
        return {"tuple": [leaf(v) for v in value]}
    array = np.asarray(value.numpy())
    if array.dtype.kind in "SO":
        flat = [base64.b64encode(bytes(b)).decode() for b in array.reshape(-1)]
        return {"dtype": "string", "shape": list(array.shape), "base64": flat}
    return {"dtype": array.dtype.name, "shape": list(array.shape),
            "value": array.reshape(-1).tolist()}


def spec(value) -> object:
    if isinstance(value, tuple):
        return [spec(v) for v in value]
    return [value.dtype.name, value.shape.as_list()]


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as root:
        write_inputs(root)
        for name, build in CASES.items():
            dataset = build(tf, root)
            record = {"spec": spec(dataset.element_spec)}
            try:
                record["elements"] = [leaf(e) for e in dataset]
            except tf.errors.OpError as error:
                message = error.message.split(" [Op:")[0].replace(root + os.sep, "")
                message = re.sub(r"^\{\{function_node [^}]*\}\} ", "", message)
                record["error"] = {"type": type(error).__name__, "message": message}
            results[name] = record
    with open(OUT, "w") as handle:
        json.dump({"tensorflow_version": tf.__version__, "cases": results}, handle, indent=0,
                  sort_keys=True)
    print(f"wrote {OUT}: {len(results)} cases")


if __name__ == "__main__":
    main()
