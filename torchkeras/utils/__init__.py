"""``keras.utils``."""
from __future__ import annotations

from typing import Any

import numpy as np

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend.random import set_random_seed
from torchkeras.saving.object_registration import (custom_object_scope, get_custom_objects,
                                                   get_registered_name, get_registered_object,
                                                   register_keras_serializable)
from torchkeras.utils.np_utils import normalize, to_categorical
from torchkeras.utils.sequence import Sequence, PyDataset


# Drop-in additions (Keras 2 paths: keras.utils.np_utils, vis_utils, data_utils, ...).
from torchkeras.utils import data_utils, dataset_utils, np_utils, vis_utils  # noqa: E402
from torchkeras.utils.data_utils import get_file, validate_file  # noqa: E402
from torchkeras.utils.dataset_utils import (image_dataset_from_directory,  # noqa: E402
                                            text_dataset_from_directory,
                                            timeseries_dataset_from_array)
from torchkeras.utils.history_plot import plot_history  # noqa: E402
from torchkeras.utils.data_packing import (pack_x_y_sample_weight,  # noqa: E402
                                           unpack_x_y_sample_weight)
from torchkeras.utils.graph_utils import get_source_inputs, is_keras_tensor  # noqa: E402
from torchkeras.saving.serialization import (deserialize_keras_object,  # noqa: E402
                                             serialize_keras_object)
from torchkeras.preprocessing.sequence import pad_sequences as _pad  # noqa: E402
from torchkeras.utils.vis_utils import model_to_dot, plot_model  # noqa: E402


def pad_sequences(*args: Any, **kwargs: Any) -> np.ndarray:
    """``keras.utils.pad_sequences`` (see :func:`torchkeras.preprocessing.sequence.pad_sequences`)."""
    return _pad(*args, **kwargs)


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
