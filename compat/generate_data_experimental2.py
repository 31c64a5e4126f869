"""Record the cases of data_experimental2_cases.py from real TensorFlow into
``fixtures/data_experimental2.json``, and write a tiny cache with real TF's
``Dataset.cache(filename)`` into ``fixtures/tf_cache/`` (``cache.index`` and
``cache.data-00000-of-00001``).

Runs ONLY in the reference venv::

    /tmp/ref/bin/python compat/generate_data_experimental2.py

test_data_experimental2.py replays every case on torchkeras and checks that torchkeras's
``cache(filename)`` leaves TF's cache files untouched.
"""
from __future__ import annotations

import json
import os
import shutil
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data_experimental_cases import plain  # noqa: E402
from data_experimental2_cases import CASES  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "data_experimental2.json")
CACHE_DIR = os.path.join(HERE, "fixtures", "tf_cache")


def cache_pipeline(tf_module):
    """The pipeline TF caches (also run on torchkeras by the test)."""
    return tf_module.data.Dataset.range(5).map(
        lambda x: (x * 10, tf_module.strings.as_string(x)))


def write_tf_cache() -> dict:
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    os.makedirs(CACHE_DIR)
    cached = cache_pipeline(tf).cache(os.path.join(CACHE_DIR, "cache"))
    elements = plain(list(cached.as_numpy_iterator()))
    return {"files": sorted(os.listdir(CACHE_DIR)), "elements": elements}


def main() -> None:
    record = {"tensorflow": tf.__version__, "tf_cache": write_tf_cache(),
              "cases": {name: case(tf) for name, case in CASES.items()}}
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    print(f"wrote {OUT} ({len(record['cases'])} cases) and {CACHE_DIR}")


if __name__ == "__main__":
    main()
