"""``keras.config`` (Keras 3): global settings."""
from torchkeras.backend.config import (epsilon, floatx, image_data_format, set_epsilon,
                                       set_floatx, set_image_data_format)
from torchkeras.registry.serialization import enable_unsafe_deserialization

__all__ = ["enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format",
           "set_epsilon", "set_floatx", "set_image_data_format"]
