"""Loss functions that ``keras.metrics`` also resolves, and the Keras 2 short names
(``'acc'``, ``'mse'``, ``'log_cosh'``, ...) of metric functions."""
from __future__ import annotations

from torchkeras.losses import (binary_crossentropy, binary_focal_crossentropy,
                               categorical_crossentropy, categorical_focal_crossentropy,
                               categorical_hinge, hinge, huber, kl_divergence,
                               kullback_leibler_divergence, mean_absolute_error,
                               mean_absolute_percentage_error, mean_squared_error,
                               mean_squared_logarithmic_error, poisson,
                               sparse_categorical_crossentropy, squared_hinge)
from torchkeras.metrics.accuracy_metrics import accuracy
from torchkeras.metrics.regression import cosine_similarity, logcosh

# Keras 2 aliases
acc = ACC = accuracy
bce = BCE = binary_crossentropy
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
log_cosh = logcosh
cosine_proximity = cosine_similarity
kld = KLD = kl_divergence

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "poisson", "kullback_leibler_divergence", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "hinge", "squared_hinge", "categorical_hinge",
    "acc", "ACC", "bce", "BCE", "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE",
    "log_cosh", "cosine_proximity",
    # loss functions tf-keras's metrics.get() returns unresolved (and then fails on)
    "kld", "KLD", "kl_divergence", "huber", "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
]
