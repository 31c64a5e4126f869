"""torchkeras.metrics: weighted means, accuracy family, compile resolution, state handling.

Numbers marked "Keras:" were produced by real tf-keras 2.21 (TF_USE_LEGACY_KERAS=1,
``import tf_keras as keras``) with the snippet quoted next to them.
"""
import copy

import numpy as np
import pytest
import torch

from torchkeras import losses, metrics

rng = np.random.RandomState(1)


def t(x, dtype=torch.float32):
    return torch.as_tensor(np.asarray(x), dtype=dtype)


# --------------------------------------------------------------- Mean / Sum / wrapper
def test_mean_weighted_rules_match_keras():
    m = metrics.Mean()
    m.update_state(t([1., 2., 3.]), sample_weight=2)  # scalar weight: count += 2 * 3
    assert m.result().item() == pytest.approx(2.0)
    m.update_state(t(5.), sample_weight=4.0)
    assert m.result().item() == pytest.approx((12 + 20) / 10)
    values = rng.uniform(size=(2, 3, 4)).astype(np.float32)
    m.update_state(t(values), sample_weight=t([1., 2.]))  # weights of lower rank: mean first
    total = 32 + values[0].mean() + 2 * values[1].mean()
    assert m.result().item() == pytest.approx(total / 13, rel=1e-6)
    values2 = rng.uniform(size=(2, 3)).astype(np.float32)
    m.update_state(t(values2), sample_weight=t([1., 2.]))  # (N,) -> (N, 1), broadcast
    total += values2[0].sum() + 2 * values2[1].sum()
    assert m.result().item() == pytest.approx(total / (13 + 9), rel=1e-6)
    m.reset_state()
    assert m.result().item() == 0.0
    # Keras: m = keras.metrics.Mean(); m.update_state(np.ones((2, 3)), sample_weight=[1., 2.])
    #        -> result 1.0, count 9.0
    m.update_state(np.ones((2, 3)), sample_weight=[1., 2.])
    assert m.result().item() == 1.0 and m.count.item() == 9.0
    # Keras: m = keras.metrics.Mean(); m.update_state(np.arange(24.).reshape(2, 3, 4),
    #        sample_weight=[1., 2.]) -> total 40.5, count 3.0
    m.reset_state()
    m.update_state(np.arange(24.).reshape(2, 3, 4), sample_weight=[1., 2.])
    assert (m.total.item(), m.count.item()) == (40.5, 3.0)


def test_sum_reduces_extra_dims_by_sum():
    # Keras: s = keras.metrics.Sum(); s.update_state(np.arange(24.).reshape(2, 3, 4),
    #        sample_weight=[1., 2.]) -> 486.0
    s = metrics.Sum()
    s(np.arange(24.).reshape(2, 3, 4), sample_weight=[1., 2.])
    assert s.result().item() == 486.0


def test_loss_tracker_usage_from_the_engine():
    tracker = metrics.Mean(name="loss")
    for value, batch in [(2.0, 32), (4.0, 32), (1.0, 8)]:
        tracker.update_state(torch.tensor(value), sample_weight=batch)
    assert tracker.result().item() == pytest.approx((64 + 128 + 8) / 72)
    assert tracker.name == "loss"


def test_mean_metric_wrapper_formula_with_weights():
    y, p = rng.uniform(size=(5, 3)), rng.uniform(size=(5, 3))
    sw = np.array([1., 0., 2., 0.5, 1.])
    m = metrics.MeanMetricWrapper(losses.mean_absolute_error, name="mae")
    m.update_state(t(y), t(p), sample_weight=t(sw))
    per = np.abs(y - p).mean(-1)
    assert m.result().item() == pytest.approx(np.sum(per * sw) / sw.sum(), rel=1e-6)
    m.update_state(t(y), t(p))
    assert m.result().item() == pytest.approx((np.sum(per * sw) + per.sum()) / (sw.sum() + 5),
                                              rel=1e-6)


def test_result_is_zero_without_updates_and_call_updates():
    m = metrics.MeanSquaredError()
    assert m.result().item() == 0.0
    value = m(t([[1.], [2.]]), t([[0.], [0.]]))
    assert value.item() == pytest.approx(2.5)
    m.reset_states()  # Keras 2 name
    assert m.result().item() == 0.0


# ---------------------------------------------------------------------- accuracies
def test_binary_accuracy_threshold_and_shapes():
    y = np.array([[0.], [1.], [1.], [0.], [1.], [0.]], np.float32)
    p = np.array([[0.5], [0.51], [0.49], [0.6], [0.4], [0.9]], np.float32)
    sw = np.array([1., 0.5, 2., 0., 3., 1.], np.float32)
    matches = ((p > 0.5) == y)[:, 0]
    for labels in (y, y[:, 0]):  # (N, 1) or (N,) labels
        m = metrics.BinaryAccuracy()
        m.update_state(t(labels), t(p), sample_weight=t(sw))
        assert m.result().item() == pytest.approx(np.sum(matches * sw) / sw.sum(), rel=1e-6)
    m = metrics.BinaryAccuracy(threshold=0.7)
    m.update_state(t(y), t(p))
    assert m.result().item() == pytest.approx(np.mean((p > 0.7) == y))
    np.testing.assert_allclose(metrics.binary_accuracy(t(y), t(p)).numpy(), matches)


def test_categorical_and_sparse_accuracy():
    probs = rng.uniform(size=(6, 4)).astype(np.float32)
    labels = np.array([0, 3, 1, 1, 2, 0])
    onehot = np.eye(4, dtype=np.float32)[labels]
    sw = np.array([1., 0.5, 2., 0., 3., 1.], np.float32)
    matches = (probs.argmax(-1) == labels).astype(np.float32)
    cat = metrics.CategoricalAccuracy()
    cat.update_state(t(onehot), t(probs), sample_weight=t(sw))
    sparse = metrics.SparseCategoricalAccuracy()
    sparse.update_state(t(labels[:, None]), t(probs), sample_weight=t(sw))
    expected = np.sum(matches * sw) / sw.sum()
    assert cat.result().item() == pytest.approx(expected, rel=1e-6)
    assert sparse.result().item() == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(metrics.categorical_accuracy(t(onehot), t(probs)).numpy(), matches)
    np.testing.assert_allclose(
        metrics.sparse_categorical_accuracy(torch.tensor(labels), t(probs)).numpy(), matches)
    assert metrics.sparse_categorical_accuracy(t(labels[:, None]), t(probs)).shape == (6,)


def test_top_k_counts_ties_in_favour_like_tf_in_top_k():
    # Keras: m = keras.metrics.SparseTopKCategoricalAccuracy(k=1)
    #        m.update_state([1, 2, 0], [[.5, .5, 0.], [.2, .2, .2], [.1, .3, .3]]) -> 0.6666667
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state(torch.tensor([1, 2, 0]), t([[.5, .5, 0.], [.2, .2, .2], [.1, .3, .3]]))
    assert m.result().item() == pytest.approx(2 / 3)
    probs = rng.uniform(size=(6, 5)).astype(np.float32)
    labels = np.array([0, 3, 1, 4, 2, 0])
    rank = (probs > probs[np.arange(6), labels][:, None]).sum(-1)
    for k in (1, 2, 3):
        top = metrics.TopKCategoricalAccuracy(k=k)
        top.update_state(t(np.eye(5)[labels]), t(probs))
        assert top.result().item() == pytest.approx(np.mean(rank < k))
    assert metrics.sparse_top_k_categorical_accuracy(
        torch.tensor([0]), t([[np.nan, 1., 0.]]), k=3).item() == 0.0  # non-finite row: False


def test_accuracy_exact_match():
    m = metrics.Accuracy()
    m.update_state(t([[1.], [2.], [3.], [4.]]), t([[0.], [2.], [3.], [4.]]),
                   sample_weight=t([1., 0.5, 2., 0.]))
    assert m.result().item() == pytest.approx(2.5 / 3.5)


# ------------------------------------------------------------------------ others
def test_regression_metrics():
    y, p = rng.uniform(size=(4, 3)), rng.uniform(0.1, 2, size=(4, 3))
    sw = np.array([1., 0.5, 2., 0.])
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(t(y), t(p), sample_weight=t(sw))
    sq = (y - p) ** 2
    assert rmse.result().item() == pytest.approx(
        np.sqrt(np.sum(sq * sw[:, None]) / (3 * sw.sum())), rel=1e-6)
    # Keras: m = keras.metrics.RootMeanSquaredError(); m.update_state([0., 1., 2., 3.],
    #        [[.5], [1.5], [1.], [4.]], sample_weight=[1., .5, 2., 0.]) -> 0.8237544
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(t([0., 1., 2., 3.]), t([[.5], [1.5], [1.], [4.]]),
                      sample_weight=t([1., .5, 2., 0.]))
    assert rmse.result().item() == pytest.approx(0.8237544, rel=1e-6)
    cos = metrics.CosineSimilarity()
    cos.update_state(t(y), t(p))
    expected = np.mean(np.sum(y * p, -1) / np.linalg.norm(y, axis=-1) / np.linalg.norm(p, axis=-1))
    assert cos.result().item() == pytest.approx(expected, rel=1e-5)  # positive, unlike the loss
    assert metrics.LogCoshError().name == "logcosh"
    assert metrics.KLDivergence().name == "kullback_leibler_divergence"


def test_crossentropy_metric_uses_recovered_logits():
    # Keras: m = keras.metrics.BinaryCrossentropy(); m.update_state(y, keras.activations.sigmoid(
    #        z), sample_weight=[1., .5, 2., 0., 3., 1.]) with y = [[0], [1], [1], [0], [1], [0]],
    #        z = [[-30], [-20], [0], [5], [20], [30]] -> 5.5181727
    z = t([[-30.], [-20.], [0.], [5.], [20.], [30.]])
    p = torch.sigmoid(z)
    p._keras_logits = z
    m = metrics.BinaryCrossentropy()
    m.update_state(t([[0.], [1.], [1.], [0.], [1.], [0.]]), p,
                   sample_weight=t([1., .5, 2., 0., 3., 1.]))
    assert m.result().item() == pytest.approx(5.5181727, rel=1e-6)


def test_updates_keep_no_autograd_graph_and_follow_the_data_device():
    p = torch.rand(4, 3, requires_grad=True)
    m = metrics.CategoricalCrossentropy()
    m.update_state(torch.eye(3)[[0, 1, 2, 0]], p)
    assert not m.total.requires_grad and m.total.grad_fn is None
    assert not m.result().requires_grad
    assert m.total.device == p.device


# --------------------------------------------------------------------- resolution
@pytest.mark.parametrize("y_shape, p_shape, acc_fn, ce_fn", [
    ((8,), (8, 1), "binary_accuracy", "binary_crossentropy"),
    ((8, 1), (8, 1), "binary_accuracy", "binary_crossentropy"),
    ((8, 1), (8, 3), "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
    ((8,), (8, 3), "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
    ((8, 3), (8, 3), "categorical_accuracy", "categorical_crossentropy"),
    ((8, 5), (8, 5, 3), "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
])
def test_resolve_accuracy_and_crossentropy_by_shapes(y_shape, p_shape, acc_fn, ce_fn):
    # Keras: compile(metrics=['acc', 'ACC', 'Accuracy', 'ce']) then fit; the wrapped functions
    # were binary_accuracy / sparse_categorical_accuracy / categorical_accuracy as listed.
    for identifier in ("acc", "ACC", "accuracy", "Accuracy"):
        m = metrics.resolve_metric(identifier, np.zeros(y_shape), np.zeros(p_shape))
        assert m.name == identifier and m._fn.__name__ == acc_fn
    for identifier in ("ce", "crossentropy"):
        m = metrics.resolve_metric(identifier, torch.zeros(y_shape), torch.zeros(p_shape))
        assert m.name == identifier and m._fn.__name__ == ce_fn
    m = metrics.resolve_metric("acc", y_shape, p_shape)  # shapes work too
    assert m._fn.__name__ == acc_fn


def test_resolve_names_like_keras_history_keys():
    def my_metric(y_true, y_pred):
        return torch.mean(y_pred, dim=-1)

    y, p = np.zeros((8,)), np.zeros((8, 1))
    # Keras History keys: ['loss', 'mse', 'mean_squared_error', 'my_metric',
    #                      'binary_crossentropy', 'cosine_proximity', '<lambda>']
    identifiers = ["mse", losses.mean_squared_error, my_metric, losses.BinaryCrossentropy(),
                   "cosine_proximity", lambda a, b: a]
    names = [metrics.resolve_metric(i, y, p).name for i in identifiers]
    assert names == ["mse", "mean_squared_error", "my_metric", "binary_crossentropy",
                     "cosine_proximity", "<lambda>"]
    instance = metrics.AUC() if hasattr(metrics, "AUC") else metrics.MeanAbsoluteError()
    assert metrics.resolve_metric(instance, y, p) is instance
    by_class = metrics.resolve_metric("MeanSquaredError", y, p)
    assert isinstance(by_class, metrics.MeanSquaredError) and by_class.name == "mean_squared_error"
    custom = metrics.resolve_metric(my_metric, y, p)
    custom.update_state(t(y), t([[1.], [3.], [2.], [2.], [2.], [2.], [2.], [2.]]))
    assert custom.result().item() == pytest.approx(2.0)


def test_compile_fit_style_evaluation_matches_keras():
    """Loss, metrics and weighted metrics as Model.evaluate composes them.

    Keras:
        x = [[10., -5.], [0., 0.], [-4., 3.], [1., 1.], [0.2, 0.1], [-10., 10.]]
        y = [1., 0., 1., 0., 1., 0.]; sw = [1., 2., .5, 0., 1., 3.]
        m = keras.Sequential([keras.layers.Dense(1, activation='sigmoid', input_shape=(2,))])
        m.set_weights([[[2.], [-3.]], [0.25]])
        m.compile('sgd', 'binary_crossentropy', metrics=['acc', 'ce'],
                  weighted_metrics=['acc', 'mse'])
        m.evaluate(x, y, sample_weight=sw, batch_size=4, return_dict=True)
        -> {'loss': 1.7600435, 'acc': 0.6666667, 'ce': 3.0826988, 'weighted_acc': 0.6666667,
            'mse': 0.17372932}
        The same with Dense(3, 'softmax'), kernel [[2., -1., .5], [-3., 4., 1.]],
        bias [.25, 0., -.5], x * 5, y = [0, 1, 2, 2, 1, 0], loss
        'sparse_categorical_crossentropy', metrics ['acc', 'ce'], weighted ['acc'], batch 6
        -> {'loss': 256.66537, 'acc': 0.33333334, 'ce': 97.53019, 'weighted_acc': 0.26666668}
    """
    x = t([[10., -5.], [0., 0.], [-4., 3.], [1., 1.], [0.2, 0.1], [-10., 10.]])
    sw = t([1., 2., .5, 0., 1., 3.])

    def evaluate(x, y, kernel, bias, activation, loss_id, names, weighted, batch_size):
        loss_obj = losses.to_loss_object(loss_id)
        tracker, plain, weighted_objs = metrics.Mean(name="loss"), None, None
        for i in range(0, len(x), batch_size):
            xb, yb, swb = x[i:i + batch_size], y[i:i + batch_size], sw[i:i + batch_size]
            z = xb @ kernel + bias
            yp = activation(z)
            yp._keras_logits = z
            if plain is None:
                plain = [metrics.resolve_metric(n, yb, yp) for n in names]
                weighted_objs = [metrics.resolve_metric(n, yb, yp) for n in weighted]
                for m in weighted_objs:
                    if m.name in [p.name for p in plain]:
                        m.name = "weighted_" + m.name
            yt, yp, swb = losses.match_dtype_and_rank(yb, yp, swb)
            tracker.update_state(loss_obj(yt, yp, sample_weight=swb), sample_weight=len(xb))
            for m in plain:
                m.update_state(yt, yp)  # Keras passes only the mask to unweighted metrics
            for m in weighted_objs:
                m.update_state(yt, yp, sample_weight=swb)
        return {"loss": tracker.result().item(),
                **{m.name: m.result().item() for m in plain + weighted_objs}}

    got = evaluate(x, t([1., 0., 1., 0., 1., 0.]), t([[2.], [-3.]]), t([0.25]), torch.sigmoid,
                   "binary_crossentropy", ["acc", "ce"], ["acc", "mse"], 4)
    expected = {"loss": 1.7600435, "acc": 0.6666667, "ce": 3.0826988, "weighted_acc": 0.6666667,
                "mse": 0.17372932}
    assert got == pytest.approx(expected, rel=1e-6)
    got = evaluate(x * 5, torch.tensor([0, 1, 2, 2, 1, 0]),
                   t([[2., -1., .5], [-3., 4., 1.]]), t([.25, 0., -.5]),
                   lambda z: torch.softmax(z, -1), "sparse_categorical_crossentropy",
                   ["acc", "ce"], ["acc"], 6)
    expected = {"loss": 256.66537, "acc": 0.33333334, "ce": 97.53019, "weighted_acc": 0.26666668}
    assert got == pytest.approx(expected, rel=1e-6)


# ------------------------------------------------------------------ lookup, config
@pytest.mark.parametrize("name, fn", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error), ("mape", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("acc", metrics.accuracy),
    ("binary_accuracy", metrics.binary_accuracy),
    ("sparse_top_k_categorical_accuracy", metrics.sparse_top_k_categorical_accuracy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("kullback_leibler_divergence", losses.kl_divergence), ("logcosh", losses.log_cosh),
    ("cosine_proximity", metrics.cosine_similarity), ("hinge", losses.hinge)])
def test_get_strings(name, fn):
    assert metrics.get(name) is fn


def test_get_classes_and_errors():
    assert isinstance(metrics.get("RootMeanSquaredError"), metrics.RootMeanSquaredError)
    assert metrics.get("BinaryAccuracy").name == "binary_accuracy"
    with pytest.raises(ValueError, match="Unknown metric function: 'accuracyy'"):
        metrics.get("accuracyy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(3)


def test_configs_match_keras_and_round_trip():
    # Keras: keras.metrics.BinaryAccuracy().get_config()
    #        -> {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.5}
    assert metrics.BinaryAccuracy().get_config() == {"name": "binary_accuracy",
                                                     "dtype": "float32", "threshold": 0.5}
    # Keras: keras.metrics.SparseCategoricalCrossentropy().get_config() -> {'name': ...,
    #        'dtype': 'float32', 'from_logits': False, 'ignore_class': None, 'axis': -1}
    assert metrics.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": False,
        "ignore_class": None, "axis": -1}
    top = metrics.deserialize(metrics.serialize(metrics.TopKCategoricalAccuracy(k=2, name="t2")))
    assert isinstance(top, metrics.TopKCategoricalAccuracy) and top.get_config()["k"] == 2
    assert top.name == "t2"
    wrapper = metrics.MeanMetricWrapper.from_config(
        metrics.MeanMetricWrapper(losses.mse, name="x").get_config())
    assert wrapper._fn is losses.mean_squared_error and wrapper.name == "x"
    assert str(metrics.BinaryAccuracy()) == "BinaryAccuracy(name=binary_accuracy,dtype=float32,threshold=0.5)"


def test_copy_keeps_config_and_state():
    m = metrics.Mean()
    m.update_state(t([1., 2.]))
    clone = copy.deepcopy(m)
    assert clone.result().item() == pytest.approx(1.5)
    clone.update_state(t([9.]))
    assert m.result().item() == pytest.approx(1.5)
    fresh = metrics.clone_metric(m)
    assert fresh.result().item() == 0.0 and fresh.name == "mean"


# ------------------------------------------------------------------ custom metrics
def test_custom_metric_subclass_with_add_weight():
    class TruePositives(metrics.Metric):
        def __init__(self, name="true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.tp = self.add_weight(name="tp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = (torch.as_tensor(y_pred) > 0.5) & (torch.as_tensor(y_true) == 1)
            self.tp.assign_add(torch.sum(hits.float()))

        def result(self):
            return self.tp + 0

    m = TruePositives()
    m.update_state(t([1., 0., 1.]), t([0.9, 0.8, 0.2]))
    m.update_state(t([1.]), t([0.7]))
    assert m.result().item() == 2.0
    assert [v.name for v in m.variables] == ["tp:0"]
    assert m.get_weights()[0] == 2.0
    m.reset_state()
    assert m.result().item() == 0.0

    class Unnamed(metrics.Metric):
        def update_state(self, *args, **kwargs):
            pass

        def result(self):
            return torch.tensor(0.0)

    first, second = Unnamed(), Unnamed()
    assert first.name.startswith("unnamed") and first.name != second.name
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        Unnamed(foo=1)


def test_legacy_reset_states_override_is_honoured():
    class Legacy(metrics.Mean):
        def reset_states(self):
            self.total.assign(42.0)

    m = Legacy()
    with pytest.warns(UserWarning, match="reset_states"):
        m.reset_state()
    assert m.total.item() == 42.0


def test_metric_updates_never_read_values_back_to_the_host():
    """On the 'meta' device any .item()/bool(tensor)/host copy raises: none may happen."""
    z = torch.randn(8, 3, device="meta")
    p = torch.softmax(z, -1)
    p._keras_logits = z
    labels = torch.zeros(8, 1, device="meta")
    onehot, sw = torch.zeros(8, 3, device="meta"), torch.ones(8, 1, device="meta")
    for identifier in ["acc", "ce", "mse", "mae", "kld", metrics.RootMeanSquaredError(),
                       metrics.SparseTopKCategoricalAccuracy(k=2)]:
        m = metrics.resolve_metric(identifier, labels, p)
        m.update_state(labels if identifier in ("acc", "ce") or not isinstance(identifier, str)
                       else onehot, p, sample_weight=sw)
        assert m.result().device.type == "meta" and m.total.device.type == "meta"
    for m in (metrics.TopKCategoricalAccuracy(k=2), metrics.CosineSimilarity(),
              metrics.Accuracy()):
        m.update_state(onehot, p)
        m.result()
    tracker = metrics.Mean(name="loss")
    tracker.update_state(torch.tensor(1.0, device="meta"), sample_weight=8)
    assert tracker.result().device.type == "meta"


def test_keras3_add_variable_and_value_property():
    import torchkeras as keras_

    class Count(keras_.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(float(len(y_true)))

        def result(self):
            return self.count.value

    metric = Count()
    metric.update_state([1, 2, 3], [1, 2, 3])
    assert float(metric.result()) == 3.0 and float(metric.count.value()) == 3.0
    assert [v.name for v in metric.variables] == ["count:0"]
