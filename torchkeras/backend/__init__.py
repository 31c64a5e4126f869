"""Backend settings and helpers (``keras.backend``)."""
from torchkeras.backend.config import (epsilon, floatx, image_data_format, set_epsilon,
                                       set_floatx, set_image_data_format, standardize_dtype,
                                       torch_dtype)
from torchkeras.backend.dtypes import is_float_dtype, is_int_dtype, result_type
from torchkeras.backend.device import get_device, set_device
from torchkeras.backend.naming import get_uid, reset_uids, to_snake_case, unique_object_name
from torchkeras.backend.random import set_random_seed
from torchkeras.backend.keras2_functions import *  # noqa: F401,F403  (Keras 2 `K.*`)
from torchkeras.backend.keras2_functions import Variable, to_tensor  # noqa: F401


def backend() -> str:
    """The name of the backend: always ``'torch'``."""
    return "torch"


def clear_session() -> None:
    """Reset layer name counters (``dense``, ``dense_1``, ... start again)."""
    reset_uids()
