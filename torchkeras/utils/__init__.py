"""``keras.utils``."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend.random import set_random_seed
from torchkeras.saving.object_registration import (custom_object_scope, get_custom_objects,
                                                   get_registered_name, get_registered_object,
                                                   register_keras_serializable)
from torchkeras.utils.sequence import Sequence, PyDataset


def to_categorical(y: Any, num_classes: Optional[int] = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode integer labels: ``to_categorical([0, 2], 3)``."""
    y = np.array(y, dtype="int")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return categorical.reshape(input_shape + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Normalise ``x`` to unit ``order``-norm along ``axis``."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


# Drop-in additions (Keras 2 paths: keras.utils.np_utils, vis_utils, data_utils, ...).
from torchkeras.utils import data_utils, dataset_utils, np_utils, vis_utils  # noqa: E402
from torchkeras.utils.data_utils import get_file, validate_file  # noqa: E402
from torchkeras.utils.dataset_utils import (image_dataset_from_directory,  # noqa: E402
                                            text_dataset_from_directory,
                                            timeseries_dataset_from_array)
from torchkeras.utils.history_plot import plot_history  # noqa: E402
from torchkeras.utils.vis_utils import model_to_dot, plot_model  # noqa: E402


def pad_sequences(*args: Any, **kwargs: Any) -> np.ndarray:
    """``keras.utils.pad_sequences`` (see :func:`torchkeras.preprocessing.sequence.pad_sequences`)."""
    from torchkeras.preprocessing.sequence import pad_sequences as _pad
    return _pad(*args, **kwargs)


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
