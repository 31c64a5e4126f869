"""Metrics built on confusion-matrix counts at thresholds: TP/FP/TN/FN, Precision, Recall,
AUC and the sensitivity/specificity family (tf-keras ``confusion_metrics``).

Counts live in device tensors of shape ``(num_thresholds,)`` (``(num_thresholds,
num_labels)`` for a multi-label AUC); ``update_state`` adds to them with torch ops only.
Evenly spaced thresholds use Keras's bucketed O(T + N) update (``ceil(p * (T - 1)) - 1``,
then a reversed cumulative sum), other thresholds compare every prediction with every
threshold (``p > t``), as tf-keras does; both round exactly like Keras.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import torch

from torchkeras import losses as losses_mod
from torchkeras.backend import epsilon
from torchkeras.metrics.base import Metric
from torchkeras.metrics.reduction import divide_no_nan

NEG_INF = -1e10

TP, FP, TN, FN = "tp", "fp", "tn", "fn"


def _to_list(x: Any) -> List[Any]:
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return [x]


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> List[float]:
    """The thresholds as a list, checked to lie in [0, 1] (Keras's message otherwise)."""
    if thresholds is not None:
        invalid = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return _to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds: Any) -> bool:
    """Whether thresholds are ``[0, 1/(n-1), ..., 1]`` (n >= 3), within epsilon."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


def _filter_top_k(x: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the top ``k`` values of the last axis; the others become ``NEG_INF``."""
    # a stable sort: among equal values the lowest indices win, as with tf.math.top_k
    index = torch.sort(x, dim=-1, descending=True, stable=True).indices[..., :k]
    mask = torch.zeros_like(x).scatter_(-1, index, 1.0)
    return x * mask + NEG_INF * (1 - mask)


def _broadcast_weights(weights: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    if tuple(weights.shape) == tuple(values.shape):
        return weights
    try:
        return torch.broadcast_to(weights, values.shape)
    except RuntimeError:
        raise ValueError(f"weights can not be broadcast to values. "
                         f"values.shape={tuple(values.shape)}. "
                         f"weights.shape={tuple(weights.shape)}.") from None


def _bucket_counts(labels: torch.Tensor, index: torch.Tensor, num: int) -> torch.Tensor:
    """``unsorted_segment_sum`` over the first axis into ``num`` buckets; index -1 dropped.

    labels/index: ``(n,)`` or ``(n, L)``; result ``(num,)`` or ``(num, L)``.
    """
    shifted = (index + 1).clamp_min(0)  # bucket -1 (p == 0 exactly) goes to slot 0, dropped
    out = torch.zeros((num + 1,) + tuple(labels.shape[1:]), dtype=labels.dtype,
                      device=labels.device)
    out.index_add_(0, shifted, labels) if labels.dim() == 1 else \
        out.scatter_add_(0, shifted, labels)
    return out[1:]


def update_confusion_matrix_variables(variables: Dict[str, torch.Tensor], y_true: Any,
                                      y_pred: Any, thresholds: Sequence[float],
                                      top_k: Optional[int] = None,
                                      class_id: Optional[int] = None,
                                      sample_weight: Any = None, multi_label: bool = False,
                                      label_weights: Optional[torch.Tensor] = None,
                                      thresholds_distributed_evenly: bool = False) -> None:
    """Add weighted TP/FP/TN/FN counts at each threshold to ``variables`` (in place).

    A prediction is positive at threshold ``t`` when ``y_pred > t``; ``y_true`` is cast to
    bool. With ``multi_label`` the counts keep a label axis.
    """
    first = next(iter(variables.values()))
    dtype, device = first.dtype, first.device
    y_true = losses_mod.as_tensor(y_true, device).to(dtype)
    y_pred = losses_mod.as_tensor(y_pred, device).to(dtype)
    with_epsilon = bool(thresholds_distributed_evenly and
                        (thresholds[0] < 0.0 or thresholds[-1] > 1.0))
    if sample_weight is None:
        y_pred, y_true = losses_mod.squeeze_or_expand_dimensions(y_pred, y_true)
    else:
        sample_weight = losses_mod.as_tensor(sample_weight, device).to(dtype)
        y_pred, y_true, sample_weight = losses_mod.squeeze_or_expand_dimensions(
            y_pred, y_true, sample_weight=sample_weight)
    if tuple(y_pred.shape) != tuple(y_true.shape):
        raise ValueError(f"Shapes {tuple(y_pred.shape)} and {tuple(y_true.shape)} are "
                         "incompatible")
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    weights = None
    if sample_weight is not None:
        weights = _broadcast_weights(sample_weight, y_pred)
    if label_weights is not None and not multi_label:
        lw = _broadcast_weights(label_weights.to(device, dtype).unsqueeze(0), y_pred)
        weights = lw if weights is None else weights * lw
    if multi_label:  # (N, L)
        y_true_2d, y_pred_2d = y_true, y_pred
        weights_2d = weights
    else:
        y_true_2d, y_pred_2d = y_true.reshape(-1), y_pred.reshape(-1)
        weights_2d = weights.reshape(-1) if weights is not None else None
    label_is_pos = y_true_2d != 0
    num_thresholds = len(thresholds)
    if thresholds_distributed_evenly:
        weights_f = weights_2d if weights_2d is not None else 1.0
        y_pred_c = torch.clamp(y_pred_2d, 0.0, 1.0)
        true_labels = label_is_pos.to(dtype) * weights_f
        false_labels = (1.0 - label_is_pos.to(dtype)) * weights_f
        if not isinstance(true_labels, torch.Tensor) or true_labels.shape != y_pred_c.shape:
            true_labels = torch.broadcast_to(true_labels, y_pred_c.shape)
            false_labels = torch.broadcast_to(false_labels, y_pred_c.shape)
        bucket = torch.ceil(y_pred_c * (num_thresholds - 1)) - 1
        if with_epsilon:
            bucket = torch.relu(bucket)
        bucket = bucket.to(torch.int64)
        tp = torch.flip(torch.cumsum(torch.flip(
            _bucket_counts(true_labels, bucket, num_thresholds), [0]), 0), [0])
        fp = torch.flip(torch.cumsum(torch.flip(
            _bucket_counts(false_labels, bucket, num_thresholds), [0]), 0), [0])
        counts = {TP: tp, FP: fp}
        if TN in variables or FN in variables:
            counts[TN] = false_labels.sum(0) - fp
            counts[FN] = true_labels.sum(0) - tp
    else:
        thresh = torch.tensor(thresholds, dtype=dtype, device=device)
        thresh = thresh.reshape((-1,) + (1,) * y_pred_2d.dim())  # (T, N[, L])
        pred_is_pos = y_pred_2d.unsqueeze(0) > thresh
        label_pos = label_is_pos.unsqueeze(0)
        w = weights_2d.unsqueeze(0) if weights_2d is not None else None

        def count(label: torch.Tensor, pred: torch.Tensor) -> torch.Tensor:
            both = (label & pred).to(dtype)
            if w is not None:
                both = both * w
            return both.sum(1)

        counts = {}
        if TP in variables:
            counts[TP] = count(label_pos, pred_is_pos)
        if FP in variables:
            counts[FP] = count(~label_pos, pred_is_pos)
        if TN in variables:
            counts[TN] = count(~label_pos, ~pred_is_pos)
        if FN in variables:
            counts[FN] = count(label_pos, ~pred_is_pos)
    for key, variable in variables.items():
        variable.add_(counts[key])


class _ConfusionMatrixConditionCount(Metric):
    """One confusion-matrix count per threshold (a scalar result for one threshold)."""

    _condition = TP

    def __init__(self, thresholds: Union[float, Sequence[float], None] = None,
                 name: Optional[str] = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_weight("accumulator", shape=(len(self.thresholds),))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._move_state_to(_device_of(y_pred, y_true, self))
        update_confusion_matrix_variables(
            {self._condition: self.accumulator}, y_true, y_pred, self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight)

    def result(self) -> torch.Tensor:
        if len(self.thresholds) == 1:
            return self.accumulator[0].clone()
        return self.accumulator.clone()

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


def _device_of(y_pred: Any, y_true: Any, metric: Metric) -> torch.device:
    for value in (y_pred, y_true):
        if isinstance(value, torch.Tensor):
            return value.device
    return metric._state_device()


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of true positives (``y_pred > threshold`` and ``y_true``).

    >>> m = TruePositives(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
    tensor(2.)
    """
    _condition = TP


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of false positives (``y_pred > threshold`` and not ``y_true``)."""
    _condition = FP


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of true negatives (``y_pred <= threshold`` and not ``y_true``)."""
    _condition = TN


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of false negatives (``y_pred <= threshold`` and ``y_true``)."""
    _condition = FN


class _PrecisionRecallBase(Metric):
    _second = FP

    def __init__(self, thresholds: Union[float, Sequence[float], None] = None,
                 top_k: Optional[int] = None, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_weight("true_positives", shape=size)
        second = "false_positives" if self._second == FP else "false_negatives"
        setattr(self, second, self.add_weight(second, shape=size))

    def _second_variable(self) -> torch.Tensor:
        return self.false_positives if self._second == FP else self.false_negatives

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._move_state_to(_device_of(y_pred, y_true, self))
        update_confusion_matrix_variables(
            {TP: self.true_positives, self._second: self._second_variable()}, y_true, y_pred,
            self.thresholds, top_k=self.top_k, class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly)

    def result(self) -> torch.Tensor:
        tp = self.true_positives
        value = divide_no_nan(tp, tp + self._second_variable())
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecallBase):
    """``TP / (TP + FP)`` at ``thresholds`` (default 0.5; the top ``top_k`` classes; one
    ``class_id``).

    >>> m = Precision(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
    tensor(0.6667)
    """
    _second = FP


class Recall(_PrecisionRecallBase):
    """``TP / (TP + FN)`` at ``thresholds`` (default 0.5; top_k and class_id as Precision).

    >>> m = Recall(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
    tensor(0.6667)
    """
    _second = FN


class SensitivitySpecificityBase(Metric):
    """Counts at ``num_thresholds`` evenly spaced thresholds in [0, 1]."""

    def __init__(self, value: float, num_thresholds: int = 200, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value = value
        self.class_id = class_id
        size = (num_thresholds,)
        self.true_positives = self.add_weight("true_positives", shape=size)
        self.true_negatives = self.add_weight("true_negatives", shape=size)
        self.false_positives = self.add_weight("false_positives", shape=size)
        self.false_negatives = self.add_weight("false_negatives", shape=size)
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._move_state_to(_device_of(y_pred, y_true, self))
        update_confusion_matrix_variables(
            {TP: self.true_positives, TN: self.true_negatives, FP: self.false_positives,
             FN: self.false_negatives}, y_true, y_pred, self.thresholds,
            class_id=self.class_id, sample_weight=sample_weight,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly)

    def _find_max_under_constraint(self, constrained: torch.Tensor, dependent: torch.Tensor
                                   ) -> torch.Tensor:
        """max(dependent where constrained >= value), 0 when none qualifies (no host sync)."""
        feasible = constrained >= self.value
        masked = torch.where(feasible, dependent, torch.full_like(dependent, -float("inf")))
        best = masked.max()
        return torch.where(feasible.any(), best, torch.zeros_like(best))

    def _rates(self) -> Dict[str, torch.Tensor]:
        tp, tn = self.true_positives, self.true_negatives
        fp, fn = self.false_positives, self.false_negatives
        return {"sensitivity": divide_no_nan(tp, tp + fn),
                "specificity": divide_no_nan(tn, tn + fp),
                "precision": divide_no_nan(tp, tp + fp)}

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "class_id": self.class_id}


def _check_unit(argument: str, value: float) -> None:
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{argument}` must be in the range [0, 1]. "
                         f"Received: {argument}={value}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) where specificity >= ``specificity``."""

    def __init__(self, specificity: float, num_thresholds: int = 200,
                 class_id: Optional[int] = None, name: Optional[str] = None,
                 dtype: Any = None) -> None:
        _check_unit("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity where sensitivity (recall) >= ``sensitivity``."""

    def __init__(self, sensitivity: float, num_thresholds: int = 200,
                 class_id: Optional[int] = None, name: Optional[str] = None,
                 dtype: Any = None) -> None:
        _check_unit("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision where recall >= ``recall``."""

    def __init__(self, recall: float, num_thresholds: int = 200,
                 class_id: Optional[int] = None, name: Optional[str] = None,
                 dtype: Any = None) -> None:
        _check_unit("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall where precision >= ``precision``."""

    def __init__(self, precision: float, num_thresholds: int = 200,
                 class_id: Optional[int] = None, name: Optional[str] = None,
                 dtype: Any = None) -> None:
        _check_unit("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self) -> Dict[str, Any]:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "precision": self.precision}


_CURVES = {"pr": "PR", "PR": "PR", "roc": "ROC", "ROC": "ROC", "pr_gain": "PR_GAIN",
           "prgain": "PR_GAIN", "PR_GAIN": "PR_GAIN", "PRGAIN": "PR_GAIN"}
_SUMMATIONS = {key: key.lower() for key in ("interpolation", "Interpolation", "majoring",
                                            "Majoring", "minoring", "Minoring")}


class AUC(Metric):
    """Area under the ROC or PR curve from counts at ``num_thresholds`` thresholds.

    Thresholds are ``[-eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps]`` (or ``[-eps, *thresholds,
    1+eps]``). ``summation_method='interpolation'`` uses the trapezoid rule for ROC and
    Davis & Goadrich's interpolation for PR (Keras's ``interpolate_pr_auc``);
    ``'minoring'``/``'majoring'`` use lower/upper Riemann sums. ``multi_label`` keeps counts
    per label and averages the AUCs (weighted by ``label_weights``); ``from_logits``
    applies a sigmoid to the predictions first.

    >>> m = AUC(num_thresholds=3); m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()
    tensor(0.7500)
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: Optional[str] = None,
                 dtype: Any = None, thresholds: Optional[Sequence[float]] = None,
                 multi_label: bool = False, num_labels: Optional[int] = None,
                 label_weights: Any = None, from_logits: bool = False) -> None:
        curve_key = _CURVES.get(getattr(curve, "value", curve))
        if curve_key is None:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC", "PR_GAIN"]')
        method_key = _SUMMATIONS.get(getattr(summation_method, "value", summation_method))
        if method_key is None:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1)
                          for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - epsilon()] + list(thresholds) + [1.0 + epsilon()])
        self.curve = curve_key
        self.summation_method = method_key
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if label_weights is not None:
            label_weights = torch.as_tensor(np.asarray(label_weights),
                                            dtype=self._torch_dtype)
            if bool((label_weights < 0).any()):
                raise ValueError("All values of `label_weights` must be non-negative.")
        self.label_weights = label_weights
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> List[float]:
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. "
                                 f"Found rank {len(shape)}. Full shape received for "
                                 f"`y_pred`: {tuple(shape)}")
            self._num_labels = int(shape[1])
            size = (self.num_thresholds, self._num_labels)
        else:
            size = (self.num_thresholds,)
        self.true_positives = self.add_weight("true_positives", shape=size)
        self.true_negatives = self.add_weight("true_negatives", shape=size)
        self.false_positives = self.add_weight("false_positives", shape=size)
        self.false_negatives = self.add_weight("false_negatives", shape=size)
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        device = _device_of(y_pred, y_true, self)
        y_pred = losses_mod.as_tensor(y_pred, device)
        if not self._built:
            self._build(tuple(y_pred.shape))
        self._move_state_to(device)
        if self.multi_label or self.label_weights is not None:
            y_true_shape = tuple(np.shape(y_true)) if not isinstance(y_true, torch.Tensor) \
                else tuple(y_true.shape)
            labels = y_true_shape[1] if len(y_true_shape) == 2 else None
            expected = [self._num_labels] if self.multi_label else []
            if self.label_weights is not None:
                expected.append(int(self.label_weights.shape[0]))
            if len(y_true_shape) != 2 or any(e != labels for e in expected):
                raise ValueError("Number of labels is not consistent.")
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred.to(self._torch_dtype))
        update_confusion_matrix_variables(
            {TP: self.true_positives, TN: self.true_negatives, FP: self.false_positives,
             FN: self.false_negatives}, y_true, y_pred, self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _average(self, by_label: torch.Tensor) -> torch.Tensor:
        """Mean over labels, or weighted by ``label_weights``."""
        if self.label_weights is None:
            return by_label.mean()
        weights = self.label_weights.to(by_label.device)
        return divide_no_nan((by_label * weights).sum(), weights.sum())

    def interpolate_pr_auc(self) -> torch.Tensor:
        """Davis & Goadrich's interpolated PR-AUC (Keras's formula)."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        dp = p[:n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, torch.clamp_min(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = torch.where((p[:n - 1] > 0) & (p[1:] > 0),
                                   divide_no_nan(p[:n - 1], torch.clamp_min(p[1:], 0)),
                                   torch.ones_like(p[1:]))
        increment = divide_no_nan(prec_slope * (dtp + intercept * torch.log(safe_p_ratio)),
                                  torch.clamp_min(tp[1:] + fn[1:], 0))
        if self.multi_label:
            return self._average(increment.sum(0))
        return increment.sum()

    def result(self) -> torch.Tensor:
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PR_GAIN
            scaling = divide_no_nan(tp + fn, fp + tn)
            recall_gain = 1.0 - scaling * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * divide_no_nan(fp, tp)
            recall_gain = torch.where(tp == 0, torch.zeros_like(recall_gain), recall_gain)
            precision_gain = torch.where(tp == 0, torch.ones_like(precision_gain),
                                         precision_gain)
            x, y = torch.clamp_min(recall_gain, 0), precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:n - 1], y[1:])
        else:
            heights = torch.maximum(y[:n - 1], y[1:])
        terms = (x[:n - 1] - x[1:]) * heights
        if self.multi_label:
            return self._average(terms.sum(0))
        return terms.sum()

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> Dict[str, Any]:
        label_weights = self.label_weights
        if isinstance(label_weights, torch.Tensor):
            label_weights = label_weights.cpu().numpy()
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision",
           "Recall", "AUC", "SensitivityAtSpecificity",
           "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision"]
