"""Serialization of Keras objects (config dicts) and model files.

``save_model``/``load_model`` read and write Keras 2 ``.h5`` and Keras 3 ``.keras`` files;
``save_weights``/``load_weights`` the ``.h5`` and ``.weights.h5`` weights layouts.
"""
from torchkeras.engine import extensions as _extensions
from torchkeras.saving.h5_utils import CorruptFileError
from torchkeras.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                                   get_custom_objects, get_registered_name,
                                                   get_registered_object,
                                                   register_keras_serializable)
from torchkeras.saving.saving_api import (load_model, load_weights, model_to_json, save_model,
                                          save_weights)
from torchkeras.saving.serialization import (SafeModeScope, deserialize_keras_object,
                                             serialize_keras_object)

# Model.save, save_weights, load_weights and to_json forward to these (engine sits below).
for _function in (save_model, save_weights, load_weights, model_to_json):
    _extensions.provide(_function.__name__, _function)
del _function

__all__ = ["CorruptFileError", "CustomObjectScope", "SafeModeScope", "custom_object_scope",
           "deserialize_keras_object", "get_custom_objects", "get_registered_name",
           "get_registered_object", "load_model", "load_weights", "model_to_json",
           "register_keras_serializable", "save_model", "save_weights",
           "serialize_keras_object"]
