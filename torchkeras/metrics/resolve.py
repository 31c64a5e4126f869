"""What ``compile(metrics=[...])`` turns each entry into (tf-keras ``compile_utils``)."""
from __future__ import annotations

import re
from typing import Any, Optional, Sequence

from torchkeras import metrics as metrics_mod  # the package: imports this module after `get`
from torchkeras.backend import to_snake_case

from torchkeras.losses import Loss, get_custom_object_name
from torchkeras.metrics import accuracy_metrics as acc_mod
from torchkeras.metrics.base import Metric
from torchkeras.metrics.reduction import MeanMetricWrapper

_SHAPE_RESOLVED = ("accuracy", "acc", "crossentropy", "ce")


def _shape_of(value: Any) -> Sequence[Optional[int]]:
    if hasattr(value, "shape"):
        return tuple(value.shape)
    return tuple(value)


def resolve_metric(identifier: Any, y_true: Any, y_pred: Any,
                   name: Optional[str] = None) -> Optional[Metric]:
    """The :class:`Metric` Keras 2 builds for one ``compile(metrics=...)`` entry.

    ``y_true``/``y_pred`` are the (first batch of) labels and predictions, or their shapes.
    ``'accuracy'``/``'acc'`` (and ``'crossentropy'``/``'ce'``) are chosen by shapes alone:
    a last dim of 1 in ``y_pred`` means binary; labels of lower rank, or with a last dim of 1
    against several classes, mean sparse; otherwise categorical. Strings and functions
    become a :class:`MeanMetricWrapper` named as given (``'acc'`` stays ``'acc'``);
    functions are named after ``__name__``; a Metric instance is returned as is.

    >>> resolve_metric('acc', (32,), (32, 10)).name
    'acc'
    """
    if identifier is None:
        return None
    if str(identifier).lower() not in _SHAPE_RESOLVED:
        metric_obj = metrics_mod.get(identifier)
    else:
        true_shape, pred_shape = _shape_of(y_true), _shape_of(y_pred)
        true_last = true_shape[-1] if true_shape else None
        pred_last = pred_shape[-1] if pred_shape else None
        is_binary = pred_last == 1
        is_sparse = len(true_shape) < len(pred_shape) or (
            true_last == 1 and pred_last is not None and pred_last > 1)
        if str(identifier).lower() in ("accuracy", "acc"):
            if is_binary:
                metric_obj = acc_mod.binary_accuracy
            elif is_sparse:
                metric_obj = acc_mod.sparse_categorical_accuracy
            else:
                metric_obj = acc_mod.categorical_accuracy
        else:
            if is_binary:
                metric_obj = metrics_mod.binary_crossentropy
            elif is_sparse:
                metric_obj = metrics_mod.sparse_categorical_crossentropy
            else:
                metric_obj = metrics_mod.categorical_crossentropy
    if isinstance(metric_obj, Loss):
        metric_obj._allow_sum_over_batch_size = True
    if isinstance(identifier, str) and isinstance(metric_obj, Metric):
        # tf-keras builds these inside the traced train function, where name uids start
        # afresh: compile(metrics=['AUC']) is always 'auc', never 'auc_1'.
        base = to_snake_case(type(metric_obj).__name__)
        if re.fullmatch(re.escape(base) + r"(_\d+)?", metric_obj.name):
            metric_obj.name = base
    if not isinstance(metric_obj, Metric):
        if isinstance(identifier, str):
            metric_name = identifier
        else:
            metric_name = get_custom_object_name(identifier)
            if metric_name is None or not callable(metric_obj):
                raise ValueError(f"Metric should be a callable, received: {identifier}")
        metric_obj = MeanMetricWrapper(metric_obj, name=metric_name)
    if name is not None:
        metric_obj.name = name
    return metric_obj
