"""Serialization of Keras objects (config dicts) and model files."""
from torchkeras.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                                   get_custom_objects, get_registered_name,
                                                   get_registered_object,
                                                   register_keras_serializable)
from torchkeras.saving.serialization import (deserialize_keras_object, serialize_keras_object)
