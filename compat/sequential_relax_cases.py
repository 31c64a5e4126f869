"""The ``model.metrics`` / ``metrics_names`` stages shared by generate_sequential_relax.py
(real tf_keras, and Keras 3 for the documented difference) and test_sequential_relax.py
(torchkeras): the same calls on whichever ``keras`` module is given."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np


def listing(model: Any) -> Dict[str, Any]:
    """``metrics_names`` and ``[(class, name)]`` of ``model.metrics``."""
    return {"names": list(model.metrics_names),
            "metrics": [[type(m).__name__, m.name] for m in model.metrics]}


def metric_stages(keras: Any, x: np.ndarray, y: np.ndarray) -> Dict[str, Dict[str, Any]]:
    """``{case: {stage: listing}}``; a Keras that rejects a multi-output form (Keras 3) gets
    an ``error`` entry instead of those cases."""
    layers = keras.layers
    stages: Dict[str, Dict[str, Any]] = {}

    single = keras.Sequential([layers.Dense(1)])
    run = stages.setdefault("single", {})
    run["uncompiled"] = listing(single)
    single.compile(loss="mse", optimizer="adam",
                   metrics=[keras.metrics.MeanAbsoluteError(), "mse"])
    run["compiled"] = listing(single)
    single.fit(x, y, verbose=0)
    run["fit"] = listing(single)
    single.evaluate(x, y, verbose=0)
    run["evaluate"] = listing(single)
    single.compile(loss="mse", optimizer="adam", metrics=["mae"])
    run["recompiled"] = listing(single)

    other = keras.Sequential([layers.Dense(1)])
    run = stages.setdefault("steps", {})
    other.compile(loss="mse", optimizer="adam", metrics=["mae"])
    other.predict(x, verbose=0)
    run["predict"] = listing(other)
    other.test_on_batch(x, y)
    run["test_on_batch"] = listing(other)
    bare = keras.Sequential([layers.Dense(1)])
    bare.compile(loss="mse", optimizer="adam")
    bare.evaluate(x, y, verbose=0)
    run["evaluate_no_metrics"] = listing(bare)

    try:
        _multi_output_stages(keras, stages, x, y)
    except Exception as exc:  # noqa: BLE001 (Keras 3 may reject a form Keras 2 takes)
        stages["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return stages


def _multi_output_stages(keras: Any, stages: Dict[str, Dict[str, Any]], x: np.ndarray,
                         y: np.ndarray) -> None:
    layers = keras.layers
    inputs = keras.Input((4,))
    first = layers.Dense(1, name="a")(inputs)
    second = layers.Dense(1, name="b")(inputs)
    multi = keras.Model(inputs, [first, second])
    run = stages.setdefault("multi_output", {})
    multi.compile(loss="mse", optimizer="adam", metrics=[["mae"], ["mse", "mae"]])
    run["compiled"] = listing(multi)
    multi.fit(x, [y, y], verbose=0)
    run["fit"] = listing(multi)
    multi.evaluate(x, [y, y], verbose=0)
    run["evaluate"] = listing(multi)

    named = keras.Model(inputs, {"a": first, "b": second})
    run = stages.setdefault("dict_output", {})
    named.compile(loss={"a": "mse", "b": "mae"}, optimizer="adam",
                  loss_weights={"a": 1.0, "b": 0.5},
                  metrics={"a": ["mae"], "b": [keras.metrics.RootMeanSquaredError()]})
    run["compiled"] = listing(named)
    named.fit(x, {"a": y, "b": y}, verbose=0)
    run["fit"] = listing(named)
