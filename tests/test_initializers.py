"""torchkeras.initializers: distributions, Keras fans, seeding, configs."""
import math

import pytest
import torch

from torchkeras import initializers
from torchkeras.backend import get_device

TRUNC = 0.87962566103423978  # std of a unit normal truncated at +-2


@pytest.mark.parametrize("shape,fans", [
    ((), (1, 1)), ((7,), (7, 7)), ((30, 50), (30, 50)),
    ((5, 8, 16), (40, 80)),            # Conv1D (k, in, out)
    ((3, 3, 16, 32), (144, 288)),      # Conv2D (kh, kw, in, out)
    ((2, 3, 3, 4, 6), (72, 108)),      # Conv3D
])
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


@pytest.mark.parametrize("name,shape,limit", [
    ("glorot_uniform", (400, 600), math.sqrt(6 / 1000)),
    ("he_uniform", (400, 600), math.sqrt(6 / 400)),
    ("lecun_uniform", (400, 600), math.sqrt(3 / 400)),
    ("glorot_uniform", (3, 3, 32, 64), math.sqrt(6 / (9 * 32 + 9 * 64))),
    ("random_uniform", (400, 600), 0.05),
])
def test_uniform_limits_and_spread(name, shape, limit):
    w = initializers.get(name)(shape)
    assert tuple(w.shape) == shape
    assert w.abs().max() < limit
    assert w.abs().max() > 0.99 * limit
    assert abs(w.std().item() / (limit / math.sqrt(3)) - 1) < 0.02
    assert abs(w.mean().item()) < 0.01 * limit


@pytest.mark.parametrize("name,shape,std", [
    ("glorot_normal", (400, 600), math.sqrt(2 / 1000)),
    ("he_normal", (400, 600), math.sqrt(2 / 400)),
    ("lecun_normal", (400, 600), math.sqrt(1 / 400)),
    ("he_normal", (3, 3, 64, 32), math.sqrt(2 / (9 * 64))),
])
def test_truncated_variance_scaling(name, shape, std):
    w = initializers.get(name)(shape)
    # the pre-truncation std is std / 0.8796..., the cut is at 2 of those
    cut = 2 * std / TRUNC
    assert w.abs().max() <= cut * (1 + 1e-6)
    assert w.abs().max() > 0.99 * cut
    assert abs(w.std().item() / std - 1) < 0.02


def test_untruncated_normal_and_fan_modes():
    shape = (200, 800)
    w = initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal")(shape)
    assert abs(w.std().item() / math.sqrt(2 / 800) - 1) < 0.02
    assert w.abs().max() > 3 * math.sqrt(2 / 800)  # no truncation
    w = initializers.VarianceScaling(3.0, "fan_avg", "uniform")(shape)
    assert w.abs().max() < math.sqrt(9 / 500)


def test_random_and_truncated_normal_parameters():
    w = initializers.RandomNormal(mean=1.0, stddev=0.5)((500, 400))
    assert abs(w.mean().item() - 1.0) < 0.01 and abs(w.std().item() / 0.5 - 1) < 0.02
    w = initializers.TruncatedNormal(mean=-1.0, stddev=0.2)((500, 400))
    assert w.min() >= -1.4 and w.max() <= -0.6
    assert abs(w.std().item() / (0.2 * TRUNC) - 1) < 0.02


def test_defaults_match_keras():
    assert initializers.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}
    assert initializers.RandomUniform().get_config() == {"minval": -0.05, "maxval": 0.05,
                                                         "seed": None}
    assert initializers.TruncatedNormal().get_config()["stddev"] == 0.05
    assert initializers.VarianceScaling().get_config() == {
        "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None}
    # tf_keras: keras.initializers.Orthogonal().get_config() -> {'gain': 1.0, 'seed': None}
    assert initializers.Orthogonal().get_config() == {"gain": 1.0, "seed": None}


def test_constant_zeros_ones_identity():
    assert initializers.Zeros()((2, 3)).eq(0).all()
    assert initializers.Ones()((4,)).eq(1).all()
    assert initializers.Constant(2.5)((2, 2)).eq(2.5).all()
    assert initializers.Constant([1.0, 2.0, 3.0])((2, 3)).tolist() == [[1, 2, 3], [1, 2, 3]]
    assert initializers.Constant([1.0, 2.0, 3.0, 4.0])((2, 2)).tolist() == [[1, 2], [3, 4]]
    eye = initializers.Identity(gain=3.0)((3, 4))
    assert torch.equal(eye, 3.0 * torch.eye(3, 4, device=eye.device))
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(6, 6), (20, 5), (5, 20), (3, 3, 4, 8)])
def test_orthogonal(shape):
    w = initializers.Orthogonal(gain=2.0)(shape)
    flat = w.reshape(-1, shape[-1]).double() / 2.0  # (rows, cols)
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    torch.testing.assert_close(gram, torch.eye(small, dtype=gram.dtype, device=gram.device),
                               atol=1e-5, rtol=0)


def test_orthogonal_sign_correction_follows_keras():
    # Keras: q, r = qr(a); q *= sign(diag(r)) => q.T @ a is upper triangular, positive diagonal
    seed, shape = 7, (10, 4)
    w = initializers.Orthogonal(seed=seed)(shape)
    g = torch.Generator(device=get_device()).manual_seed(seed)
    a = torch.empty(shape, device=get_device()).normal_(0.0, 1.0, generator=g)
    r = w.T @ a  # (4, 4)
    assert (torch.diagonal(r) > 0).all()
    torch.testing.assert_close(torch.tril(r, -1), torch.zeros_like(r), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


def test_seeded_is_reproducible_and_repeats():
    init = initializers.GlorotNormal(seed=42)
    a, b = init((50, 60)), init((50, 60))
    assert torch.equal(a, b)  # Keras 2 seeded initializers repeat their values
    assert torch.equal(a, initializers.GlorotNormal(seed=42)((50, 60)))
    assert not torch.equal(a, initializers.GlorotNormal(seed=43)((50, 60)))


def test_unseeded_uses_global_rng():
    init = initializers.HeUniform()
    torch.manual_seed(3)
    a = init((20, 30))
    b = init((20, 30))
    torch.manual_seed(3)
    assert torch.equal(a, init((20, 30)))
    assert not torch.equal(a, b)


def test_device_and_dtype():
    w = initializers.GlorotUniform()((3, 4))
    assert w.device.type == get_device().type and w.dtype == torch.float32
    assert initializers.he_normal()((3, 4), dtype="float64").dtype == torch.float64
    assert initializers.Orthogonal()((4, 4), dtype="float16").dtype == torch.float16
    assert initializers.TruncatedNormal()((4,), dtype="bfloat16").dtype == torch.bfloat16
    ints = initializers.RandomUniform(0, 5)((1000,), dtype="int32")
    assert ints.dtype == torch.int32 and ints.min() == 0 and ints.max() == 4
    with pytest.raises(ValueError, match="Expected floating point type"):
        initializers.GlorotUniform()((2, 2), dtype="int32")
    with pytest.raises(TypeError, match="Unknown keyword arguments"):
        initializers.Zeros()((2,), foo=1)


def test_variance_scaling_validation():
    with pytest.raises(ValueError, match="`scale` must be positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="Invalid `distribution` argument"):
        initializers.VarianceScaling(distribution="gamma")
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


ALIASES = {
    "zeros": "Zeros", "ones": "Ones", "constant": "Constant", "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform", "truncated_normal": "TruncatedNormal",
    "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal",
    "he_normal": "HeNormal", "he_uniform": "HeUniform", "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform", "orthogonal": "Orthogonal", "identity": "Identity",
    "variance_scaling": "VarianceScaling", "normal": "RandomNormal", "uniform": "RandomUniform",
    "zero": "Zeros", "one": "Ones", "GlorotUniformV2": "GlorotUniform",
    "OrthogonalInitializer": "Orthogonal",
}


@pytest.mark.parametrize("alias,class_name", sorted(ALIASES.items()))
def test_get_aliases(alias, class_name):
    assert type(initializers.get(alias)).__name__ == class_name
    assert type(initializers.get(class_name)).__name__ == class_name


@pytest.mark.parametrize("init", [
    initializers.Constant(3), initializers.RandomNormal(1.0, 2.0, seed=4),
    initializers.RandomUniform(-1.0, 2.0), initializers.TruncatedNormal(stddev=0.3),
    initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1),
    initializers.GlorotUniform(seed=5), initializers.HeNormal(), initializers.Orthogonal(1.5),
    initializers.Identity(0.5), initializers.Zeros(),
])
def test_config_round_trip(init):
    config = initializers.serialize(init)
    assert config["class_name"] == type(init).__name__
    restored = initializers.deserialize(config)
    assert type(restored) is type(init)
    assert restored.get_config() == init.get_config()


def test_get_forms_and_errors():
    assert initializers.get(None) is None
    instance = initializers.Ones()
    assert initializers.get(instance) is instance
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    # tf_keras: initializers.serialize(GlorotUniform()) config is {'seed': None}
    assert initializers.serialize(initializers.GlorotUniform())["config"] == {"seed": None}
    with pytest.raises(ValueError, match="Unknown initializer: 'glorot_unifrm'"):
        initializers.get("glorot_unifrm")
    with pytest.raises(ValueError, match="Could not interpret initializer identifier"):
        initializers.get(3)


def test_truncated_normal_is_cut_at_two_std_and_keeps_its_moments():
    """The redraw sampler: every value inside mean +- 2 std, the cut normal's std (0.8796 std)
    and mean, and the same values for the same seed."""
    init = initializers.TruncatedNormal(mean=0.3, stddev=0.05, seed=7)
    values = init((400, 500))
    assert float((values - 0.3).abs().max()) <= 0.1 + 1e-6
    assert abs(float(values.std()) - 0.05 * 0.87962566) < 5e-4
    assert abs(float(values.mean()) - 0.3) < 5e-4
    again = initializers.TruncatedNormal(mean=0.3, stddev=0.05, seed=7)((400, 500))
    assert torch.equal(values, again)
