"""Serialization of Keras objects (config dicts) and model files.

``save_model``/``load_model`` read and write Keras 2 ``.h5`` and Keras 3 ``.keras`` files;
``save_weights``/``load_weights`` the ``.h5`` and ``.weights.h5`` weights layouts.

This package holds two layers. The object registry (``object_registration``,
``serialization``) sits low: activations, losses, layers register and (de)serialize through
it. The file formats and model configs (``saving_api``, ``hdf5_format``, ``keras_zip``,
``functional_config``, ...) sit above engine. So that importing the registry does not pull
in the formats, this ``__init__`` imports only the registry; ``import torchkeras`` then
adds the file functions (``load_model``, ...) from :mod:`torchkeras.saving.saving_api`.
"""
from torchkeras.saving.h5_utils import CorruptFileError
from torchkeras.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                                   get_custom_objects, get_registered_name,
                                                   get_registered_object,
                                                   register_keras_serializable)
from torchkeras.saving.serialization import (SafeModeScope, deserialize_keras_object,
                                             enable_unsafe_deserialization,
                                             serialize_keras_object)

# Added by `import torchkeras` (torchkeras/__init__.py) from saving_api.
_FILE_FUNCTIONS = ("load_model", "load_weights", "model_to_json", "save_model", "save_weights")

__all__ = ["CorruptFileError", "CustomObjectScope", "SafeModeScope", "custom_object_scope",
           "deserialize_keras_object", "enable_unsafe_deserialization", "get_custom_objects", "get_registered_name",
           "get_registered_object", "load_model", "load_weights", "model_to_json",
           "register_keras_serializable", "save_model", "save_weights",
           "serialize_keras_object"]
