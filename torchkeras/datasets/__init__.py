"""``keras.datasets``: Keras's loaders reading Keras's own cache (``~/.keras/datasets``, same
file names and formats; downloaded once when online), plus ``digits`` bundled for offline use."""
from torchkeras.datasets import (boston_housing, cifar10, cifar100, digits, fashion_mnist, imdb,
                                 mnist, reuters)

__all__ = ["boston_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb", "mnist",
           "reuters"]
