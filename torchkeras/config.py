"""``keras.config`` (Keras 3): global settings."""
from torchkeras.backend.config import (epsilon, floatx, image_data_format, set_epsilon,
                                       set_floatx, set_image_data_format)
from torchkeras.backend.logging_config import (disable_interactive_logging,
                                               disable_traceback_filtering,
                                               enable_interactive_logging,
                                               enable_traceback_filtering,
                                               is_interactive_logging_enabled,
                                               is_traceback_filtering_enabled)
from torchkeras.backend.dtype_policy import Policy, global_policy, set_global_policy
from torchkeras.registry.serialization import enable_unsafe_deserialization


def backend() -> str:
    """The backend's name: ``'torch'``."""
    return "torch"


def set_backend(backend: str) -> None:
    """Keras 3's backend switch: torchkeras runs on torch only (``'torch'`` is accepted)."""
    if backend != "torch":
        raise ValueError(f"torchkeras runs Keras on PyTorch only; set_backend accepts 'torch'. "
                         f"Received: backend={backend!r}")


def dtype_policy() -> Policy:
    """The global dtype policy (``keras.mixed_precision.global_policy()``)."""
    return global_policy()


def set_dtype_policy(policy: object) -> None:
    """Set the global dtype policy: a name (``'mixed_float16'``) or a policy."""
    set_global_policy(policy)


def is_nnx_enabled() -> bool:
    """Flax NNX integration (JAX backend only): always ``False`` here."""
    return False


__all__ = ["backend", "disable_interactive_logging", "disable_traceback_filtering",
           "dtype_policy", "enable_interactive_logging", "enable_traceback_filtering",
           "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format",
           "is_interactive_logging_enabled", "is_nnx_enabled", "is_traceback_filtering_enabled",
           "set_backend", "set_dtype_policy", "set_epsilon", "set_floatx",
           "set_image_data_format"]
