"""torchkeras.regularizers and torchkeras.constraints against Keras 2's formulas."""
import numpy as np
import pytest
import torch

from torchkeras import constraints, regularizers
from torchkeras.backend import epsilon

F32_001 = 0.009999999776482582  # float32(0.01), what tf-keras stores and reports

RNG = np.random.RandomState(0)
W2 = RNG.randn(5, 4)             # Dense kernel (in, out)
W4 = RNG.randn(3, 3, 2, 4) * 2   # Conv2D kernel (kh, kw, in, out)


def _t(a):
    return torch.tensor(a)


# ------------------------------------------------------------------ regularizers
def test_l1_l2_formulas():
    w = _t(W2)
    np.testing.assert_allclose(regularizers.L1(0.03)(w).item(),
                               np.float32(0.03) * np.abs(W2).sum(), rtol=1e-12)
    np.testing.assert_allclose(regularizers.L2(0.07)(w).item(),
                               np.float32(0.07) * (W2 ** 2).sum(), rtol=1e-12)
    np.testing.assert_allclose(regularizers.L1L2(0.1, 0.2)(w).item(),
                               np.float32(0.1) * np.abs(W2).sum()
                               + np.float32(0.2) * (W2 ** 2).sum(), rtol=1e-12)
    zero = regularizers.L1L2()(w)
    assert zero.item() == 0.0 and zero.dtype == w.dtype and zero.dim() == 0


def test_regularizer_returns_tensor_on_weight_device_with_grad():
    w = torch.randn(3, 4, requires_grad=True)
    loss = regularizers.L2(0.5)(w)
    loss.backward()
    torch.testing.assert_close(w.grad, 2 * 0.5 * w.detach())


def test_l1_l2_defaults_and_configs():
    # tf_keras: regularizers.l1_l2().get_config() ->
    #   {'l1': 0.009999999776482582, 'l2': 0.009999999776482582}
    assert regularizers.l1_l2().get_config() == {"l1": F32_001, "l2": F32_001}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    # tf_keras: regularizers.get('l2').get_config() -> {'l2': 0.009999999776482582}
    assert regularizers.get("l2").get_config() == {"l2": F32_001}
    assert regularizers.get("l1").get_config() == {"l1": F32_001}
    assert regularizers.get("l1_l2").get_config() == {"l1": F32_001, "l2": F32_001}
    assert regularizers.L2(l=0.5).l2 == 0.5  # old keyword


def _orthogonal_reference(w, factor, axis):
    unit = w / np.sqrt(np.maximum((w ** 2).sum(axis=axis, keepdims=True), 1e-12))
    product = unit @ unit.T if axis == 1 else unit.T @ unit
    n = product.shape[0]
    off = np.abs(product * (1 - np.eye(n))).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


def test_orthogonal_regularizer():
    w = _t(W2)
    for mode, axis in (("rows", 1), ("columns", 0)):
        got = regularizers.OrthogonalRegularizer(0.5, mode=mode)(w).item()
        np.testing.assert_allclose(got, _orthogonal_reference(W2, 0.5, axis), rtol=1e-12)
    # tf_keras: OrthogonalRegularizer(factor=0.1)(tf.constant([[1., 2., 0.], [0., 1., 1.],
    #           [2., 0., 1.]])).numpy() -> 0.044956107 (mode='columns': 0.044956114)
    small = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [2.0, 0.0, 1.0]])
    np.testing.assert_allclose(regularizers.OrthogonalRegularizer(0.1)(small).item(),
                               0.044956107, rtol=1e-6)
    with pytest.raises(ValueError, match="must have rank 2"):
        regularizers.OrthogonalRegularizer()(torch.ones(2, 2, 2))
    with pytest.raises(ValueError, match="Invalid value for argument `mode`"):
        regularizers.OrthogonalRegularizer(mode="diag")


def test_invalid_penalties():
    with pytest.raises(ValueError, match="not a valid regularization penalty number"):
        regularizers.L2(float("nan"))
    with pytest.raises(ValueError, match="expected an int or float value"):
        regularizers.L1("0.1")
    with pytest.raises(TypeError, match="Argument\\(s\\) not recognized"):
        regularizers.L1(0.1, foo=2)


def test_regularizer_serialization():
    reg = regularizers.L1L2(0.25, 0.5)
    config = regularizers.serialize(reg)
    assert config == {"class_name": "L1L2", "config": {"l1": 0.25, "l2": 0.5}}
    restored = regularizers.deserialize(config)
    assert isinstance(restored, regularizers.L1L2) and restored.get_config() == reg.get_config()
    orth = regularizers.get({"class_name": "OrthogonalRegularizer",
                             "config": {"factor": 0.5, "mode": "columns"}})
    assert orth.mode == "columns" and orth.factor == 0.5
    assert regularizers.get(None) is None
    custom = lambda w: w.sum()  # noqa: E731
    assert regularizers.get(custom) is custom
    with pytest.raises(ValueError, match="Unknown regularizer: 'l3'"):
        regularizers.get("l3")


# ------------------------------------------------------------------ constraints
def _norms(w, axis):
    return np.sqrt((w ** 2).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [0, -1, [0, 1, 2]])
def test_max_norm(axis):
    got = constraints.MaxNorm(2.0, axis=axis)(_t(W4)).numpy()
    ax = tuple(axis) if isinstance(axis, list) else axis
    norms = _norms(W4, ax)
    np.testing.assert_allclose(got, W4 * np.clip(norms, 0, 2.0) / (epsilon() + norms),
                               rtol=1e-12)
    assert (_norms(got, ax) <= 2.0 + 1e-6).all()


def test_max_norm_keras_number():
    # tf_keras: constraints.MaxNorm(2.0)(tf.constant([[3.0, 0.1], [4.0, 0.2]])).numpy()
    #   -> [[1.2, 0.09999996], [1.6, 0.19999991]]
    got = constraints.MaxNorm(2.0)(torch.tensor([[3.0, 0.1], [4.0, 0.2]])).numpy()
    np.testing.assert_allclose(got, [[1.2, 0.09999996], [1.6, 0.19999991]], rtol=1e-6)


def test_non_neg_and_unit_norm():
    w = _t(W4)
    np.testing.assert_array_equal(constraints.NonNeg()(w).numpy(), np.where(W4 >= 0, W4, 0.0))
    for axis in (0, -1):
        got = constraints.UnitNorm(axis=axis)(w).numpy()
        np.testing.assert_allclose(got, W4 / (epsilon() + _norms(W4, axis)), rtol=1e-12)
        np.testing.assert_allclose(_norms(got, axis), 1.0, rtol=1e-6)


@pytest.mark.parametrize("min_value,max_value,rate", [(0.5, 1.0, 0.7), (2.0, 3.0, 1.0),
                                                      (0.0, 1.0, 0.0)])
def test_min_max_norm(min_value, max_value, rate):
    got = constraints.MinMaxNorm(min_value, max_value, rate)(_t(W4)).numpy()
    norms = _norms(W4, 0)
    desired = rate * np.clip(norms, min_value, max_value) + (1 - rate) * norms
    np.testing.assert_allclose(got, W4 * desired / (epsilon() + norms), rtol=1e-12)


@pytest.mark.parametrize("size,expected", [
    # tf_keras: constraints.RadialConstraint()(tf.reshape(tf.range(k*k, dtype=tf.float32),
    #           (k, k, 1, 1))).numpy()[:, :, 0, 0] for k = 3, 4, 5
    (3, [[4, 4, 4], [4, 0, 4], [4, 4, 4]]),
    (4, [[15, 15, 15, 15], [15, 5, 5, 15], [15, 5, 5, 15], [15, 15, 15, 15]]),
    (5, [[18] * 5, [18, 12, 12, 12, 18], [18, 12, 6, 12, 18], [18, 12, 12, 12, 18], [18] * 5]),
])
def test_radial_constraint_keras_numbers(size, expected):
    w = torch.arange(size * size, dtype=torch.float32).reshape(size, size, 1, 1)
    got = constraints.RadialConstraint()(w)
    assert got[:, :, 0, 0].tolist() == expected


def test_radial_constraint_per_kernel_and_errors():
    w = torch.randn(4, 4, 2, 3)
    got = constraints.RadialConstraint()(w)
    for i in range(2):
        for j in range(3):
            single = constraints.RadialConstraint()(w[:, :, i:i + 1, j:j + 1])
            assert torch.equal(got[:, :, i, j], single[:, :, 0, 0])
    with pytest.raises(ValueError, match="must have rank 4"):
        constraints.RadialConstraint()(torch.ones(3, 3))


def test_constraint_configs_and_lookup():
    # tf_keras: MaxNorm().get_config() -> {'max_value': 2, 'axis': 0};
    #           MinMaxNorm().get_config() -> {'min_value': 0.0, 'max_value': 1.0, 'rate': 1.0, 'axis': 0}
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}
    for name, cls in [("max_norm", constraints.MaxNorm), ("maxnorm", constraints.MaxNorm),
                      ("non_neg", constraints.NonNeg), ("nonneg", constraints.NonNeg),
                      ("unit_norm", constraints.UnitNorm), ("min_max_norm",
                                                            constraints.MinMaxNorm),
                      ("radial_constraint", constraints.RadialConstraint),
                      ("MaxNorm", constraints.MaxNorm)]:
        assert type(constraints.get(name)) is cls
    c = constraints.MinMaxNorm(0.1, 2.0, 0.5, axis=[0, 1])
    restored = constraints.deserialize(constraints.serialize(c))
    assert type(restored) is constraints.MinMaxNorm and restored.get_config() == c.get_config()
    assert constraints.serialize(constraints.NonNeg()) == {"class_name": "NonNeg", "config": {}}
    assert constraints.get(None) is None
    with pytest.raises(ValueError, match="Unknown constraint: 'max_nrm'"):
        constraints.get("max_nrm")
    with pytest.raises(ValueError, match="Could not interpret constraint function identifier"):
        constraints.get(1)
