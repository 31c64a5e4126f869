"""R2Score: Keras docstring value, aggregations, adjusted R2, weights."""
import numpy as np
import pytest

from torchkeras import metrics

Y = np.array([[1.0, 2.0], [4.0, 1.0], [3.0, 5.0], [2.0, 2.0]], np.float32)
P = np.array([[2.0, 2.5], [4.0, 0.5], [4.0, 4.0], [2.5, 2.0]], np.float32)


def _r2(y, p, w=None):
    w = np.ones(len(y)) if w is None else np.asarray(w)
    mean = (w[:, None] * y).sum(0) / w.sum()
    return 1 - (w[:, None] * (y - p) ** 2).sum(0) / (w[:, None] * (y - mean) ** 2).sum(0)


def test_docstring_value():
    m = metrics.R2Score()
    m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    assert float(m.result()) == pytest.approx(0.57142854)


def test_aggregations_and_weights():
    raw = metrics.R2Score(class_aggregation=None)
    raw.update_state(Y, P, sample_weight=[1.0, 2.0, 0.5, 1.0])
    np.testing.assert_allclose(raw.result(), _r2(Y, P, [1.0, 2.0, 0.5, 1.0]), rtol=1e-5)
    var = metrics.R2Score(class_aggregation="variance_weighted_average")
    var.update_state(Y, P)
    total = ((Y - Y.mean(0)) ** 2).sum(0)
    assert float(var.result()) == pytest.approx((total * _r2(Y, P)).sum() / total.sum(),
                                                rel=1e-5)


def test_adjusted_and_fallback():
    m = metrics.R2Score(num_regressors=1)
    m.update_state(Y[:, :1], P[:, :1])
    n, r2 = 4, _r2(Y[:, :1], P[:, :1])[0]
    assert float(m.result()) == pytest.approx(1 - (1 - r2) * (n - 1) / (n - 2), rel=1e-5)
    many = metrics.R2Score(num_regressors=10)
    many.update_state(Y[:, :1], P[:, :1])
    with pytest.warns(UserWarning, match="More independent predictors"):
        many.result()
    with pytest.raises(ValueError, match="Invalid value for argument `class_aggregation`"):
        metrics.R2Score(class_aggregation="mean")
