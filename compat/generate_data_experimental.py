"""Record the ``tf.data.experimental`` cases of data_experimental_cases.py from real TensorFlow
into ``fixtures/data_experimental.json``.

Runs ONLY in the reference venv::

    /tmp/ref/bin/python compat/generate_data_experimental.py

test_data_experimental.py replays every case on torchkeras.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data_experimental_cases import CASES  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "data_experimental.json")


def main() -> None:
    record = {"tensorflow": tf.__version__,
              "cases": {name: case(tf) for name, case in CASES.items()}}
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    print(f"wrote {OUT} ({len(record['cases'])} cases)")


if __name__ == "__main__":
    main()
