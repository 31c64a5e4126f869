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
from torchkeras.layers.input_layer import Input, InputLayer
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers.base import Layer
from torchkeras import mixed_precision
from torchkeras.compat import keras2_functions as _keras2_functions
from torchkeras.engine import extensions as _extensions
from torchkeras.saving import saving_api as _saving_api
from torchkeras.utils import summary as _summary  # noqa: F401  (registers Model.summary's table)

# The public faces that packages of several layers make together (README "Layout"):
# `keras.saving`: the registry plus the file functions, which sit above engine
# (saving/__init__.py imports only the registry); Model.save, load_weights, ... forward to
# the same functions.
for _name in saving._FILE_FUNCTIONS:
    setattr(saving, _name, getattr(_saving_api, _name))
    _extensions.provide(_name, getattr(_saving_api, _name))
# `keras.backend`: the settings plus Keras 2's `K.*` functions, which sit in compat, above
# the losses and activations they call (torchkeras code never uses them).
for _name in _keras2_functions.__all__ + ["to_tensor"]:
    setattr(backend, _name, getattr(_keras2_functions, _name))
del _name

__version__ = "0.1.0"

__all__ = ["Input", "InputLayer", "Layer", "Model", "Sequential", "activations", "backend",
           "callbacks", "constraints", "datasets", "initializers", "layers", "losses", "metrics", "models",
           "mixed_precision", "optimizers", "preprocessing", "regularizers", "saving", "utils"]
