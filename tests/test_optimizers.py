"""Optimizers: Keras's update formulas, clipping/decay order, API, serialization, torch plumbing.

Trajectories are checked against a straightforward NumPy re-implementation of tf-keras 2.11+'s
``apply_gradients`` (written from tf_keras/src/optimizers/*.py, float64) and against numbers
recorded from real tf-keras (snippet next to them).
"""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

from torchkeras import optimizers
from torchkeras.optimizers import schedules

# --------------------------------------------------------------------------- NumPy reference


def _np_update(name, hp, v, g, s, lr, t):
    """One Keras update of variable ``v`` (in place) with gradient ``g`` and slots ``s``."""
    if name == "SGD":
        mu = hp.get("momentum", 0.0)
        s["m"] = -g * lr + s["m"] * mu
        v += (-g * lr + s["m"] * mu) if hp.get("nesterov") else s["m"]
    elif name == "RMSprop":
        rho, eps, mu = hp.get("rho", 0.9), hp.get("epsilon", 1e-7), hp.get("momentum", 0.0)
        s["v"] = rho * s["v"] + (1 - rho) * g ** 2
        if hp.get("centered"):
            s["a"] = rho * s["a"] + (1 - rho) * g
            denominator = s["v"] - s["a"] ** 2 + eps
        else:
            denominator = s["v"] + eps
        increment = lr * g / np.sqrt(denominator)
        if mu > 0:
            s["mom"] = mu * s["mom"] + increment
            v -= s["mom"]
        else:
            v -= increment
    elif name in ("Adam", "AdamW"):
        b1, b2, eps = hp.get("beta_1", 0.9), hp.get("beta_2", 0.999), hp.get("epsilon", 1e-7)
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        s["m"] += (g - s["m"]) * (1 - b1)
        s["v"] += (g ** 2 - s["v"]) * (1 - b2)
        vv = s["v"]
        if hp.get("amsgrad"):
            s["vhat"] = np.maximum(s["vhat"], s["v"])
            vv = s["vhat"]
        v -= s["m"] * alpha / (np.sqrt(vv) + eps)
    elif name == "Adagrad":
        s["acc"] += g * g
        v -= lr * g / np.sqrt(s["acc"] + hp.get("epsilon", 1e-7))
    elif name == "Adadelta":
        rho, eps = hp.get("rho", 0.95), hp.get("epsilon", 1e-7)
        s["ag"] = rho * s["ag"] + (1 - rho) * g * g
        delta = -np.sqrt(s["ad"] + eps) * g / np.sqrt(s["ag"] + eps)
        s["ad"] = rho * s["ad"] + (1 - rho) * delta * delta
        v += lr * delta
    elif name == "Adamax":
        b1, b2, eps = hp.get("beta_1", 0.9), hp.get("beta_2", 0.999), hp.get("epsilon", 1e-7)
        s["m"] += (g - s["m"]) * (1 - b1)
        s["u"] = np.maximum(b2 * s["u"], np.abs(g))
        v -= lr * s["m"] / ((1 - b1 ** t) * (s["u"] + eps))
    elif name == "Nadam":
        b1, b2, eps = hp.get("beta_1", 0.9), hp.get("beta_2", 0.999), hp.get("epsilon", 1e-7)
        u = [b1 * (1 - 0.5 * 0.96 ** i) for i in range(1, t + 2)]  # u_1 .. u_{t+1}
        u_t, u_t1 = u[t - 1], u[t]
        prod_t = np.prod(u[:t])
        s["m"] += (g - s["m"]) * (1 - b1)
        s["v"] += (g ** 2 - s["v"]) * (1 - b2)
        m_hat = u_t1 * s["m"] / (1 - prod_t * u_t1) + (1 - u_t) * g / (1 - prod_t)
        v_hat = s["v"] / (1 - b2 ** t)
        v -= m_hat * lr / (np.sqrt(v_hat) + eps)
    else:
        raise ValueError(name)


def _np_keras(name, hp, variables, grad_steps, learning_rate_fn=None):
    """tf-keras apply_gradients, in order: lr, clip, weight decay, update, EMA, iterations."""
    variables = [v.astype(np.float64).copy() for v in variables]
    acc0 = hp.get("initial_accumulator_value", 0.1)
    slots = [{"m": np.zeros_like(v), "v": np.zeros_like(v), "a": np.zeros_like(v),
              "mom": np.zeros_like(v), "vhat": np.zeros_like(v), "acc": np.full_like(v, acc0),
              "ag": np.zeros_like(v), "ad": np.zeros_like(v), "u": np.zeros_like(v)}
             for v in variables]
    averages = [v.copy() for v in variables]
    wd = hp.get("weight_decay", 0.004 if name == "AdamW" else None)
    trajectory = []
    for it, grads in enumerate(grad_steps):
        lr = learning_rate_fn(it) if learning_rate_fn else hp.get("learning_rate", 0.001)
        if hp.get("decay"):
            lr = lr / (1 + hp["decay"] * it)
        grads = [g.astype(np.float64) for g in grads]
        if hp.get("clipnorm"):
            c = hp["clipnorm"]
            grads = [g * c / max(np.sqrt(np.sum(g * g)), c) for g in grads]
        elif hp.get("global_clipnorm"):
            c = hp["global_clipnorm"]
            norm = np.sqrt(sum(np.sum(g * g) for g in grads))
            grads = [g * (c * min(1 / norm, 1 / c)) for g in grads]
        elif hp.get("clipvalue"):
            grads = [np.clip(g, -hp["clipvalue"], hp["clipvalue"]) for g in grads]
        if wd:
            for v in variables:
                v -= v * wd * lr
        for v, g, s in zip(variables, grads, slots):
            _np_update(name, hp, v, g, s, lr, it + 1)
        if hp.get("use_ema"):
            mom = hp.get("ema_momentum", 0.99)
            for v, a in zip(variables, averages):
                a[...] = mom * a + (1 - mom) * v
            freq = hp.get("ema_overwrite_frequency")
            if freq and (it + 1) % freq == 0:
                for v, a in zip(variables, averages):
                    v[...] = a
        trajectory.append([v.copy() for v in variables])
    return trajectory


_RNG = np.random.RandomState(7)
_VARS = [_RNG.randn(3, 4), _RNG.randn(5)]
_GRADS = [[_RNG.randn(3, 4) * 2, _RNG.randn(5) * 0.3] for _ in range(5)]

CASES = [
    ("SGD", dict(learning_rate=0.1)),
    ("SGD", dict(learning_rate=0.1, momentum=0.9)),
    ("SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("RMSprop", dict(learning_rate=0.01)),
    ("RMSprop", dict(learning_rate=0.01, centered=True, momentum=0.5, clipvalue=0.5)),
    ("Adam", dict(learning_rate=0.01)),
    ("Adam", dict(learning_rate=0.01, amsgrad=True, clipnorm=1.0)),
    ("Adam", dict(learning_rate=0.01, global_clipnorm=1.5, weight_decay=0.1)),
    ("Adam", dict(learning_rate=0.05, use_ema=True, ema_momentum=0.9,
                  ema_overwrite_frequency=3)),
    ("AdamW", dict(learning_rate=0.01)),
    ("AdamW", dict(learning_rate=0.02, weight_decay=0.05, amsgrad=True)),
    ("Adagrad", dict(learning_rate=0.1)),
    ("Adagrad", dict(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=1e-3)),
    ("Adadelta", dict(learning_rate=1.0)),
    ("Adamax", dict(learning_rate=0.01)),
    ("Nadam", dict(learning_rate=0.01)),
    ("Nadam", dict(learning_rate=0.01, clipnorm=0.7, beta_1=0.8)),
    ("Adam", dict(learning_rate=0.01, decay=0.5)),
]


def _run(opt, variables, grad_steps, dtype, use_apply=False):
    params = [torch.nn.Parameter(torch.tensor(v, dtype=dtype)) for v in variables]
    opt.build(params)
    out = []
    for grads in grad_steps:
        gs = [torch.tensor(g, dtype=dtype) for g in grads]
        if use_apply:
            opt.apply_gradients(zip(gs, params))
        else:
            for p, g in zip(params, gs):
                p.grad = g
            opt.step()
        out.append([p.detach().numpy().astype(np.float64) for p in params])
    return out


def _make(name, hp):
    return getattr(optimizers, name)(**hp)


@pytest.mark.parametrize("name,hp", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_numpy_keras_formula_float64(name, hp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _run(_make(name, hp), _VARS, _GRADS, torch.float64)
    ref = _np_keras(name, hp, _VARS, _GRADS)
    for got_step, ref_step in zip(ours, ref):
        for got, want in zip(got_step, ref_step):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name,hp", CASES[:9], ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES[:9])])
def test_float32_and_apply_gradients_match_formula(name, hp):
    ours = _run(_make(name, hp), _VARS, _GRADS, torch.float32, use_apply=True)
    ref = _np_keras(name, hp, _VARS, _GRADS)
    for got, want in zip(ours[-1], ref[-1]):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def test_schedule_learning_rate_follows_iterations():
    sched = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    ours = _run(optimizers.SGD(learning_rate=sched, momentum=0.5), _VARS, _GRADS, torch.float64)
    ref = _np_keras("SGD", dict(momentum=0.5), _VARS, _GRADS,
                    learning_rate_fn=lambda it: 0.1 * 0.5 ** (it / 2))
    np.testing.assert_allclose(ours[-1][0], ref[-1][0], rtol=1e-6, atol=1e-7)  # lr in float32


# Recorded from real tf-keras 2.21 (TF_USE_LEGACY_KERAS=1, TF_ENABLE_ONEDNN_OPTS=0) with:
#   grads = [[0.1, -0.2, 0.3], [1.0, 0.5, -0.5], [-2.0, 0.0, 4.0]]
#   opt = eval(MAKE); v = tf.Variable([0.5, -1.0, 2.0])
#   for g in grads: opt.apply_gradients([(tf.constant(g), v)]); print(v.numpy())
KERAS_RECORDED = {
    "Adam(learning_rate=0.1, clipnorm=1.0, weight_decay=0.05)":
        [[0.397503823, -0.895002246, 1.89000177], [0.313513488, -0.927891791, 1.90086126],
         [0.286785454, -0.952135444, 1.84349763]],
    "Nadam(learning_rate=0.1)":
        [[0.393721312, -0.893721282, 1.89372122], [0.291343808, -0.985910296, 1.97763133],
         [0.38265729, -0.991007864, 1.87237954]],
    "RMSprop(learning_rate=0.1, centered=True, momentum=0.5)":
        [[0.166685194, -0.666671276, 1.66666865], [-0.335137039, -0.801101923, 1.77705014],
         [-0.297501177, -0.868317246, 1.50409877]],
    "SGD(learning_rate=0.1, momentum=0.9, nesterov=True, clipvalue=1.0)":
        [[0.481000006, -0.962000012, 1.94299996], [0.282900006, -1.04079998, 2.01370001],
         [0.384609997, -1.06672001, 1.84232998]],
    "Adagrad(learning_rate=0.1)":
        [[0.469848871, -0.946547747, 1.93117535], [0.374933064, -1.0266118, 2.00655317],
         [0.463407844, -1.0266118, 1.90790045]],
    "Adamax(learning_rate=0.1)":
        [[0.400000125, -0.900000095, 1.9000001], [0.342631727, -0.933684289, 1.92421055],
         [0.361432463, -0.954960167, 1.88921976]],
    "Adadelta(learning_rate=1.0)":
        [[0.498585939, -0.99858582, 1.99858582], [0.496595472, -1.00044918, 2.00031233],
         [0.499113649, -1.00044918, 1.997715]],
    "AdamW(learning_rate=0.1, amsgrad=True)":
        [[0.399803817, -0.899602234, 1.89920175], [0.318936169, -0.943463206, 1.92779768],
         [0.347893745, -0.977251768, 1.86708403]],
    "Ftrl(learning_rate=0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.02,"
    " l2_shrinkage_regularization_strength=0.03, beta=0.1)":
        [[-0.00983018707, -0.0647013783, 0.363637567], [-0.0961674377, -0.132802695, 0.425955594],
         [-0.0113400454, -0.131708905, 0.329155445]],
    "Ftrl(learning_rate=0.1)":
        [[-0.00688243099, -0.101393513, 0.480222791], [-0.101798229, -0.181457594, 0.555600643],
         [-0.0133234402, -0.181457594, 0.456947953]],
    "Lion(learning_rate=0.1)":
        [[0.400000006, -0.899999976, 1.89999998], [0.300000012, -1.0, 2.0],
         [0.400000006, -1.10000002, 1.89999998]],
}


@pytest.mark.parametrize("make", list(KERAS_RECORDED))
def test_matches_recorded_tf_keras(make):
    opt = eval("optimizers." + make)
    grads = [[0.1, -0.2, 0.3], [1.0, 0.5, -0.5], [-2.0, 0.0, 4.0]]
    v = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0]))
    for g, want in zip(grads, KERAS_RECORDED[make]):
        opt.apply_gradients([(torch.tensor(g), v)])
        np.testing.assert_allclose(v.detach().numpy(), want, rtol=2e-6, atol=2e-7)


# --------------------------------------------------------------------------- schedules


def test_schedules_match_formulas():
    S = schedules
    steps = np.arange(0, 40)
    checks = [
        (S.ExponentialDecay(0.1, 7, 0.9), 0.1 * 0.9 ** (steps / 7)),
        (S.ExponentialDecay(0.1, 7, 0.9, staircase=True), 0.1 * 0.9 ** np.floor(steps / 7)),
        (S.InverseTimeDecay(0.1, 5, 0.5), 0.1 / (1 + 0.5 * steps / 5)),
        (S.PolynomialDecay(0.1, 20, 0.01, power=0.5),
         (0.1 - 0.01) * (1 - np.minimum(steps, 20) / 20) ** 0.5 + 0.01),
        (S.CosineDecay(0.1, 30, alpha=0.05),
         0.1 * (0.95 * 0.5 * (1 + np.cos(np.pi * np.minimum(steps, 30) / 30)) + 0.05)),
        (S.PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1]),
         np.where(steps <= 3, 1.0, np.where(steps <= 10, 0.5, 0.1))),
    ]
    for sched, want in checks:
        got = np.array([sched(int(s)) for s in steps])
        np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=type(sched).__name__)


# Recorded from tf-keras 2.21: [float(s(tf.constant(i))) for i in (0, 5, 9, 10, 25, 45)] with
#   CosineDecay(0.0, 30, warmup_target=0.2, warmup_steps=10) and
#   CosineDecayRestarts(0.1, 7, t_mul=2.0, m_mul=0.8, alpha=0.01)
WARM_REF = [0.0, 0.100000001, 0.179999992, 0.200000003, 0.099999994, 0.0]
RESTART_REF = [0.100000001, 0.0196372475, 0.0762783661, 0.0715605244, 0.0612226985, 0.00413730741]


def test_warmup_and_restarts_match_recorded_keras():
    warm = schedules.CosineDecay(0.0, 30, warmup_target=0.2, warmup_steps=10)
    restarts = schedules.CosineDecayRestarts(0.1, 7, t_mul=2.0, m_mul=0.8, alpha=0.01)
    steps = (0, 5, 9, 10, 25, 45)
    np.testing.assert_allclose([warm(s) for s in steps], WARM_REF, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose([restarts(s) for s in steps], RESTART_REF, rtol=1e-6)


def test_schedule_serialization_round_trip():
    sched = schedules.PolynomialDecay(0.1, 20, 0.01, power=2.0, cycle=True)
    back = schedules.deserialize(schedules.serialize(sched))
    assert isinstance(back, schedules.PolynomialDecay)
    assert back.get_config() == sched.get_config()
    assert [back(s) for s in (0, 25, 41)] == [sched(s) for s in (0, 25, 41)]
    with pytest.raises(ValueError, match="length of boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


# --------------------------------------------------------------------------- API


def _params(*shapes):
    torch.manual_seed(0)
    return [torch.nn.Parameter(torch.randn(*s)) for s in shapes]


def test_construct_without_params_then_build_and_defaults():
    opt = optimizers.Adam()
    assert not opt.built and opt.learning_rate == 0.001
    assert (opt.beta_1, opt.beta_2, opt.epsilon, opt.amsgrad) == (0.9, 0.999, 1e-7, False)
    assert optimizers.SGD().learning_rate == 0.01
    assert optimizers.RMSprop().rho == 0.9 and optimizers.Adadelta().rho == 0.95
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert optimizers.AdamW().weight_decay == 0.004
    ps = _params((2, 3), (3,))
    opt.build(ps)
    assert opt.built and opt.param_groups[0]["params"] == ps
    assert isinstance(opt, torch.optim.Optimizer)


def test_legacy_lr_and_decay_kwargs():
    with pytest.warns(UserWarning, match="`lr` is deprecated"):
        opt = optimizers.SGD(lr=0.5)
    assert opt.learning_rate == 0.5 and opt.lr == 0.5
    # decay: lr_t = lr / (1 + decay * iterations)
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = optimizers.SGD(learning_rate=1.0, decay=1.0)
    for _ in range(3):
        opt.apply_gradients([(torch.ones(1, dtype=torch.float64), p)])
    assert p.item() == pytest.approx(-(1 + 1 / 2 + 1 / 3))
    assert opt.get_config()["decay"] == 1.0


def test_unknown_kwarg_and_invalid_values():
    with pytest.raises(TypeError, match="Argument\\(s\\) not recognized.*foo"):
        optimizers.Adam(foo=1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="At most one of `clipnorm` and `global_clipnorm`"):
        optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_get_serialize_deserialize():
    for name in ["sgd", "RMSprop", "ADAM", "adamw", "Adagrad", "adadelta", "adamax", "nadam",
                 "Ftrl", "lion"]:
        opt = optimizers.get(name)
        assert type(opt).__name__.lower() == name.lower()
    opt = optimizers.Adam(learning_rate=0.02, amsgrad=True, clipnorm=2.0)
    assert optimizers.get(opt) is opt
    back = optimizers.deserialize(optimizers.serialize(opt))
    assert type(back) is optimizers.Adam and back.get_config() == opt.get_config()
    back = optimizers.get({"class_name": "adam", "config": {"learning_rate": 0.3}})
    assert back.learning_rate == pytest.approx(0.3)
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamz'.*Did you mean 'adam'"):
        optimizers.get("adamz")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)


def test_get_config_keys_match_keras():
    # keys from tf-keras 2.21: keras.optimizers.RMSprop().get_config()
    keys = ["name", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
            "ema_momentum", "ema_overwrite_frequency", "jit_compile", "is_legacy_optimizer",
            "learning_rate", "rho", "momentum", "epsilon", "centered"]
    config = optimizers.RMSprop().get_config()
    assert list(config) == keys
    assert config["name"] == "RMSprop" and config["ema_overwrite_frequency"] == 100
    # configs written by Keras (with Keras 3 keys, or old 'lr'/'decay') load
    old = {"name": "Adam", "lr": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
           "epsilon": 1e-7, "amsgrad": False}
    assert optimizers.Adam.from_config(old).learning_rate == pytest.approx(0.01)
    k3 = dict(optimizers.Adam().get_config(), loss_scale_factor=None,
              gradient_accumulation_steps=None)
    assert optimizers.Adam.from_config(k3).learning_rate == pytest.approx(0.001)


def test_schedule_in_config_round_trip():
    opt = optimizers.SGD(learning_rate=schedules.InverseTimeDecay(0.1, 5, 0.5))
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "InverseTimeDecay"
    back = optimizers.SGD.from_config(config)
    assert isinstance(back._learning_rate, schedules.InverseTimeDecay)


def test_learning_rate_property_and_setter():
    ps = _params((4,))
    opt = optimizers.Adam(learning_rate=0.1)
    opt.learning_rate = 0.2
    opt.build(ps)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.2)
    opt.lr = 0.05
    assert opt.learning_rate == pytest.approx(0.05) and opt.param_groups[0]["lr"] == 0.05
    opt.learning_rate.assign(0.01)  # what K.set_value(opt.lr, 0.01) does
    assert float(opt.lr) == pytest.approx(0.01)
    assert opt.lr.numpy().dtype == np.float32
    # torch LR schedulers drive the same value
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.step()
    scheduler.step()
    assert opt.learning_rate == pytest.approx(0.005)


def test_schedule_learning_rate_is_not_settable_and_reads_current_value():
    sched = schedules.PiecewiseConstantDecay([1], [1.0, 0.5])
    opt = optimizers.SGD(learning_rate=sched)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    p = torch.nn.Parameter(torch.zeros(1))
    lrs = []
    for _ in range(3):
        opt.apply_gradients([(torch.ones(1), p)])
        lrs.append(float(opt.learning_rate))
    assert lrs == [1.0, 1.0, 0.5]  # schedule(iterations) before each update
    assert p.item() == pytest.approx(-2.5)


def test_iterations_is_host_int():
    ps = _params((3,))
    opt = optimizers.Adam(ps)
    for _ in range(4):
        ps[0].grad = torch.ones(3)
        opt.step()
    assert opt.iterations == 4 and isinstance(opt.iterations, int)
    assert opt.iterations.numpy() == 4


def test_step_makes_no_host_reads(monkeypatch):
    ps = _params((3, 4), (4,))
    opt = optimizers.Nadam(ps, learning_rate=schedules.CosineDecay(0.1, 10),
                           global_clipnorm=1.0, weight_decay=0.01, use_ema=True)
    opt.step()  # warm-up (no grads: nothing to do)

    def forbidden(*a, **k):
        raise AssertionError("host read during step")
    for attr in ("item", "tolist", "numpy", "cpu", "__bool__", "__float__", "__int__"):
        monkeypatch.setattr(torch.Tensor, attr, forbidden)
    for _ in range(2):
        for p in ps:
            p.grad = torch.full_like(p, 3.0)
        opt.step()
    monkeypatch.undo()
    assert opt.iterations == 2


def test_step_skips_params_without_grad_and_zero_grad_works():
    a, b = _params((3,), (2,))
    b0 = b.detach().clone()
    opt = optimizers.SGD([a, b], learning_rate=0.1, weight_decay=0.5)
    a.grad = torch.ones(3)
    a0 = a.detach().clone()
    opt.step()
    torch.testing.assert_close(a.detach(), a0 - 0.1 * 0.5 * a0 - 0.1)
    torch.testing.assert_close(b.detach(), b0)  # no grad: neither decayed nor updated
    opt.zero_grad()
    assert a.grad is None


def test_apply_gradients_builds_and_leaves_grad_alone():
    a, b = _params((3,), (2,))
    b.grad = torch.ones(2)  # stale grad: must not be used
    opt = optimizers.Adam(learning_rate=0.1)
    g = torch.tensor([1.0, -1.0, 2.0])
    g0 = g.clone()
    opt.apply_gradients(zip([g], [a]))
    assert opt.built and opt.iterations == 1
    assert torch.equal(g, g0) and a.grad is None
    with pytest.raises(KeyError, match="cannot recognize variable"):
        opt.apply_gradients([(torch.ones(2), b)])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt2 = optimizers.SGD()
        opt2.apply_gradients([(torch.ones(3), a), (None, b)])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt2.apply_gradients([(None, a)])


def test_clipnorm_with_numpy_gradients_in_apply_gradients():
    p = torch.nn.Parameter(torch.zeros(2))
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply_gradients([(np.array([3.0, 4.0], np.float32), p)])
    torch.testing.assert_close(p.detach(), torch.tensor([-0.6, -0.8]))


def test_build_twice_keeps_state_and_rebuild_carries_common_params():
    a, b = _params((3,), (2,))
    opt = optimizers.Adam([a], learning_rate=0.1)
    a.grad = torch.ones(3)
    opt.step()
    m = opt.state[a]["m"].clone()
    opt.build([a])
    assert torch.equal(opt.state[a]["m"], m)
    opt.build([a, b])
    assert torch.equal(opt.state[a]["m"], m) and torch.equal(opt.state[b]["m"], torch.zeros(2))
    assert opt.iterations == 1
    optimizers.SGD().build([])  # a model without trainable weights


def test_state_dict_round_trip_resumes_exactly():
    def train(opt, ps, steps, start=0):
        for i in range(start, start + steps):
            for p in ps:
                p.grad = torch.full_like(p, float(i % 3) - 0.7)
            opt.step()
    ps1 = _params((3, 2), (2,))
    ps2 = [torch.nn.Parameter(p.detach().clone()) for p in ps1]
    ref = optimizers.Nadam(ps1, learning_rate=0.05)
    train(ref, ps1, 6)
    opt = optimizers.Nadam(ps2, learning_rate=0.05)
    train(opt, ps2, 3)
    saved = copy.deepcopy(opt.state_dict())
    fresh_params = [torch.nn.Parameter(p.detach().clone()) for p in ps2]
    resumed = optimizers.Nadam(fresh_params, learning_rate=0.05)
    resumed.load_state_dict(saved)
    assert resumed.iterations == 3
    train(resumed, fresh_params, 3, start=3)
    for p, q in zip(fresh_params, ps1):
        torch.testing.assert_close(p, q)


def test_variables_order_and_set_weights():
    a, b = _params((2,), (3,))
    opt = optimizers.Adam([a, b], amsgrad=True)
    a.grad, b.grad = torch.ones(2), torch.ones(3)
    opt.step()
    shapes = [tuple(v.shape) for v in opt.variables()]
    # tf-keras order: iteration, m/a, v/a, m/b, v/b, vhat/a, vhat/b
    assert shapes == [(), (2,), (2,), (3,), (3,), (2,), (3,)]
    weights = opt.get_weights()
    assert weights[0] == 1
    other = optimizers.Adam([torch.nn.Parameter(torch.zeros(2)),
                             torch.nn.Parameter(torch.zeros(3))], amsgrad=True)
    other.set_weights(weights)
    assert other.iterations == 1
    for x, y in zip(other.get_weights(), weights):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="expects 7 weights"):
        other.set_weights(weights[:-1])


def _keras_variable(name, storage, keras_shape, layout=None, constraint=None):
    """A real torchkeras KerasVariable over ``storage`` on a minimal layer-like module."""
    from torchkeras.layers.weights import KERAS_LAYOUT, KerasVariable, WeightSpec

    holder = torch.nn.Module()
    holder.name = "dense"
    holder.w = torch.nn.Parameter(storage)
    spec = WeightSpec(attr_name="w", name=name, keras_shape=keras_shape, trainable=True,
                      layout=layout or KERAS_LAYOUT, constraint=constraint)
    return KerasVariable(holder, spec)


def test_keras_variables_layout_constraints_and_weight_decay_exclusion():
    from torchkeras.layers.weights import WeightLayout

    transposed = WeightLayout(to_keras=lambda w: w.t(), from_keras=lambda w: w.t())
    kernel = _keras_variable("kernel", torch.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]),
                             (3, 2), layout=transposed,
                             constraint=lambda w: torch.clamp(w, min=0.0))
    bias = _keras_variable("bias", torch.tensor([1.0, 2.0]), (2,))
    k0, b0 = kernel.tensor.detach().clone(), bias.tensor.detach().clone()
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bi.s"])  # patterns are regular expressions
    g_kernel = torch.arange(6.0).reshape(3, 2)  # Keras layout, like kernel.shape
    opt.apply_gradients([(g_kernel, kernel), (torch.ones(2), bias)])
    assert opt.param_groups[0]["params"] == [kernel.tensor, bias.tensor]
    want = torch.clamp(k0 * 0.95 - 0.1 * g_kernel.t(), min=0.0)  # storage layout
    torch.testing.assert_close(kernel.tensor.detach(), want)
    torch.testing.assert_close(bias.tensor.detach(), b0 - 0.1)  # excluded from decay
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["bias"])
    # minimize() on Keras variables: gradients flow through the storage
    opt2 = optimizers.SGD(learning_rate=0.1)
    opt2.minimize(lambda: (kernel.value * 2.0).sum(), var_list=[kernel])
    torch.testing.assert_close(kernel.tensor.detach(), torch.clamp(want - 0.2, min=0.0))


def test_exclude_from_weight_decay_by_parameter():
    a, b = _params((3,), (3,))
    a0, b0 = a.detach().clone(), b.detach().clone()
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[a])
    opt.build([a, b])
    a.grad, b.grad = torch.zeros(3), torch.zeros(3)
    opt.step()
    torch.testing.assert_close(a.detach(), a0)
    torch.testing.assert_close(b.detach(), b0 * 0.95)


def test_finalize_variable_values_with_ema():
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = optimizers.SGD([p], learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(2):
        p.grad = torch.ones(1, dtype=torch.float64)
        opt.step()
    assert p.item() == -2.0
    opt.finalize_variable_values([p])  # avg: 0 -> -0.5 -> -1.25
    assert p.item() == pytest.approx(-1.25)


def test_deepcopy_and_pickle_keep_keras_attributes():
    opt = optimizers.RMSprop(learning_rate=0.3, centered=True)
    clone = pickle.loads(pickle.dumps(opt))
    assert clone.centered and clone.learning_rate == pytest.approx(0.3)
    ps = _params((2,))
    opt.build(ps)
    clone = copy.deepcopy(opt)
    assert clone.built and clone.centered and len(clone.param_groups[0]["params"]) == 1


def test_minimize_with_callable_loss():
    p = torch.nn.Parameter(torch.tensor([3.0]))
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: (p ** 2).sum(), var_list=[p])
    assert p.item() == pytest.approx(3.0 - 0.1 * 6.0)



def test_keras_style_custom_optimizer_subclass():
    class MomentumSGD(optimizers.Optimizer):  # the pattern from Keras's Optimizer docstring
        def __init__(self, learning_rate=0.1, momentum=0.5, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, variables):
            super().build(variables)
            self.momentums = [self.add_variable_from_reference(v, "momentum") for v in variables]

        def update_step(self, gradient, variable, learning_rate):
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, m * self.momentum - gradient * learning_rate)
            self.assign_add(variable, m)

    p = torch.nn.Parameter(torch.tensor([1.0, 2.0], dtype=torch.float64))
    opt = MomentumSGD()
    for _ in range(2):
        opt.apply_gradients([(torch.ones(2, dtype=torch.float64), p)])
    # m1 = -0.1, p = x - 0.1; m2 = -0.05 - 0.1 = -0.15, p = x - 0.25
    torch.testing.assert_close(p.detach(), torch.tensor([0.75, 1.75], dtype=torch.float64))
    assert len(opt.variables()) == 2  # iteration + momentum


def test_learning_rate_schedule_is_the_schedule_or_none():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert optimizers.SGD(schedule).learning_rate_schedule is schedule
    assert optimizers.SGD(0.1).learning_rate_schedule is None
    wrapped = optimizers.LossScaleOptimizer(optimizers.SGD(schedule))
    assert wrapped.learning_rate_schedule is schedule
