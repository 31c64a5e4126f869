"""torchkeras: the Keras API on PyTorch.

``import torchkeras as keras`` and write Keras code::

    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10)
"""
from torchkeras import (activations, backend, callbacks, constraints, datasets, initializers,
                        layers, losses, metrics, models, optimizers, preprocessing, regularizers,
                        saving, utils)
from torchkeras.engine.input_layer import Input, InputLayer
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers.base import Layer
from torchkeras import mixed_precision
from torchkeras import config
from torchkeras import ops, random

# Keras 2 semantics, so `keras.__version__` is the tf.keras it follows: version checks in
# tutorials (`keras.__version__.startswith("2")`) take their Keras 2 branch. torchkeras's own
# release is `__torchkeras_version__` (`python -m torchkeras --version`).
__version__ = "2.15.0"
__torchkeras_version__ = "0.1.0"

__all__ = ["Input", "InputLayer", "Layer", "Model", "Sequential", "activations", "backend",
           "callbacks", "config", "constraints", "datasets", "initializers", "layers", "losses", "metrics", "models",
           "mixed_precision", "ops", "optimizers", "random", "preprocessing", "regularizers", "saving", "utils"]


def __getattr__(name: str):
    """``torchkeras.compat`` on first use: ``import torchkeras`` stays cheap, and the README's
    ``import torchkeras; torchkeras.compat.install()`` works."""
    if name == "compat":
        import importlib
        return importlib.import_module("torchkeras.compat")
    raise AttributeError(f"module 'torchkeras' has no attribute '{name}'")
