"""``keras.ops``: Keras 3's backend-agnostic operations, as thin wrappers over torch.

Grouped as Keras groups them: :mod:`~torchkeras.ops.numpy` (NumPy-style), ``nn``, ``math``,
``linalg``, ``core``. Every op takes torch tensors, NumPy arrays or Python numbers and follows
Keras 3's dtype rules (:func:`torchkeras.backend.dtypes.result_type`).

Example:
    >>> from torchkeras import ops
    >>> ops.mean(ops.square(ops.arange(4)))
    tensor(3.5000)
"""
import types as _types

from torchkeras.backend import symbolic as _symbolic
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.ops import (core, core_extra, image, linalg, math, math_extra, nn, nn_extra,
                            numpy, numpy_extra)
from torchkeras.ops.core import *  # noqa: F401,F403
from torchkeras.ops.numpy import *  # noqa: F401,F403
from torchkeras.ops.nn import *  # noqa: F401,F403
from torchkeras.ops.math import *  # noqa: F401,F403
from torchkeras.ops.linalg import *  # noqa: F401,F403
from torchkeras.ops.core_extra import *  # noqa: F401,F403
from torchkeras.ops.numpy_extra import *  # noqa: F401,F403
from torchkeras.ops.nn_extra import *  # noqa: F401,F403
from torchkeras.ops.math_extra import *  # noqa: F401,F403

_MODULES = (core, core_extra, numpy, numpy_extra, nn, nn_extra, math, math_extra, linalg)
__all__ = sorted({name for module in _MODULES for name in module.__all__}
                 | {"core", "image", "linalg", "math", "nn", "numpy"})

# Called on symbolic Keras tensors, an op records itself as a node of the functional graph
# (Keras 3's operation nodes; torchkeras.layers.op_layer); eager calls pass straight through.
# The submodules (`ops.nn.relu is ops.relu`, as in Keras 3) hold the same wrapper.
for _name in __all__:
    _raw = globals().get(_name)
    if isinstance(_raw, _types.FunctionType):
        globals()[_name] = _symbolic.dispatching(_raw, "ops." + _name)
        for _module in _MODULES + (image,):
            if getattr(_module, _name, None) is _raw:
                setattr(_module, _name, globals()[_name])
del _name, _raw, _module

__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
