"""Record the key orders of dict_output_cases.py from tf_keras 2.21 (the reference) and
Keras 3 into ``fixtures/dict_outputs.json``.

Runs ONLY in the reference venv::

    /tmp/ref/bin/python compat/generate_dict_outputs.py

test_dict_outputs.py replays the case on torchkeras.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.path.join(HERE, "fixtures", "dict_outputs.json")


def run(flavour: str) -> dict:
    from dict_output_cases import key_orders, renamed_orders
    if flavour == "keras2":
        import tf_keras as keras
    else:
        import keras
    return {"version": keras.__version__, "orders": key_orders(keras),
            "renamed": renamed_orders(keras)}


def main() -> None:
    if len(sys.argv) > 1:  # one flavour per process: tf_keras and Keras 3 apart
        print(json.dumps(run(sys.argv[1])))
        return
    record = {}
    for flavour in ("keras2", "keras3"):
        lines = subprocess.run([sys.executable, __file__, flavour], check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()
        record[flavour] = json.loads(lines[-1])
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
