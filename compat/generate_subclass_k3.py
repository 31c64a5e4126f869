"""Record a subclassed Keras 3 model saved as ``.keras`` into
``compat/fixtures/subclass_k3.keras`` (+ ``subclass_k3.npz``: input and predictions).

Runs ONLY in the reference venv (Keras 3.15 on its TensorFlow backend)::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_subclass_k3.py

The model (``compat>Tower``, registered with ``register_keras_serializable``) holds its
``Dense`` layers in a list attribute and a ``LayerNormalization`` in a plain attribute, has
``get_config``, is built by a call on a (4, 5) input, compiled with Adam and fitted 2 steps
(so the archive also holds optimizer state). ``test_subclass_k3.py`` defines the same class
with torchkeras, loads the archive and compares predictions.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.pop("TF_USE_LEGACY_KERAS", None)

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)


def main() -> None:
    import keras

    keras.utils.set_random_seed(11)

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

    rng = np.random.RandomState(4)
    x = rng.normal(size=(4, 5)).astype("float32")
    y = rng.normal(size=(4, 3)).astype("float32")
    model = Tower()
    model(x)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    path = os.path.join(HERE, "fixtures", "subclass_k3.keras")
    model.save(path)
    meta = {"keras_version": keras.__version__,
            "weight_shapes": [list(w.shape) for w in model.get_weights()],
            "iterations": int(model.optimizer.iterations.numpy())}
    save_npz(os.path.join(HERE, "fixtures", "subclass_k3.npz"),
             {"x": x, "pred": np.asarray(model.predict(x, verbose=0)),
              "meta": np.asarray(json.dumps(meta, sort_keys=True))})
    print("wrote subclass_k3.keras / .npz")


if __name__ == "__main__":
    main()
