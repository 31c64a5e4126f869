"""A functional model whose outputs are a dict in non-sorted key order: the key order of
``model(x)``, ``predict``, ``predict_on_batch``, ``output_names``, the History keys, the
``evaluate``/``train_on_batch`` ``return_dict`` keys, ``metrics_names``, ``get_config()``'s
``output_layers`` and of the model rebuilt by ``from_config``. The same code runs on real
Keras (generate_dict_outputs.py) and on torchkeras (test_dict_outputs.py)."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

KEYS = ("zeta", "alpha", "mid")  # the user's order: not sorted
UNITS = {"zeta": 2, "alpha": 1, "mid": 3}


def key_orders(keras: Any, with_training: bool = True) -> Dict[str, Any]:
    inputs = keras.Input((3,), name="x")
    outputs = {k: keras.layers.Dense(UNITS[k], name=k)(inputs) for k in KEYS}
    model = keras.Model(inputs, outputs)
    x = np.random.RandomState(0).rand(8, 3).astype("float32")
    y = {k: np.full((8, UNITS[k]), float(i), "float32") for i, k in enumerate(KEYS)}
    rebuilt = keras.Model.from_config(model.get_config())
    orders = {"output_names": list(model.output_names),
              "call": list(model(x).keys()),
              "predict": list(model.predict(x, verbose=0).keys()),
              "predict_on_batch": list(model.predict_on_batch(x).keys()),
              "config_output_layers": list(model.get_config()["output_layers"]),
              "from_config_call": list(rebuilt(x).keys()),
              "from_config_output_names": list(rebuilt.output_names)}
    if with_training:
        model.compile("sgd", loss={"zeta": "mse", "alpha": "mae", "mid": "mse"},
                      metrics={"zeta": "mae", "alpha": ["mse"], "mid": "mae"})
        orders["history"] = list(model.fit(x, y, epochs=1, verbose=0).history)
        orders["evaluate"] = list(model.evaluate(x, y, return_dict=True, verbose=0))
        orders["metrics_names"] = list(model.metrics_names)
        orders["train_on_batch"] = list(model.train_on_batch(x, y, return_dict=True))
    return orders


def renamed_orders(keras: Any) -> Dict[str, Any]:
    """Dict keys other than the output layers' names: ``output_names`` and the loss/metric
    names take the layers' names (in sorted key order); losses, metrics and targets are
    still given by key."""
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, {"zz": keras.layers.Dense(2, name="d1")(inputs),
                                 "aa": keras.layers.Dense(1, name="d2")(inputs)})
    x = np.random.RandomState(0).rand(8, 3).astype("float32")
    y = {"zz": np.zeros((8, 2), "float32"), "aa": np.ones((8, 1), "float32")}
    model.compile("sgd", loss={"zz": "mse", "aa": "mae"}, metrics={"zz": "mae"})
    return {"output_names": list(model.output_names),
            "predict": list(model.predict(x, verbose=0)),
            "history": list(model.fit(x, y, epochs=1, verbose=0).history),
            "evaluate": list(model.evaluate(x, y, return_dict=True, verbose=0))}
