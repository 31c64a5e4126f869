"""FBetaScore / F1Score: averages, thresholds, weights, errors."""
import numpy as np
import pytest

from torchkeras import metrics

Y = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.float32)
P = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)


def test_keras_docstring_values():
    m = metrics.FBetaScore(beta=2.0, threshold=0.5)
    m.update_state(Y, P)
    np.testing.assert_allclose(m.result(), [0.3846154, 0.90909094, 0.8333334], rtol=1e-6)
    f1 = metrics.F1Score(threshold=0.5)
    f1.update_state(Y, P)
    np.testing.assert_allclose(f1.result(), [0.5, 0.8, 0.6666667], rtol=1e-6)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_averages_are_scalars(average):
    m = metrics.F1Score(average=average, threshold=0.5)
    m.update_state(Y, P, sample_weight=[1.0, 0.5, 2.0])
    assert m.result().shape == ()
    assert 0 < float(m.result()) < 1


def test_argmax_default_and_errors():
    m = metrics.F1Score(average="macro")
    m.update_state(np.eye(3)[[0, 1, 2]], np.eye(3)[[0, 1, 2]] * 0.9)
    assert float(m.result()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Invalid `beta` argument value"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        metrics.F1Score().update_state([1.0, 0.0], [0.5, 0.2])
    assert "beta" not in metrics.F1Score().get_config()
