"""``keras.datasets``: Keras's loaders reading Keras's own cache (``~/.keras/datasets``, same
file names and formats; downloaded once when online), plus ``digits`` bundled for offline use."""
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.datasets import (boston_housing, cifar10, cifar100, digits, fashion_mnist, imdb,
                                 mnist, reuters)

__all__ = ["boston_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb", "mnist",
           "reuters"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
