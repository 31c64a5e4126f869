"""Record the calls of data_more_cases.py from real TensorFlow (tf_keras for the Keras 2 layers,
Keras 3 for its Resizing) into ``fixtures/data_more.json``, with TF's public
``tf.data.Dataset`` method names (test_data_more.py walks them).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_data_more.py

The WAV inputs are written with the standard library (``data_more_cases.inputs``) on both sides;
``leaf`` stores bytes as base64.
"""
from __future__ import annotations

import base64
import json
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
import tf_keras
import keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data_more_cases import CASES, KERAS3_CASES, inputs  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "data_more.json")


def leaf(value) -> dict:
    if isinstance(value, tuple):
        return {"tuple": [leaf(v) for v in value]}
    if isinstance(value, list):
        return {"list": [leaf(v) for v in value]}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "SOU":
        if array.ndim == 0 and isinstance(array[()], bytes) and array.dtype.kind != "U" \
                and not array[()].isascii():
            return {"bytes": base64.b64encode(array[()]).decode("ascii")}
        text = np.vectorize(lambda b: b.decode("latin-1") if isinstance(b, bytes) else str(b),
                            otypes=[object])
        return {"dtype": "string", "shape": list(array.shape),
                "value": text(array).tolist() if array.size else []}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def main() -> None:
    given = inputs()
    cases = {name: leaf(build(tf, tf_keras, given)) for name, build in CASES.items()}
    keras3 = {name: leaf(build(tf, keras, given)) for name, build in KERAS3_CASES.items()}
    record = {"tensorflow_version": tf.__version__, "keras_version": keras.__version__,
              "numpy_version": np.__version__, "cases": cases, "keras3_cases": keras3,
              "dataset_methods": sorted(n for n in dir(tf.data.Dataset)
                                        if not n.startswith("_")),
              "experimental_names": sorted(n for n in dir(tf.data.experimental)
                                           if not n.startswith("_"))}
    with open(OUT, "w") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")
    print(f"wrote {OUT}: {len(cases)} + {len(keras3)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
