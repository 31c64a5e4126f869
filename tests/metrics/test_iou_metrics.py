"""IoU metrics: Keras docstring values, ignore_class, one-hot inputs, binary thresholds."""
import numpy as np
import pytest

from torchkeras import metrics


def _result(metric, *args, **kwargs):
    metric.update_state(*args, **kwargs)
    return float(metric.result())


def test_iou_and_mean_iou_docstrings():
    assert _result(metrics.IoU(2, [0]), [0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(1 / 3)
    assert _result(metrics.MeanIoU(2), [0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(1 / 3)
    weighted = _result(metrics.IoU(2, [0]), [0, 0, 1, 1], [0, 1, 0, 1],
                       sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert weighted == pytest.approx(0.3 / (0.3 + 0.3 + 0.3), rel=1e-6)


def test_ignore_class_drops_those_labels():
    m = metrics.MeanIoU(3, ignore_class=0)
    value = _result(m, [0, 1, 2, 2], [1, 1, 2, 0])
    np.testing.assert_allclose(m.total_cm[0].numpy(), [0, 0, 0])
    assert value == pytest.approx((0.0 + 1.0 + 0.5) / 3)  # class 0 only predicted, once


def test_one_hot_and_binary():
    y = np.eye(3, dtype=np.float32)[[0, 0, 2, 2]]
    p = np.array([[0.9, 0.1, 0], [0.1, 0.8, 0.1], [0, 0.2, 0.8], [0.6, 0.2, 0.2]], np.float32)
    onehot = _result(metrics.OneHotMeanIoU(3), y, p)
    sparse = _result(metrics.MeanIoU(3), [0, 0, 2, 2], p.argmax(-1))
    assert onehot == pytest.approx(sparse)
    assert _result(metrics.OneHotIoU(3, [0, 2]), y, p) == pytest.approx(sparse * 3 / 2)
    assert _result(metrics.BinaryIoU([0, 1], threshold=0.3), [0, 1, 0, 1],
                   [0.1, 0.2, 0.4, 0.7]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match=r"Target class id 3 is out of range, which is \[0, 3\)"):
        metrics.IoU(3, [3])
    assert metrics.BinaryIoU().name.startswith("binary_io_u")
