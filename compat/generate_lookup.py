"""Record the ``tf.lookup`` / ``tf.data.experimental.*table_from_dataset`` calls of
lookup_cases.py from real TensorFlow into ``fixtures/lookup.json``, and write the vocabulary
file they read (``fixtures/lookup_vocab.txt``, committed).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_lookup.py

Errors are recorded as TF's exception class name and message, without TF's op decorations
(``{{function_node ...}}`` and `` [Op:...]``). test_lookup.py replays every case.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
# not in TF 2's public API (hasher_spec of table_from_dataset takes one)
from tensorflow.python.ops.lookup_ops import StrongHashSpec

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lookup_cases import CASES, ERRORS, VOCAB_FILE, VOCAB_TEXT  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "lookup.json")


def leaf(value) -> dict:
    if isinstance(value, (list, tuple)):
        return {"tuple": [leaf(v) for v in value]}
    if isinstance(value, (str, bytes)) and not isinstance(value, np.generic):
        return {"dtype": "string", "shape": [], "value": value.decode("utf-8")
                if isinstance(value, bytes) else value}
    if isinstance(value, int):
        return {"dtype": "int", "shape": [], "value": value}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "SOU":
        text = np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b),
                            otypes=[object])
        return {"dtype": "string", "shape": list(array.shape),
                "value": text(array).tolist() if array.size else []}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def clean(message: str) -> str:
    """TF's message without the op decorations."""
    message = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", message)
    return re.sub(r"\s*\[Op:[^\]]*\]( name: .*)?$", "", message).strip()


def main() -> None:
    with open(VOCAB_FILE, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(VOCAB_TEXT)
    with tempfile.TemporaryDirectory() as root:
        inputs = {"vocab": VOCAB_FILE, "root": root,
                  "strong_spec": StrongHashSpec((7, 11))}
        results = {name: leaf(build(tf, inputs)) for name, build in CASES.items()}
        errors = {}
        for name, build in ERRORS.items():
            try:
                build(tf, inputs)
            except Exception as error:  # noqa: BLE001 (recording whatever TF raises)
                errors[name] = {"type": type(error).__name__,
                                "message": clean(str(error)).replace(root, "<root>")
                                .replace(VOCAB_FILE, "<vocab>")}
            else:
                raise AssertionError(f"{name}: TensorFlow did not fail")
    record = {"tensorflow_version": tf.__version__, "numpy_version": np.__version__,
              "cases": results, "errors": errors}
    with open(OUT, "w") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")
    print(f"wrote {OUT}: {len(results)} cases, {len(errors)} errors, "
          f"{os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
