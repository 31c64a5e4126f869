"""Confusion-matrix metrics: Keras docstring values, thresholds, top_k/class_id, AUC forms,
state on the device without host syncs, config round trips."""
import numpy as np
import pytest
import torch

from torchkeras import metrics
from torchkeras.metrics import confusion_metrics as cm


def _result(metric, *args, **kwargs):
    metric.update_state(*args, **kwargs)
    return np.asarray(metric.result())


def test_counts_match_keras_docstrings():
    assert _result(metrics.TruePositives(), [0, 1, 1, 1], [1, 0, 1, 1]) == 2
    assert _result(metrics.FalsePositives(), [0, 1, 0, 0], [0, 0, 1, 1]) == 2
    assert _result(metrics.TrueNegatives(), [0, 1, 0, 0], [1, 1, 0, 0]) == 2
    assert _result(metrics.FalseNegatives(), [0, 1, 1, 1], [0, 1, 0, 0]) == 2
    weighted = _result(metrics.FalseNegatives(), [0, 1, 1, 1], [0, 1, 0, 0],
                       sample_weight=[0, 0, 1, 0])
    assert weighted == 1


def test_thresholds_give_one_value_each():
    m = metrics.TruePositives(thresholds=[0.3, 0.5, 0.7])
    np.testing.assert_allclose(_result(m, [1, 1, 1, 0], [0.4, 0.6, 0.8, 0.9]), [3, 2, 1])
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])


def test_precision_recall_top_k_and_class_id():
    assert _result(metrics.Precision(top_k=2), [0, 0, 1, 1], [1, 1, 1, 1]) == 0.0  # ties: first k
    assert _result(metrics.Precision(top_k=4), [0, 0, 1, 1], [1, 1, 1, 1]) == 0.5
    m = metrics.Recall(class_id=1)
    np.testing.assert_allclose(_result(m, [[0, 1], [0, 1], [1, 0]],
                                       [[0.2, 0.9], [0.8, 0.3], [0.1, 0.7]]), 0.5)
    np.testing.assert_allclose(_result(metrics.Recall(), [0, 1, 1, 1], [1, 0, 1, 1],
                                       sample_weight=[0, 0, 1, 0]), 1.0)


def test_auc_docstring_and_forms():
    np.testing.assert_allclose(_result(metrics.AUC(num_thresholds=3), [0, 0, 1, 1],
                                       [0, 0.5, 0.3, 0.9]), 0.75)
    roc = _result(metrics.AUC(), [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(roc, 0.75, atol=1e-2)
    pr = _result(metrics.AUC(curve="PR"), [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert 0.5 < pr < 1.0 and pr != roc
    logits = _result(metrics.AUC(from_logits=True), [0, 0, 1, 1], [-3.0, 0.1, -0.5, 2.0])
    probs = _result(metrics.AUC(), [0, 0, 1, 1],
                    torch.sigmoid(torch.tensor([-3.0, 0.1, -0.5, 2.0])))
    np.testing.assert_allclose(logits, probs)


def test_auc_multi_label_averages_per_label():
    y = np.array([[0, 1], [0, 0], [1, 1], [1, 0]], dtype=np.float32)
    p = np.array([[0.0, 0.2], [0.5, 0.1], [0.3, 0.9], [0.9, 0.4]], dtype=np.float32)
    per_label = [_result(metrics.AUC(), y[:, i], p[:, i]) for i in range(2)]
    multi = _result(metrics.AUC(multi_label=True), y, p)
    np.testing.assert_allclose(multi, np.mean(per_label), rtol=1e-6)
    weighted = _result(metrics.AUC(multi_label=True, label_weights=[1.0, 3.0]), y, p)
    np.testing.assert_allclose(weighted, (per_label[0] + 3 * per_label[1]) / 4, rtol=1e-6)
    with pytest.raises(ValueError, match="`num_labels` is needed only"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="Invalid AUC curve value"):
        metrics.AUC(curve="XY")


def test_sensitivity_specificity_family():
    y, p = [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]
    np.testing.assert_allclose(_result(metrics.SensitivityAtSpecificity(0.5), y, p), 0.5)
    np.testing.assert_allclose(_result(metrics.SpecificityAtSensitivity(0.5), y, p),
                               0.66666667, rtol=1e-6)
    np.testing.assert_allclose(_result(metrics.PrecisionAtRecall(0.5), [0, 0, 0, 1, 1],
                                       [0, 0.3, 0.8, 0.3, 0.8]), 0.5)
    np.testing.assert_allclose(_result(metrics.RecallAtPrecision(0.8), [0, 0, 1, 1],
                                       [0, 0.5, 0.3, 0.9]), 0.5)
    # nothing feasible -> 0
    assert _result(metrics.RecallAtPrecision(1.0), [1, 0], [0.2, 0.9]) == 0.0
    with pytest.raises(ValueError, match=r"`specificity` must be in the range \[0, 1\]"):
        metrics.SensitivityAtSpecificity(1.5)


def test_bucketed_and_general_paths_agree():
    rs = np.random.RandomState(0)
    y = (rs.rand(200) > 0.5).astype(np.float32)
    p = rs.rand(200).astype(np.float32)
    w = rs.rand(200).astype(np.float32)
    thresholds = list(np.linspace(0, 1, 11)[1:-1] + 1e-3)  # not evenly spaced over [0, 1]
    even = cm.TruePositives(thresholds=[i / 10 for i in range(11)])
    assert even._thresholds_distributed_evenly
    general = cm.TruePositives(thresholds=thresholds)
    assert not general._thresholds_distributed_evenly
    even.update_state(y, p, sample_weight=w)
    expected = [(w * y * (p > t)).sum() for t in [i / 10 for i in range(11)]]
    np.testing.assert_allclose(even.result(), expected, rtol=1e-5)


def test_state_stays_on_device_and_resets():
    m = metrics.AUC()
    m.update_state(torch.tensor([0.0, 1.0]), torch.tensor([0.2, 0.7]))
    assert all(isinstance(v, torch.Tensor) and v.shape == (200,) for v in m.variables)
    assert float(m.result()) == 1.0
    m.reset_state()
    assert float(m.result()) == 0.0


def test_config_round_trip_and_names():
    m = metrics.AUC(num_thresholds=10, curve="PR", multi_label=True, name="my_auc")
    clone = metrics.AUC.from_config(m.get_config())
    assert clone.get_config() == m.get_config()
    p = metrics.Precision(thresholds=[0.2, 0.4], top_k=3, class_id=1)
    assert metrics.Precision.from_config(p.get_config()).get_config()["top_k"] == 3
    assert metrics.resolve_metric("AUC", (4, 1), (4, 1)).name == "auc"
    assert metrics.resolve_metric("Precision", (4, 1), (4, 1)).name == "precision"
    assert isinstance(metrics.get("Recall"), metrics.Recall)
