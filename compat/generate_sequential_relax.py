"""Record, from real tf_keras (Keras 2), how a ``Sequential`` built WITHOUT an ``Input``
takes inputs of a novel shape, and what ``model.metrics`` / ``metrics_names`` list at each
stage, into ``compat/fixtures/sequential_relax.json``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_sequential_relax.py

``shape_cases``: a model (layers by class and kwargs, explicit names) is fitted one epoch on
``fit_shape`` windows (or called once, ``fit_shape`` None), then each step is a call or a fit
on a batch of 32 of the given shape: ``ok`` with the output shape and ``model.input_shape``
after, or ``error`` with the exception class and, for a Keras error, its message line
(``Input 0 of layer ...``; tf-keras wraps it in "Exception encountered when calling layer
..."), else ``backend`` (a TensorFlow kernel error).

``metrics_cases``: ``metrics_names`` and ``[(class, name)]`` of ``model.metrics`` at each
stage (uncompiled, compiled, fit, evaluate, ...); ``keras3`` holds Keras 3's names for the
same stages (documentation of the difference only; the tests follow Keras 2).
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np
import tf_keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sequential_relax_cases import metric_stages  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "sequential_relax.json")
rng = np.random.RandomState(7)

# (name, layers [(class, kwargs)], explicit input shape or None, fit_shape, steps)
# A step is ("call" | "fit", shape).
SHAPE_CASES: List[tuple] = [
    ("linear", [("Dense", {"units": 1, "name": "lin"})], None, (1, 19),
     [("call", (24, 19)), ("call", (24, 19)), ("call", (24, 7))]),
    ("dense", [("Dense", {"units": 8, "activation": "relu", "name": "d1"}),
               ("Dense", {"units": 8, "activation": "relu", "name": "d2"}),
               ("Dense", {"units": 1, "name": "d3"})], None, (1, 19),
     [("call", (24, 19)), ("call", (1, 19))]),
    ("multi_step_dense", [("Flatten", {"name": "flat"}),
                          ("Dense", {"units": 8, "activation": "relu", "name": "m1"}),
                          ("Dense", {"units": 1, "name": "m2"}),
                          ("Reshape", {"target_shape": [1, -1], "name": "back"})], None, (3, 19),
     [("call", (24, 19)), ("call", (24, 19)), ("call", (3, 19))]),
    ("conv", [("Conv1D", {"filters": 4, "kernel_size": [3], "activation": "relu",
                          "name": "c1"}),
              ("Dense", {"units": 1, "name": "c2"})], None, (3, 19),
     [("call", (24, 19)), ("call", (26, 19)), ("call", (2, 19))]),
    ("lstm", [("LSTM", {"units": 4, "return_sequences": True, "name": "rnn"}),
              ("Dense", {"units": 1, "name": "out"})], None, (24, 19),
     [("call", (5, 19)), ("call", (24, 19))]),
    ("called_first", [("Dense", {"units": 1, "name": "first"})], None, None,
     [("call", (1, 19)), ("call", (24, 19))]),
    ("fit_again", [("Dense", {"units": 1, "name": "again"})], None, (1, 19),
     [("fit", (24, 19)), ("call", (6, 19)), ("fit", (24, 7))]),
    ("explicit_input", [("Dense", {"units": 1, "name": "after_input"})], (3, 19), (3, 19),
     [("call", (24, 19)), ("call", (3, 19))]),
    ("input_shape_kwarg", [("Dense", {"units": 1, "name": "with_shape",
                                      "input_shape": [3, 19]})], None, (3, 19),
     [("call", (24, 19))]),
]


def _batch(shape: tuple, batch: int = 32) -> np.ndarray:
    return rng.randn(batch, *shape).astype("float32")


def _make(name: str, specs: List[tuple], explicit: Optional[tuple]) -> Any:
    layers = [tf_keras.Input(explicit)] if explicit is not None else []
    for cls, kwargs in specs:
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        layers.append(getattr(tf_keras.layers, cls)(**kwargs))
    return tf_keras.Sequential(layers, name=name)


def _target(model: Any, shape: tuple, batch: int) -> np.ndarray:
    out = model.compute_output_shape((batch,) + shape)
    return rng.randn(*[d if d is not None else 1 for d in out]).astype("float32")


def _error(exc: Exception) -> Dict[str, Any]:
    lines = [line for line in str(exc).splitlines() if line.startswith("Input 0 of layer")]
    if lines:
        return {"result": "error", "type": type(exc).__name__, "message": lines[0]}
    return {"result": "error", "type": type(exc).__name__, "message": None, "backend": True}


def _input_shape(model: Any) -> Optional[list]:
    try:
        return list(model.input_shape)
    except AttributeError:
        return None


def record_shape_case(case: tuple) -> Dict[str, Any]:
    name, specs, explicit, fit_shape, steps = case
    model = _make(name, specs, explicit)
    model.compile(loss="mse", optimizer="adam")
    if fit_shape is not None:
        x = _batch(fit_shape, 64)
        model.fit(x, _target(model, fit_shape, 64), batch_size=32, epochs=1, verbose=0)
    recorded = []
    for kind, shape in steps:
        try:
            if kind == "call":
                out = model(_batch(shape))
                entry = {"result": "ok", "output_shape": list(out.shape)}
            else:
                x = _batch(shape, 64)
                model.fit(x, _target(model, shape, 64), batch_size=32, epochs=1, verbose=0)
                entry = {"result": "ok", "output_shape": None}
        except Exception as exc:  # noqa: BLE001 (the recorded behaviour)
            entry = _error(exc)
        entry.update(kind=kind, shape=list(shape), input_shape=_input_shape(model))
        recorded.append(entry)
    return {"name": name, "layers": [[c, k] for c, k in specs],
            "explicit_input": list(explicit) if explicit else None,
            "fit_shape": list(fit_shape) if fit_shape else None, "steps": recorded}


def record_metrics(keras: Any) -> Dict[str, Dict[str, Any]]:
    """``{case: {stage: listing}}`` for the ``keras`` module given."""
    return metric_stages(keras, _batch((4,), 64), _batch((1,), 64))


def main() -> None:
    tf_keras.utils.set_random_seed(0)
    record = {"tf_keras_version": tf_keras.__version__,
              "shape_cases": [record_shape_case(case) for case in SHAPE_CASES],
              "metrics_cases": record_metrics(tf_keras)}
    import keras as keras3  # Keras 3, for the documented difference only
    keras3.utils.set_random_seed(0)
    record["keras3_version"] = keras3.__version__
    record["keras3_metrics_cases"] = record_metrics(keras3)
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
