"""torchkeras.losses: Keras 2 formulas, logits recovery, reductions, lookup.

Numbers marked "Keras:" were produced by real tf-keras 2.21 (TF_USE_LEGACY_KERAS=1,
``import tf_keras as keras``) with the snippet quoted next to them.
"""
import math
import warnings

import numpy as np
import pytest
import torch

from torchkeras import losses

EPS = 1e-7
rng = np.random.RandomState(0)


def t(x, dtype=torch.float32):
    return torch.as_tensor(np.asarray(x), dtype=dtype)


def with_logits(z, kind):
    """What activations.sigmoid/softmax return: probabilities that carry the logits."""
    z = t(z)
    p = torch.sigmoid(z) if kind == "sigmoid" else torch.softmax(z, dim=-1)
    p._keras_logits = z
    return p


YT = rng.uniform(0, 1, (4, 3)).astype(np.float32)
YP = rng.uniform(0.01, 2, (4, 3)).astype(np.float32)
ONEHOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
SPARSE = np.array([0, 2, 1, 2])
ZCAT = np.array([[40., -40., 0.], [0., 0., 0.], [-5., 3., 100.], [1., 2., 3.]], np.float32)
BIN_T = np.array([[0.], [1.], [1.], [0.], [1.], [0.]], np.float32)
BIN_P = np.array([[0.0], [1.0], [1e-9], [1 - 1e-9], [0.7], [0.2]], np.float32)
ZLOG = np.array([[-30.], [-20.], [0.], [5.], [20.], [30.]], np.float32)


def _log1p_exp(x):
    return np.log1p(np.exp(x))


# ----------------------------------------------------------------- per-sample formulas
FORMULAS = {
    "mean_squared_error": lambda y, p: np.mean((y - p) ** 2, -1),
    "mean_absolute_error": lambda y, p: np.mean(np.abs(y - p), -1),
    "mean_absolute_percentage_error":
        lambda y, p: 100 * np.mean(np.abs((y - p) / np.maximum(np.abs(y), EPS)), -1),
    "mean_squared_logarithmic_error":
        lambda y, p: np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(y, EPS) + 1)) ** 2, -1),
    "poisson": lambda y, p: np.mean(p - y * np.log(p + EPS), -1),
    "log_cosh": lambda y, p: np.mean(np.log(np.cosh(p - y)), -1),
    "kl_divergence": lambda y, p: np.sum(np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1) / np.clip(p, EPS, 1)), -1),
    "huber": lambda y, p: np.mean(np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2, np.abs(p - y) - 0.5), -1),
    "cosine_similarity": lambda y, p: -np.sum(y * p, -1) / (np.linalg.norm(y, axis=-1) * np.linalg.norm(p, axis=-1)),
    "categorical_hinge": lambda y, p: np.maximum(np.max((1 - y) * p, -1) - np.sum(y * p, -1) + 1, 0),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_per_sample_formula(name):
    expected = FORMULAS[name](YT.astype(np.float64), YP.astype(np.float64))
    got = getattr(losses, name)(t(YT), t(YP))
    assert got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), expected, rtol=2e-6, atol=1e-6)


def test_hinge_maps_01_labels_to_pm1_but_not_other_labels():
    p = np.array([[0.3, 0.8], [-2., 0.1]], np.float32)
    y01 = np.array([[1., 0.], [0., 1.]], np.float32)
    expected = np.mean(np.maximum(1 - (2 * y01 - 1) * p, 0), -1)
    np.testing.assert_allclose(losses.hinge(t(y01), t(p)).numpy(), expected, rtol=1e-6)
    # Keras: keras.losses.hinge([[1., 0.], [0., 1.]], [[0.3, 0.8], [-2., 0.1]]) -> [1.25, 0.45]
    np.testing.assert_allclose(losses.hinge(t(y01), t(p)).numpy(), [1.25, 0.45], rtol=1e-6)
    y_pm = np.array([[1., 0.5], [-1., 1.]], np.float32)  # not binary: used as given
    np.testing.assert_allclose(losses.hinge(t(y_pm), t(p)).numpy(),
                               np.mean(np.maximum(1 - y_pm * p, 0), -1), rtol=1e-6)
    np.testing.assert_allclose(losses.squared_hinge(t(y01), t(p)).numpy(),
                               np.mean(np.maximum(1 - (2 * y01 - 1) * p, 0) ** 2, -1), rtol=1e-6)


def test_huber_delta_and_log_cosh_large_values_stay_finite():
    got = losses.huber(t(YT), t(YP), delta=0.3).numpy()
    e = np.abs(YP - YT)
    np.testing.assert_allclose(got, np.mean(np.where(e <= 0.3, 0.5 * e ** 2, 0.3 * e - 0.045), -1),
                               rtol=1e-5)
    # Keras: keras.losses.log_cosh(np.zeros((2, 2), 'f'), [[30., -30.], [1e-4, 5.]])
    #        -> [29.306852, 2.153449]
    got = losses.log_cosh(torch.zeros(2, 2), t([[30., -30.], [1e-4, 5.]]))
    np.testing.assert_allclose(got.numpy(), [29.306852, 2.153449], rtol=1e-6)


# --------------------------------------------------------- cross-entropy: clipped path
def test_binary_crossentropy_probabilities_are_clipped_like_tf_keras():
    eps = np.float32(EPS)  # float32 arithmetic, as in Keras
    p = np.clip(BIN_P, eps, np.float32(1) - eps)
    expected = -(BIN_T * np.log(p + eps) + (1 - BIN_T) * np.log(1 - p + eps))[:, 0]
    got = losses.binary_crossentropy(t(BIN_T), t(BIN_P))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)
    # Keras: keras.losses.binary_crossentropy(BIN_T, BIN_P)
    keras_values = [-0.0, -0.0, 15.424948692321777, 15.33323860168457, 0.35667479038238525,
                    0.22314338386058807]
    np.testing.assert_allclose(got.numpy(), keras_values, rtol=1e-6, atol=1e-7)


def test_binary_crossentropy_label_smoothing():
    # Keras: keras.losses.binary_crossentropy(BIN_T, BIN_P, label_smoothing=0.1)
    keras_values = [0.7712474465370178, 0.7666621208190918, 14.653700828552246,
                    14.566576957702637, 0.39903968572616577, 0.29245808720588684]
    got = losses.binary_crossentropy(t(BIN_T), t(BIN_P), label_smoothing=0.1)
    np.testing.assert_allclose(got.numpy(), keras_values, rtol=1e-6)


def test_categorical_crossentropy_normalises_then_clips():
    p = np.array([[2., 0., 0.], [0., 0., 1e-12], [0.1, 0.1, 0.1], [0.5, 0.2, 0.9]], np.float32)
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    expected = -np.sum(ONEHOT * np.log(q), -1)
    got = losses.categorical_crossentropy(t(ONEHOT), t(p))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-7)
    # Keras: keras.losses.categorical_crossentropy(ONEHOT, p)
    np.testing.assert_allclose(got.numpy(), [1.1920930376163597e-07, 1.1920930376163597e-07,
                                             1.0986123085021973, 0.5753641724586487], rtol=1e-6)


def test_categorical_crossentropy_label_smoothing_formula():
    p = rng.uniform(0.05, 1, (4, 3)).astype(np.float32)
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    smooth = ONEHOT * 0.8 + 0.2 / 3
    got = losses.categorical_crossentropy(t(ONEHOT), t(p), label_smoothing=0.2)
    np.testing.assert_allclose(got.numpy(), -np.sum(smooth * np.log(q), -1), rtol=1e-5)


def test_categorical_crossentropy_shape_mismatch_message():
    with pytest.raises(ValueError, match=r"Shapes \(4, 1\) and \(4, 3\) are incompatible"):
        losses.categorical_crossentropy(torch.zeros(4, 1), torch.full((4, 3), 1 / 3))


def test_sparse_categorical_crossentropy_clips_and_renormalises():
    p = np.array([[1., 0., 0.], [0., 1., 0.], [0.5, 0.5, 0.], [0.2, 0.2, 0.2]], np.float32)
    c = np.clip(p, EPS, 1 - EPS)
    expected = -np.log(c[np.arange(4), SPARSE] / c.sum(-1))
    got = losses.sparse_categorical_crossentropy(t(SPARSE, torch.int64), t(p))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)
    # Keras: keras.losses.sparse_categorical_crossentropy([0, 2, 1, 2], p)
    np.testing.assert_allclose(got.numpy(), [2.3841855067985307e-07, 16.11809539794922,
                                             0.6931473016738892, 1.0986123085021973], rtol=1e-6)


@pytest.mark.parametrize("labels", [
    np.array([0, 2, 1, 2]), np.array([[0], [2], [1], [2]]), np.array([0., 2., 1., 2.], np.float32),
    np.array([[0.], [2.], [1.], [2.]], np.float32), np.array([0, 2, 1, 2], np.int32)])
def test_sparse_labels_any_shape_and_dtype_equal_one_hot(labels):
    p = rng.uniform(0.05, 1, (4, 3)).astype(np.float32)
    p /= p.sum(-1, keepdims=True)
    expected = losses.categorical_crossentropy(t(ONEHOT), t(p))
    got = losses.sparse_categorical_crossentropy(torch.as_tensor(labels), t(p))
    assert got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5)


def test_sparse_crossentropy_on_sequences_and_other_axis():
    z = t(rng.normal(size=(2, 5, 4)))
    labels = torch.tensor([[0, 1, 2, 3, 0], [3, 3, 2, 1, 0]])
    expected = -torch.log_softmax(z, -1).gather(-1, labels[..., None])[..., 0]
    for y in (labels, labels[..., None]):
        got = losses.sparse_categorical_crossentropy(y, z, from_logits=True)
        assert got.shape == (2, 5)
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5)
    got = losses.sparse_categorical_crossentropy(labels, z.transpose(1, 2), from_logits=True,
                                                 axis=1)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5)


# ------------------------------------------------------------------ logits recovery
def test_bce_uses_logits_of_sigmoid_output():
    z = ZLOG.astype(np.float64)
    expected = (np.maximum(z, 0) - z * BIN_T + _log1p_exp(-np.abs(z)))[:, 0]
    got = losses.binary_crossentropy(t(BIN_T), with_logits(ZLOG, "sigmoid"))
    # atol 1e-12: torch's fused node rounds TF's 9.4e-14 (z=-30, t=0) to 0 (cancellation in
    # z - log_sigmoid(z)); every loss of ordinary size agrees to float32 rounding.
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-12)
    # Keras: keras.losses.binary_crossentropy(BIN_T, keras.activations.sigmoid(ZLOG))
    np.testing.assert_allclose(got.numpy(), [9.357622912219837e-14, 20.0, 0.6931471824645996,
                                             5.006715297698975, 2.06115369216775e-09, 30.0],
                               rtol=1e-6, atol=1e-12)
    # the same probabilities without logits take the clipped path (log(1e-7)-ish values)
    clipped = losses.binary_crossentropy(t(BIN_T), torch.sigmoid(t(ZLOG)))
    assert clipped[1].item() < 17.0 and clipped[5].item() < 17.0


def test_cce_and_sparse_cce_use_logits_of_softmax_output():
    expected = -np.sum(ONEHOT * torch.log_softmax(t(ZCAT, torch.float64), -1).numpy(), -1)
    p = with_logits(ZCAT, "softmax")
    got = losses.categorical_crossentropy(t(ONEHOT), p)
    got_sparse = losses.sparse_categorical_crossentropy(torch.tensor(SPARSE), p)
    # Keras: keras.losses.categorical_crossentropy(ONEHOT, keras.activations.softmax(ZCAT))
    #        (sparse: keras.losses.sparse_categorical_crossentropy([0, 2, 1, 2], ...)) ->
    keras_values = [0.0, 1.0986123085021973, 97.0, 0.40760594606399536]
    for value in (got, got_sparse):
        np.testing.assert_allclose(value.numpy(), expected, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(value.numpy(), keras_values, rtol=1e-6)


def test_activations_module_attaches_logits():
    from torchkeras import activations
    p = activations.sigmoid(t(ZLOG))
    got = losses.binary_crossentropy(t(BIN_T), p)
    assert got[5].item() == pytest.approx(30.0)


def test_from_logits_true_with_recovered_logits_warns_and_uses_logits():
    p = with_logits(ZLOG, "sigmoid")
    with pytest.warns(UserWarning, match="does not represent logits"):
        got = losses.binary_crossentropy(t(BIN_T), p, from_logits=True)
    assert got[1].item() == pytest.approx(20.0)


def test_bce_gradient_at_zero_logit_is_sigmoid_minus_target():
    z = torch.zeros(2, 1, requires_grad=True)
    y = t([[0.], [1.]])
    loss = losses.BinaryCrossentropy()(y, with_logits_tensor(z))
    loss.backward()
    np.testing.assert_allclose(z.grad.numpy(), (0.5 - y.numpy()) / 2, rtol=1e-6)


def with_logits_tensor(z):
    p = torch.sigmoid(z)
    p._keras_logits = z
    return p


def test_cce_gradient_from_softmax_logits_is_softmax_minus_target():
    z = t(ZCAT).requires_grad_(True)
    p = torch.softmax(z, -1)
    p._keras_logits = z
    losses.CategoricalCrossentropy(reduction="sum")(t(ONEHOT), p).backward()
    expected = torch.softmax(t(ZCAT), -1).numpy() - ONEHOT
    np.testing.assert_allclose(z.grad.numpy(), expected, atol=1e-6)


def test_focal_losses_formulas():
    eps = np.float32(EPS)  # float32 arithmetic, as in Keras
    p = BIN_P
    pc = np.clip(p, eps, np.float32(1) - eps)
    bce = -(BIN_T * np.log(pc + eps) + (1 - BIN_T) * np.log(1 - pc + eps))
    p_t = BIN_T * p + (1 - BIN_T) * (1 - p)
    weight = BIN_T * 0.25 + (1 - BIN_T) * 0.75
    expected = (weight * (1 - p_t) ** 3 * bce)[:, 0]
    got = losses.binary_focal_crossentropy(t(BIN_T), t(BIN_P), apply_class_balancing=True,
                                           gamma=3.0)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-4, atol=1e-6)
    probs = rng.uniform(0.05, 1, (4, 3)).astype(np.float32)
    q = np.clip(probs / probs.sum(-1, keepdims=True), EPS, 1 - EPS)
    expected = np.sum(0.25 * (1 - q) ** 2 * -ONEHOT * np.log(q), -1)
    got = losses.categorical_focal_crossentropy(t(ONEHOT), t(probs))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


# ------------------------------------------------------------- reduction and weights
def test_sum_over_batch_size_divides_by_count_not_weights():
    sw = np.array([1., 0.5, 2., 0.], np.float32)
    per_sample = np.mean((YT - YP) ** 2, -1)
    mse = losses.MeanSquaredError()
    assert mse(t(YT), t(YP), sample_weight=t(sw)).item() == pytest.approx(
        np.sum(per_sample * sw) / 4, rel=1e-6)
    assert mse(t(YT), t(YP), sample_weight=t(sw[:, None])).item() == pytest.approx(
        np.sum(per_sample * sw) / 4, rel=1e-6)
    assert mse(t(YT), t(YP), sample_weight=2.5).item() == pytest.approx(
        2.5 * per_sample.mean(), rel=1e-6)
    total = losses.MeanSquaredError(reduction="sum")(t(YT), t(YP), sample_weight=t(sw))
    assert total.item() == pytest.approx(np.sum(per_sample * sw), rel=1e-6)
    none = losses.MeanSquaredError(reduction="none")(t(YT), t(YP), sample_weight=t(sw))
    np.testing.assert_allclose(none.numpy(), per_sample * sw, rtol=1e-6)


def test_1d_labels_with_column_predictions_do_not_broadcast():
    # Keras: keras.losses.MeanSquaredError()(tf.constant([0., 1., 2., 3.]),
    #                                         tf.constant([[.5], [1.5], [1.], [4.]])) -> 0.625
    y = np.array([0., 1., 2., 3.], np.float32)
    p = np.array([[0.5], [1.5], [1.], [4.]], np.float32)
    assert losses.MeanSquaredError()(y, p).item() == pytest.approx(0.625)
    assert losses.MeanSquaredError()(t(y), t(p)).item() == pytest.approx(0.625)
    with pytest.raises(ValueError, match="squeeze"):  # Keras: InvalidArgumentError
        losses.MeanSquaredError()(t(y), t(p), sample_weight=t([1., 2., 3., 4.]))


def test_sequence_losses_with_per_sample_weights():
    y, p = rng.uniform(size=(4, 3, 2)), rng.uniform(size=(4, 3, 2))
    sw = np.array([1., 0.5, 2., 0.])
    per_step = np.mean((y - p) ** 2, -1)  # (4, 3)
    got = losses.MeanSquaredError()(t(y), t(p), sample_weight=t(sw))
    assert got.item() == pytest.approx(np.sum(per_step * sw[:, None]) / 12, rel=1e-6)
    sw_steps = rng.uniform(size=(4, 3))
    got = losses.MeanSquaredError()(t(y), t(p), sample_weight=t(sw_steps))
    assert got.item() == pytest.approx(np.sum(per_step * sw_steps) / 12, rel=1e-6)


def test_mask_on_predictions_averages_valid_entries():
    y, p = t(rng.uniform(size=(2, 4, 1))), t(rng.uniform(size=(2, 4, 1)))
    mask = torch.tensor([[True, True, False, False], [True, True, True, False]])
    p._keras_mask = mask
    per_step = ((y - p) ** 2)[..., 0]
    got = losses.MeanSquaredError()(y, p)
    assert got.item() == pytest.approx((per_step[mask].sum() / mask.sum()).item(), rel=1e-6)


def test_ignore_class_averages_over_kept_labels():
    z = t(rng.normal(size=(2, 3, 3)))
    labels = torch.tensor([[0, 1, 2], [2, 0, 0]])
    per = -torch.log_softmax(z, -1).gather(-1, labels[..., None])[..., 0]
    keep = labels != 0
    loss = losses.SparseCategoricalCrossentropy(ignore_class=0, from_logits=True)
    assert loss(labels, z).item() == pytest.approx((per[keep].sum() / keep.sum()).item(), rel=1e-6)
    none = losses.SparseCategoricalCrossentropy(ignore_class=0, from_logits=True,
                                                reduction="none")(labels, z)
    np.testing.assert_allclose(none.numpy(), torch.where(keep, per, 0).numpy(), rtol=1e-6)


def test_compute_weighted_loss_and_match_dtype_and_rank():
    got = losses.compute_weighted_loss(t([1., 3., 5.]), t([1., 0., 2.]))
    assert got.item() == pytest.approx((1 + 10) / 3)
    y, p, sw = losses.match_dtype_and_rank(torch.tensor([1, 0], dtype=torch.float64),
                                           torch.zeros(2, 1), torch.tensor([1., 2.]))
    assert y.shape == (2, 1) and y.dtype == torch.float32 and sw.shape == (2, 1)
    y, _, _ = losses.match_dtype_and_rank(torch.tensor([1, 0]), torch.zeros(2, 3), None)
    assert y.dtype == torch.int64 and y.shape == (2, 1)  # int labels stay int


def test_loss_subclass_and_numpy_inputs():
    class MyMSE(losses.Loss):
        def call(self, y_true, y_pred):
            return torch.mean(torch.square(y_pred - y_true), dim=-1)

    got = MyMSE(reduction="sum")(YT, YP, sample_weight=np.array([1., 0., 0., 0.]))
    assert got.item() == pytest.approx(np.mean((YT[0] - YP[0]) ** 2), rel=1e-6)
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        losses.MeanSquaredError(reduction="mean")


# ------------------------------------------------------------------------- lookup
@pytest.mark.parametrize("alias, fn", [
    ("mse", "mean_squared_error"), ("MSE", "mean_squared_error"), ("mae", "mean_absolute_error"),
    ("MAE", "mean_absolute_error"), ("mape", "mean_absolute_percentage_error"),
    ("MAPE", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("MSLE", "mean_squared_logarithmic_error"), ("kld", "kl_divergence"),
    ("KLD", "kl_divergence"), ("kullback_leibler_divergence", "kl_divergence"),
    ("logcosh", "log_cosh"), ("log_cosh", "log_cosh"), ("huber_loss", "huber"),
    ("huber", "huber"), ("bce", "binary_crossentropy"), ("BCE", "binary_crossentropy"),
    ("cosine_similarity", "cosine_similarity"), ("cosine_proximity", "cosine_similarity"),
    ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
    ("categorical_hinge", "categorical_hinge"), ("poisson", "poisson")])
def test_get_function_names_and_aliases(alias, fn):
    assert losses.get(alias) is getattr(losses, fn)


def test_get_class_names_give_instances_and_unknown_names_fail():
    loss = losses.get("BinaryCrossentropy")
    assert isinstance(loss, losses.BinaryCrossentropy) and loss.name == "binary_crossentropy"
    assert losses.get("Huber").name == "huber_loss"
    assert losses.get("KLDivergence").name == "kl_divergence"
    assert losses.get("LogCosh").name == "log_cosh"
    with pytest.raises(ValueError, match="Unknown loss function: 'msee'"):
        losses.get("msee")
    with pytest.raises(ValueError, match="Could not interpret loss function identifier"):
        losses.get(42)


def test_config_round_trip_matches_keras_keys():
    # Keras: keras.losses.BinaryCrossentropy().get_config() -> {'reduction': 'auto',
    #   'name': 'binary_crossentropy', 'from_logits': False, 'label_smoothing': 0.0,
    #   'axis': -1, 'fn': 'binary_crossentropy'}  ('fn' is only written by Keras's v3 saving)
    config = losses.BinaryCrossentropy().get_config()
    assert config == {"reduction": "auto", "name": "binary_crossentropy", "from_logits": False,
                      "label_smoothing": 0.0, "axis": -1}
    loss = losses.deserialize(losses.serialize(losses.Huber(delta=0.5, reduction="sum")))
    assert isinstance(loss, losses.Huber) and loss.reduction == "sum"
    assert loss.get_config()["delta"] == 0.5
    clone = losses.CategoricalCrossentropy.from_config(dict(config, fn="categorical_crossentropy",
                                                            label_smoothing=0.1))
    assert clone.get_config()["label_smoothing"] == 0.1
    wrapper = losses.LossFunctionWrapper(losses.mse, name="q")
    again = losses.LossFunctionWrapper.from_config(wrapper.get_config())
    assert again.fn is losses.mean_squared_error and again.name == "q"


def test_to_loss_object_wraps_functions_with_their_names():
    def my_loss(y_true, y_pred):
        return torch.mean(torch.abs(y_true - y_pred), dim=-1)

    assert losses.to_loss_object("mse").name == "mean_squared_error"
    assert losses.to_loss_object("binary_crossentropy").fn is losses.binary_crossentropy
    wrapped = losses.to_loss_object(my_loss)
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "my_loss"
    assert wrapped(t(YT), t(YP)).item() == pytest.approx(np.mean(np.abs(YT - YP)), rel=1e-6)
    instance = losses.Huber()
    assert losses.to_loss_object(instance) is instance
    assert losses.to_loss_object(lambda a, b: a).name == "<lambda>"


def test_categorical_crossentropy_single_unit_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = losses.categorical_crossentropy(torch.ones(2, 1), torch.ones(2, 1))
    assert any(issubclass(w.category, SyntaxWarning) for w in caught)
    assert math.isfinite(value[0].item())


def test_losses_never_read_values_back_to_the_host():
    """On the 'meta' device any .item()/bool(tensor)/host copy raises: none may happen."""
    z = torch.randn(8, 3, device="meta")
    p = torch.softmax(z, -1)
    p._keras_logits = z
    zb = torch.randn(8, 1, device="meta")
    pb = torch.sigmoid(zb)
    pb._keras_logits = zb
    y, sw = torch.zeros(8, 3, device="meta"), torch.ones(8, 1, device="meta")
    labels = torch.zeros(8, 1, dtype=torch.long, device="meta")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ["mse", "mae", "mape", "msle", "hinge", "squared_hinge", "categorical_hinge",
                     "kld", "poisson", "log_cosh", "huber", "cosine_similarity",
                     "categorical_crossentropy", "categorical_focal_crossentropy"]:
            assert losses.to_loss_object(name)(y, p, sample_weight=sw).shape == ()
        losses.to_loss_object("sparse_categorical_crossentropy")(labels, p, sample_weight=sw)
        losses.SparseCategoricalCrossentropy(ignore_class=1)(labels, p)
        losses.BinaryCrossentropy()(y[:, :1], pb, sample_weight=sw)
        losses.BinaryFocalCrossentropy()(y[:, :1], pb)
        masked = p * 1
        masked._keras_mask = torch.ones(8, dtype=torch.bool, device="meta")
        losses.MeanSquaredError()(y, masked)


def test_bce_from_logits_gradient_is_tf_analytic_gradient_in_one_node():
    # TF differentiates max(z,0) - z*t + log1p(exp(-|z|)) to sigmoid(z) - t; the fused
    # node must give exactly that (and 0.5 - t at z == 0), and TF's forward values.
    z = torch.tensor([[-40.0], [-1.5], [0.0], [0.0], [2.0], [40.0]], requires_grad=True)
    target = torch.tensor([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]])
    loss = losses.sigmoid_cross_entropy_with_logits(target, z).sum()
    loss.backward()
    np.testing.assert_allclose(z.grad.numpy(), (torch.sigmoid(z) - target).detach().numpy(),
                               rtol=0, atol=0)
    assert z.grad[2, 0].item() == -0.5 and z.grad[3, 0].item() == 0.5
    assert loss.grad_fn.next_functions[0][0].name() == "BinaryCrossEntropyWithLogitsBackward0"
    wide = torch.linspace(-90.0, 90.0, 20001).reshape(-1, 1)
    for t in (0.0, 0.3, 1.0):
        labels = torch.full_like(wide, t)
        tf_formula = wide.clamp_min(0) - wide * labels + torch.log1p(torch.exp(-wide.abs()))
        np.testing.assert_allclose(losses.sigmoid_cross_entropy_with_logits(labels, wide).numpy(),
                                   tf_formula.numpy(), rtol=1e-6, atol=1e-6)
    assert torch.autograd.gradcheck(
        lambda logits: losses.sigmoid_cross_entropy_with_logits(target.double(), logits),
        (torch.tensor([[-3.0], [-0.5], [0.7], [2.0], [1.0], [-1.0]], dtype=torch.float64,
                      requires_grad=True),))
