"""torchkeras: the Keras API on PyTorch.

``import torchkeras as keras`` and write Keras code::

    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10)
"""
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras import (activations, backend, callbacks, constraints, datasets, initializers,
                        layers, losses, metrics, models, optimizers, preprocessing, regularizers,
                        saving, utils)
from torchkeras.engine.input_layer import Input, InputLayer
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers.base import Layer
from torchkeras import mixed_precision
from torchkeras import config

__version__ = "0.1.0"

__all__ = ["Input", "InputLayer", "Layer", "Model", "Sequential", "activations", "backend",
           "callbacks", "config", "constraints", "datasets", "initializers", "layers", "losses", "metrics", "models",
           "mixed_precision", "optimizers", "preprocessing", "regularizers", "saving", "utils"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
