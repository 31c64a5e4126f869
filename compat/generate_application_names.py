"""Record the ``name`` argument of every keras.applications constructor from Keras 3 (its
default) and whether tf_keras (Keras 2) takes one, into
``compat/fixtures/application_names.json``. Reads signatures only (no model is built).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_application_names.py
"""
from __future__ import annotations

import inspect
import json
import os
from typing import Any, Dict

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

HERE = os.path.dirname(os.path.abspath(__file__))


def constructors(applications: Any) -> Dict[str, Dict[str, Any]]:
    """``{constructor: {"params", "name_default"}}`` of one Keras's ``keras.applications``."""
    found: Dict[str, Dict[str, Any]] = {}
    for attr in sorted(dir(applications)):
        function = getattr(applications, attr)
        if not attr[:1].isupper() or not callable(function) or inspect.isclass(function):
            continue
        params = inspect.signature(function).parameters
        found[attr] = {"params": list(params)}
        if "name" in params:
            found[attr]["name_default"] = params["name"].default
    return found


def main() -> None:
    import keras
    import tf_keras

    record = {"keras_version": keras.__version__, "tf_keras_version": tf_keras.__version__,
              "keras3": constructors(keras.applications),
              "keras2": constructors(tf_keras.applications)}
    path = os.path.join(HERE, "fixtures", "application_names.json")
    with open(path, "w", encoding="utf8") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"{len(record['keras3'])} Keras 3 and {len(record['keras2'])} Keras 2 constructors")


if __name__ == "__main__":
    main()
