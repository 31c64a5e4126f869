"""torchkeras: the Keras API on PyTorch.

``import torchkeras as keras`` and write Keras code::

    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10)
"""
import gc as _gc
import importlib

from torchkeras.backend._not_provided import not_provided_hook

# No cyclic-GC pass while torchkeras's ~25,000 module objects are created: after
# `import torch` a full one comes due here and walks all of torch's ~170,000 objects (~90 ms,
# two thirds of this import; issue 21, time to first step). Collection resumes right after,
# with the user's setting kept (what an import creates is module state, not garbage); the
# full pass comes later, when the program's own objects make it due.
_gc_was_enabled = _gc.isenabled()
_gc.disable()
try:
    from torchkeras import (activations, backend, callbacks, constraints, datasets,
                            initializers, layers, losses, metrics, models, optimizers,
                            preprocessing, regularizers, saving, utils)
finally:
    if _gc_was_enabled:
        _gc.enable()
    del _gc_was_enabled
from torchkeras.layers.input_layer import Input, InputLayer
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers.base import Layer
from torchkeras.layers import op_layer as _op_layer
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras import mixed_precision
from torchkeras import config
from torchkeras import applications
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
del _name


def _keras2_functions():
    """Keras 2's ``K.*`` functions: they sit in compat, above the losses and activations they
    call, and load on first use (``import torchkeras`` does not import compat)."""
    from torchkeras.compat import keras2_functions  # late: compat loads on first use
    return keras2_functions


# `keras.backend`: the settings plus the `K.*` functions (torchkeras code never uses them).
backend._provide_keras2_functions(_keras2_functions)


def _tf_op_functions() -> None:
    """Register the ``tf.*`` functions a loaded ``TFOpLambda`` layer may name (``'concat'``):
    building the tf namespace registers them; compat loads on first use, as above."""
    from torchkeras.compat import tf_namespace  # late: compat loads on first use
    tf_namespace.build_tensorflow(keras_module=importlib.import_module(__name__))


_op_layer.set_function_loader(_tf_op_functions)
from torchkeras import ops, random
from torchkeras.backend import variable as _variable
from torchkeras.backend.variable import Variable

_variable.set_initializer_getter(initializers.get)  # `keras.Variable("zeros", shape=...)`

# Keras 2 semantics, so `keras.__version__` is the tf.keras it follows: version checks in
# tutorials (`keras.__version__.startswith("2")`) take their Keras 2 branch. torchkeras's own
# release is `__torchkeras_version__` (`python -m torchkeras --version`).
__version__ = "2.15.0"
__torchkeras_version__ = "0.1.0"

__all__ = ["Input", "InputLayer", "Layer", "Model", "Sequential", "Variable", "activations", "backend",
           "callbacks", "config", "constraints", "datasets", "initializers", "layers", "losses", "metrics", "models",
           "mixed_precision", "ops", "optimizers", "random", "preprocessing", "regularizers", "saving", "utils"]


_missing_keras_name = not_provided_hook(__name__)  # Keras names not provided yet: a clear error


def __getattr__(name: str):
    """``torchkeras.compat`` on first use: ``import torchkeras`` stays cheap, and the README's
    ``import torchkeras; torchkeras.compat.install()`` works. Other unknown names: a Keras
    name torchkeras does not provide yet gets an error saying so."""
    if name == "compat":
        return importlib.import_module("torchkeras.compat")
    return _missing_keras_name(name)
