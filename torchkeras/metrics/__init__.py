"""Built-in metrics (``keras.metrics``) with Keras 2 (tf-keras) numbers.

Metric objects accumulate on the device (no host sync in ``update_state``); ``result()``
returns a device tensor. :func:`resolve_metric` is what ``compile(metrics=[...])`` uses.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Dict, Optional, Union

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.losses import (binary_crossentropy, binary_focal_crossentropy,
                               categorical_crossentropy, categorical_focal_crossentropy,
                               categorical_hinge, hinge, huber, kl_divergence,
                               kullback_leibler_divergence, mean_absolute_error,
                               mean_absolute_percentage_error, mean_squared_error,
                               mean_squared_logarithmic_error, poisson,
                               sparse_categorical_crossentropy, squared_hinge)
from torchkeras.metrics.accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                         SparseCategoricalAccuracy,
                                         SparseTopKCategoricalAccuracy,
                                         TopKCategoricalAccuracy, accuracy, binary_accuracy,
                                         categorical_accuracy, sparse_categorical_accuracy,
                                         sparse_top_k_categorical_accuracy,
                                         top_k_categorical_accuracy)
from torchkeras.metrics.base import Metric, MetricVariable, clone_metric
from torchkeras.metrics.confusion_metrics import (AUC, FalseNegatives, FalsePositives,
                                                  Precision, PrecisionAtRecall, Recall,
                                                  RecallAtPrecision, SensitivityAtSpecificity,
                                                  SpecificityAtSensitivity, TrueNegatives,
                                                  TruePositives)
from torchkeras.metrics.f_score_metrics import F1Score, FBetaScore
from torchkeras.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from torchkeras.metrics.r2_score import R2Score
from torchkeras.metrics.probabilistic import (BinaryCrossentropy, CategoricalCrossentropy,
                                              CategoricalHinge, Hinge, KLDivergence, Poisson,
                                              SparseCategoricalCrossentropy, SquaredHinge)
from torchkeras.metrics import reduction as _reduction
from torchkeras.metrics.reduction import (Mean, MeanMetricWrapper, Reduce, Sum,
                                          SumOverBatchSize, SumOverBatchSizeMetricWrapper)
from torchkeras.metrics.regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                                           MeanAbsolutePercentageError, MeanRelativeError,
                                           MeanSquaredError, MeanSquaredLogarithmicError,
                                           RootMeanSquaredError, cosine_similarity, logcosh)
from torchkeras.saving import function_lookup
from torchkeras.saving.serialization import deserialize_keras_object, serialize_keras_object

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

_CLASSES = (Metric, Reduce, Sum, Mean, SumOverBatchSize, MeanMetricWrapper,
            SumOverBatchSizeMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
            SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
            BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
            KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge, CosineSimilarity,
            LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanRelativeError,
            MeanSquaredError, MeanSquaredLogarithmicError, RootMeanSquaredError,
            TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall,
            AUC, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
            SpecificityAtSensitivity, IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU,
            FBetaScore, F1Score, R2Score)

_FUNCTIONS: Dict[str, Callable] = {
    "accuracy": accuracy, "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "poisson": poisson, "kullback_leibler_divergence": kullback_leibler_divergence,
    "cosine_similarity": cosine_similarity, "logcosh": logcosh,
    "mean_absolute_error": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mean_squared_error": mean_squared_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
    # Keras 2 aliases
    "acc": acc, "ACC": ACC, "bce": bce, "BCE": BCE, "mse": mse, "MSE": MSE, "mae": mae,
    "MAE": MAE, "mape": mape, "MAPE": MAPE, "msle": msle, "MSLE": MSLE,
    "log_cosh": log_cosh, "cosine_proximity": cosine_proximity,
    # loss functions tf-keras's metrics.get() returns unresolved (and then fails on)
    "kld": kld, "KLD": KLD, "kl_divergence": kl_divergence, "huber": huber,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
}


def _module_objects() -> Dict[str, Any]:
    objects: Dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
    objects.update(_FUNCTIONS)
    return objects


def serialize(metric: Any) -> Any:
    """``{'class_name': ..., 'config': ...}`` for a Metric; a metric function's name."""
    if metric is None:
        return None
    if not isinstance(metric, Metric) and not callable(metric):
        warnings.warn("The `keras.metrics.serialize()` API should only be used for objects of "
                      "type `keras.metrics.Metric`. Found an instance of type "
                      f"{type(metric)}, which may lead to improper serialization.")
    return serialize_keras_object(metric)


def deserialize(config: Union[str, Dict[str, Any]],
                custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """The metric function or Metric instance named by ``config``."""
    return deserialize_keras_object(config, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name="metric function")


def get(identifier: Any) -> Any:
    """Keras 2 ``metrics.get``: a function for a function name, an instance for a class name.

    >>> get('mse') is mean_squared_error
    True
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


_reduction._metric_lookup = get  # MeanMetricWrapper.from_config resolves `fn` with it
function_lookup.register_builtin_functions("metrics", _module_objects)  # Lambda configs

# After `get`: compile's resolution looks names up through this package.
from torchkeras.metrics.resolve import resolve_metric  # noqa: E402

__all__ = [name for name in _module_objects()] + [
    "MetricVariable", "clone_metric", "get", "serialize", "deserialize", "resolve_metric"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
