"""``keras.utils``."""
from __future__ import annotations

from typing import Any

import numpy as np

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend.random import set_random_seed
from torchkeras.registry.object_registration import (custom_object_scope, get_custom_objects,
                                                   get_registered_name, get_registered_object,
                                                   register_keras_serializable)
from torchkeras.backend.np_utils import normalize, to_categorical
from torchkeras.data.sequence import Sequence, PyDataset


# Drop-in additions (Keras 2 paths: keras.utils.np_utils, vis_utils, data_utils, ...).
from torchkeras.backend import nest, np_utils  # noqa: E402  (moved: README "Layout")
from torchkeras.data import data_utils, sequence  # noqa: E402  (moved: README "Layout")
from torchkeras.utils import dataset_utils, vis_utils  # noqa: E402
from torchkeras.data.data_utils import get_file, validate_file  # noqa: E402
from torchkeras.utils.dataset_utils import (audio_dataset_from_directory,  # noqa: E402
                                            image_dataset_from_directory, split_dataset,
                                            text_dataset_from_directory,
                                            timeseries_dataset_from_array)
from torchkeras.preprocessing.image import (array_to_img, img_to_array,  # noqa: E402
                                            load_img, save_img)
from torchkeras.utils.history_plot import plot_history  # noqa: E402
from torchkeras.utils.data_packing import (pack_x_y_sample_weight,  # noqa: E402
                                           unpack_x_y_sample_weight)
from torchkeras.utils.graph_utils import get_source_inputs, is_keras_tensor  # noqa: E402
from torchkeras.registry.serialization import (deserialize_keras_object,  # noqa: E402
                                             serialize_keras_object)
from torchkeras.preprocessing.sequence import pad_sequences as _pad  # noqa: E402
from torchkeras.utils.vis_utils import model_to_dot, plot_model  # noqa: E402
from torchkeras.utils.progbar import Progbar  # noqa: E402
from torchkeras.utils.feature_space import FeatureSpace  # noqa: E402


def pad_sequences(*args: Any, **kwargs: Any) -> np.ndarray:
    """``keras.utils.pad_sequences`` (see :func:`torchkeras.preprocessing.sequence.pad_sequences`)."""
    return _pad(*args, **kwargs)


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
