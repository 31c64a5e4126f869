"""``keras.datasets``: Keras's loaders reading Keras's own cache (``~/.keras/datasets``, same
file names and formats; downloaded once when online), plus ``digits`` bundled for offline use."""
import importlib
from typing import Any, List

from torchkeras.backend._not_provided import not_provided_hook

__all__ = ["boston_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb", "mnist",
           "reuters"]

_missing_keras_name = not_provided_hook(__name__)  # Keras names not provided yet: a clear error


def __getattr__(name: str) -> Any:
    """A loader module on first use (``import torchkeras`` does not load them, issue 21);
    other Keras names not provided yet: a clear error."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")  # the package's own module
    return _missing_keras_name(name)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
