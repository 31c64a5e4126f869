"""Record the printed lines of ``tests/tutorials/structured_dict_lookup_inputs.py`` (keras.io's
structured-data-from-scratch style: lookups chosen by ``x.dtype == "string"`` inside
``Dataset.map``, Normalization adapted on a mapped dataset, a Normalization output in the
model's dict of inputs) under real Keras 2 (tf_keras standing in for ``keras``) and Keras 3,
into ``compat/fixtures/structured_dict.json``.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_structured_dict.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import List

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "..", "tests", "tutorials", "structured_dict_lookup_inputs.py")
AS_KERAS2 = ("import sys, runpy, tf_keras; sys.modules['keras'] = tf_keras; "
             "sys.modules['keras.layers'] = tf_keras.layers; "
             f"runpy.run_path({PROGRAM!r}, run_name='__main__')")


def run(command: List[str], legacy: bool) -> List[str]:
    """The program's stdout lines under tf_keras (``legacy``) or Keras 3."""
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3",
               TF_ENABLE_ONEDNN_OPTS="0", PYTHONWARNINGS="ignore")
    env["TF_USE_LEGACY_KERAS"] = "1" if legacy else "0"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp,
                              check=True)
    return proc.stdout.splitlines()


def main() -> None:
    result = {"k2": run([sys.executable, "-c", AS_KERAS2], True),
              "k3": run([sys.executable, PROGRAM], False)}
    with open(os.path.join(HERE, "fixtures", "structured_dict.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
