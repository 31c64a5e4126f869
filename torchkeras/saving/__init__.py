"""Serialization of Keras objects (config dicts) and model files.

``save_model``/``load_model`` read and write Keras 2 ``.h5`` and Keras 3 ``.keras`` files;
``save_weights``/``load_weights`` the ``.h5`` and ``.weights.h5`` weights layouts.

The file formats and model configs (``saving_api``, ``hdf5_format``, ``keras_zip``,
``functional_config``, ...) sit above engine. The object registry they and ``keras.saving``
use (``register_keras_serializable``, ``serialize_keras_object``, ...) lives low, in
:mod:`torchkeras.registry`, and is re-exported here; ``import torchkeras`` adds the file
functions (``load_model``, ...) from :mod:`torchkeras.saving.saving_api`.
"""
from torchkeras.registry.h5_utils import CorruptFileError
from torchkeras.registry.object_registration import (CustomObjectScope, custom_object_scope,
                                                   get_custom_objects, get_registered_name,
                                                   get_registered_object,
                                                   register_keras_serializable)
from torchkeras.registry.serialization import (SafeModeScope, deserialize_keras_object,
                                             enable_unsafe_deserialization,
                                             serialize_keras_object)

# Added by `import torchkeras` (torchkeras/__init__.py) from saving_api.
_FILE_FUNCTIONS = ("load_model", "load_weights", "model_to_json", "save_model", "save_weights")

__all__ = ["CorruptFileError", "CustomObjectScope", "SafeModeScope", "custom_object_scope",
           "deserialize_keras_object", "enable_unsafe_deserialization", "get_custom_objects", "get_registered_name",
           "get_registered_object", "load_model", "load_weights", "model_to_json",
           "register_keras_serializable", "save_model", "save_weights",
           "serialize_keras_object"]
