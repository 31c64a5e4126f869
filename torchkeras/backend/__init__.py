"""Backend settings and helpers (``keras.backend``).

The Keras 2 ``K.*`` functions live in :mod:`torchkeras.compat.keras2_functions`, above
everything they call; ``import torchkeras`` adds them to this namespace, so users see
``keras.backend`` whole while torchkeras code imports only the settings below.
"""
from torchkeras.backend.config import (epsilon, floatx, image_data_format, set_epsilon,
                                       set_floatx, set_image_data_format, standardize_dtype,
                                       torch_dtype)
from torchkeras.backend.device import get_device, set_device
from torchkeras.backend.naming import get_uid, reset_uids, to_snake_case, unique_object_name
from torchkeras.backend.random import set_random_seed


def backend() -> str:
    """The name of the backend: always ``'torch'``."""
    return "torch"


def clear_session() -> None:
    """Reset layer name counters (``dense``, ``dense_1``, ... start again)."""
    reset_uids()
