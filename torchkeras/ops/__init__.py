"""``keras.ops``: Keras 3's backend-agnostic operations, as thin wrappers over torch.

Grouped as Keras groups them: :mod:`~torchkeras.ops.numpy` (NumPy-style), ``nn``, ``math``,
``linalg``, ``core``. Every op takes torch tensors, NumPy arrays or Python numbers and follows
Keras 3's dtype rules (:func:`torchkeras.backend.dtypes.result_type`).

Example:
    >>> from torchkeras import ops
    >>> ops.mean(ops.square(ops.arange(4)))
    tensor(3.5000)
"""
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.ops import core, linalg, math, nn, numpy
from torchkeras.ops.core import *  # noqa: F401,F403
from torchkeras.ops.numpy import *  # noqa: F401,F403
from torchkeras.ops.nn import *  # noqa: F401,F403
from torchkeras.ops.math import *  # noqa: F401,F403
from torchkeras.ops.linalg import *  # noqa: F401,F403

__all__ = sorted(set(core.__all__) | set(numpy.__all__) | set(nn.__all__) | set(math.__all__)
                 | set(linalg.__all__) | {"core", "linalg", "math", "nn", "numpy"})

__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
