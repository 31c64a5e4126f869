"""Record the ``tf.image`` / ``tf.strings`` / ``tf.io`` calls of tf_function_cases.py from real
TensorFlow into ``fixtures/tf_functions.json``.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_tf_functions.py

The JPEG/PNG inputs are encoded by TensorFlow here and stored (base64) with the results, so the
replay decodes the very same bytes; the CSV/PNG files are written into a temporary folder by
both sides (``write_inputs``). test_tf_functions.py replays every case on torchkeras.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tf_function_cases import CASES, CSV_TEXT, image, write_inputs  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "tf_functions.json")


def leaf(value) -> dict:
    if isinstance(value, (list, tuple)):
        return {"tuple": [leaf(v) for v in value]}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "SOU":
        text = np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b),
                            otypes=[object])
        return {"dtype": "string", "shape": list(array.shape),
                "value": text(array).tolist() if array.size else []}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def encoded_inputs() -> dict:
    rgb = image(16, 20, seed=5)
    rgba = np.concatenate([image(6, 5, seed=6), image(6, 5, 1, seed=7)], -1)
    return {
        "jpeg_rgb": tf.io.encode_jpeg(rgb, quality=90).numpy(),
        "jpeg_gray": tf.io.encode_jpeg(rgb[..., 1:2], quality=90).numpy(),
        "png_rgb": tf.io.encode_png(image(6, 5, seed=8)).numpy(),
        "png_rgba": tf.io.encode_png(rgba).numpy(),
        "png_gray": tf.io.encode_png(image(6, 5, 1, seed=9)).numpy(),
    }


def main() -> None:
    encoded = encoded_inputs()
    results = {}
    with tempfile.TemporaryDirectory() as root:
        inputs = write_inputs(encoded, root)
        for name, build in CASES.items():
            results[name] = leaf(build(tf, inputs))
    record = {"tensorflow_version": tf.__version__, "numpy_version": np.__version__,
              "csv_text": CSV_TEXT,
              "inputs": {k: base64.b64encode(v).decode("ascii") for k, v in encoded.items()},
              "cases": results}
    with open(OUT, "w") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")
    print(f"wrote {OUT}: {len(results)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
