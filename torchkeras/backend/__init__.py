"""Backend settings and helpers (``keras.backend``).

The Keras 2 ``K.*`` functions live in :mod:`torchkeras.compat.keras2_functions`, above
everything they call; ``import torchkeras`` registers their loader here, and the first use
of one (``K.mean``, ``from keras.backend import mean``) loads them, so users see
``keras.backend`` whole (``dir`` lists them too) while torchkeras code imports only the
settings below and ``import torchkeras`` does not import compat.
"""
from types import ModuleType
from typing import Callable, List, Optional

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend.config import (epsilon, floatx, image_data_format, set_epsilon,
                                       set_floatx, set_image_data_format, standardize_dtype,
                                       torch_dtype)
from torchkeras.backend.dtypes import is_float_dtype, is_int_dtype, result_type
from torchkeras.backend.device import get_device, set_device
from torchkeras.backend.naming import get_uid, reset_uids, to_snake_case, unique_object_name
from torchkeras.backend.random import set_random_seed


def backend() -> str:
    """The name of the backend: always ``'torch'``."""
    return "torch"


def clear_session() -> None:
    """Reset layer name counters (``dense``, ``dense_1``, ... start again)."""
    reset_uids()


# Keras 2's `K.*` names this namespace serves (compat/keras2_functions.py's `__all__` and
# `to_tensor`; tests/backend/test_keras2_functions.py checks they agree).
_KERAS2_FUNCTIONS = frozenset([
    "Variable", "abs", "all", "any", "argmax", "argmin", "batch_flatten", "batch_get_value",
    "batch_set_value", "binary_crossentropy", "cast", "categorical_crossentropy", "clip",
    "concatenate", "constant", "count_params", "cumprod", "cumsum", "dot", "dtype", "elu",
    "equal", "eval", "exp", "expand_dims", "eye", "flatten", "gather", "get_value", "greater",
    "greater_equal", "hard_sigmoid", "int_shape", "is_keras_tensor", "is_tensor",
    "l2_normalize", "learning_phase", "less", "less_equal", "log", "max", "maximum", "mean",
    "min", "minimum", "ndim", "not_equal", "one_hot", "ones", "ones_like",
    "permute_dimensions", "pow", "prod", "random_normal", "random_uniform", "relu", "reshape",
    "round", "set_learning_phase", "set_value", "shape", "sigmoid", "sign", "softmax",
    "softplus", "softsign", "sparse_categorical_crossentropy", "sqrt", "square", "squeeze",
    "stack", "std", "stop_gradient", "sum", "switch", "tanh", "tile", "to_tensor", "transpose",
    "update", "update_add", "update_sub", "var", "variable", "zeros", "zeros_like",
])

_keras2_loader: Optional[Callable[[], ModuleType]] = None


def _provide_keras2_functions(loader: Callable[[], ModuleType]) -> None:
    """Register the loader of the module holding the ``K.*`` functions (``import torchkeras``
    does; it runs on the first use of one)."""
    global _keras2_loader
    _keras2_loader = loader


_missing_keras_name = not_provided_hook(__name__)  # Keras names not provided yet: a clear error


def __getattr__(name: str):
    if name in _KERAS2_FUNCTIONS and _keras2_loader is not None:
        module = _keras2_loader()
        globals().update({n: getattr(module, n) for n in _KERAS2_FUNCTIONS})
        return globals()[name]
    return _missing_keras_name(name)


def __dir__() -> List[str]:
    return sorted(set(globals()) | _KERAS2_FUNCTIONS)
