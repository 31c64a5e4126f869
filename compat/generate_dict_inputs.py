"""Record how real Keras keeps a functional model's dict of inputs across saving, and the
deterministic numbers of the csv-tutorial preprocessing head, into
``compat/fixtures/dict_inputs.json`` (plus two small saved models, ``dict_inputs__k2.h5``
from tf_keras and ``dict_inputs__k3.keras`` from Keras 3).

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_dict_inputs.py

It runs itself again with ``--keras3`` (plain ``import keras``) for Keras 3's side, and runs
``tests/tutorials/csv_preprocessing_head.py`` unchanged under tf_keras for the tutorial's
shapes and layer counts (its losses depend on the initial weights and are not recorded).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any, Dict

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
TUTORIAL = os.path.join(HERE, "..", "tests", "tutorials", "csv_preprocessing_head.py")
# deterministic lines of the tutorial program (the rest depends on random initial weights)
TUTORIAL_KEYS = ("numeric_shape", "head_output_shape", "head_layers", "head_call_shape",
                 "model_layers", "model_input_names", "reloaded_input",
                 "reloaded_head_input", "reload_same", "predict_shape")
DATA = {"a": np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], "float32"),
        "b": np.array([1.0, -2.0, 4.0], "float32")}  # (batch,): Input((1,)) gains the axis


def dict_model(keras: Any) -> Any:
    """Inputs given as a dict in non-sorted key order ("b" before "a"), fixed weights."""
    inputs = {"b": keras.Input(shape=(1,), name="b"), "a": keras.Input(shape=(2,), name="a")}
    x = keras.layers.Concatenate()([inputs["a"], inputs["b"]])
    dense = keras.layers.Dense(1, name="out")
    outputs = dense(x)
    model = keras.Model(inputs, outputs)
    dense.set_weights([np.array([[0.5], [-1.0], [2.0]], "float32"), np.array([0.25], "float32")])
    return model


def describe(model: Any, weights_known: bool = True) -> Dict[str, Any]:
    """The input structure and names; predictions where the weights are the fixed ones
    (``model_from_json`` re-initializes them: only the output shape then)."""
    structure = model.input
    predictions = model.predict(DATA, verbose=0)
    return {"input_type": type(structure).__name__,
            "input_keys": sorted(structure) if isinstance(structure, dict) else None,
            "inputs": [t.name.split(":")[0] for t in model.inputs],
            "input_names": getattr(model, "input_names", None),
            "predict": predictions.tolist() if weights_known else list(predictions.shape)}


def record(keras: Any, path: str) -> Dict[str, Any]:
    """The dict model before saving, after ``load_model(path)`` and after ``to_json``."""
    model = dict_model(keras)
    out: Dict[str, Any] = {"before": describe(model),
                           "input_layers": model.get_config()["input_layers"]}
    model.save(path)
    out["loaded"] = describe(keras.models.load_model(path))
    out["from_json"] = describe(keras.models.model_from_json(model.to_json()), False)
    out["json_input_layers"] = json.loads(model.to_json())["config"]["input_layers"]
    return out


def run_tutorial() -> Dict[str, str]:
    """The deterministic ``key value`` lines of the csv-head tutorial program under tf_keras."""
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", PYTHONWARNINGS="ignore")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, TUTORIAL], capture_output=True, text=True,
                              env=env, cwd=tmp, check=True)
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    return {key: lines[key] for key in TUTORIAL_KEYS}


def main() -> None:
    if "--keras3" in sys.argv:
        import keras
        json.dump(record(keras, os.path.join(FIXTURES, "dict_inputs__k3.keras")),
                  sys.stdout)
        return
    import tf_keras
    result = {"k2": record(tf_keras, os.path.join(FIXTURES, "dict_inputs__k2.h5"))}
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    proc = subprocess.run([sys.executable, __file__, "--keras3"], capture_output=True,
                          text=True, env=env, check=True)
    result["k3"] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["tutorial"] = run_tutorial()
    result["data"] = {k: v.tolist() for k, v in DATA.items()}
    with open(os.path.join(FIXTURES, "dict_inputs.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
