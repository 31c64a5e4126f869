"""A subclassed model saved by Keras 3.15 as ``.keras`` (``subclass_k3.keras``, written by
``generate_subclass_k3.py``): torchkeras defines the same registered class, loads the archive
(config -> ``from_config``, build on the recorded input shape, weights by Keras 3's attribute
paths, Adam state) and predicts the same; its own ``.keras`` round trip keeps them.
"""
from __future__ import annotations

import numpy as np

import torchkeras as keras
from compat_case import FIXTURES, assert_close, load_case

ARRAYS, META = load_case("subclass_k3")


@keras.saving.register_keras_serializable(package="compat")
class Tower(keras.Model):
    def __init__(self, units=(8, 3), **kwargs):
        super().__init__(**kwargs)
        self.units = list(units)
        self.blocks = [keras.layers.Dense(u, activation="tanh") for u in self.units]
        self.norm = keras.layers.LayerNormalization()

    def call(self, inputs):
        x = inputs
        for block in self.blocks:
            x = block(x)
        return self.norm(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_load_keras3_subclassed_model(tmp_path):
    model = keras.models.load_model(FIXTURES / "subclass_k3.keras")
    assert type(model) is Tower and model.units == [8, 3]
    assert [list(w.shape) for w in model.get_weights()] == META["weight_shapes"]
    assert_close(model.predict(ARRAYS["x"], verbose=0), ARRAYS["pred"], "predict", atol=1e-5)
    assert int(model.optimizer.iterations) == META["iterations"]
    path = tmp_path / "again.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert_close(again.predict(ARRAYS["x"], verbose=0), ARRAYS["pred"], "round trip",
                 atol=1e-5)
