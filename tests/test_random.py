"""keras.random: seed determinism and distributional properties (torch's random algorithms
are not TensorFlow's, so values are not compared with Keras bit for bit)."""
import numpy as np
import pytest
import torch

from torchkeras import random


def test_int_seed_is_deterministic_and_seeds_differ():
    a, b = random.normal((50,), seed=3), random.normal((50,), seed=3)
    assert torch.equal(a, b) and not torch.equal(a, random.normal((50,), seed=4))


def test_seed_generator_gives_a_reproducible_sequence():
    first = [random.uniform((4,), seed=g) for g in [random.SeedGenerator(7)] * 2]
    gen = random.SeedGenerator(7)
    second = [random.uniform((4,), seed=gen), random.uniform((4,), seed=gen)]
    assert not torch.equal(first[0], first[1])
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert random.SeedGenerator.from_config(gen.get_config()).get_config() == {"seed": 7}


def test_global_seed_makes_unseeded_calls_reproducible():
    torch.manual_seed(0)
    a = random.normal((3,))
    torch.manual_seed(0)
    assert torch.equal(a, random.normal((3,)))


def test_distributions():
    n = 20000
    x = random.normal((n,), mean=2.0, stddev=3.0, seed=1)
    assert abs(float(x.mean()) - 2.0) < 0.1 and abs(float(x.std()) - 3.0) < 0.1
    u = random.uniform((n,), minval=-1, maxval=3, seed=2)
    assert float(u.min()) >= -1 and float(u.max()) < 3 and abs(float(u.mean()) - 1) < 0.05
    t = random.truncated_normal((n,), stddev=2.0, seed=3)
    assert float(t.abs().max()) <= 4.0
    r = random.randint((n,), 2, 5, seed=4)
    assert r.dtype == torch.int32 and set(r.unique().tolist()) == {2, 3, 4}
    g = random.gamma((n,), alpha=2.0, seed=5)
    assert abs(float(g.mean()) - 2.0) < 0.1
    b = random.beta((n,), alpha=2.0, beta=6.0, seed=6)
    assert abs(float(b.mean()) - 0.25) < 0.01
    k = random.binomial((n,), counts=10, probabilities=0.3, seed=7)
    assert abs(float(k.mean()) - 3.0) < 0.1 and k.dtype == torch.float32
    c = random.categorical(np.log([[0.2, 0.8]]), 5000, seed=8)
    assert c.shape == (1, 5000) and abs(float(c.float().mean()) - 0.8) < 0.03


def test_gamma_seed_does_not_disturb_global_stream():
    torch.manual_seed(0)
    expected = torch.rand(2)
    torch.manual_seed(0)
    random.gamma((3,), 1.0, seed=1)
    assert torch.equal(torch.rand(2), expected)


def test_dropout_and_shuffle():
    x = np.ones((1000,), "float32")
    out = random.dropout(x, 0.25, seed=1)
    kept = out[out > 0]
    assert torch.allclose(kept, torch.full_like(kept, 1 / 0.75))
    assert abs(float((out > 0).float().mean()) - 0.75) < 0.05
    cols = random.dropout(np.ones((4, 6), "float32"), 0.5, noise_shape=(1, None), seed=2)
    assert all(len(set(col.tolist())) == 1 for col in cols.T)  # one mask row, broadcast
    values = np.arange(10)
    shuffled = random.shuffle(values, seed=3)
    assert sorted(shuffled.tolist()) == list(range(10)) and shuffled.tolist() != list(range(10))


@pytest.mark.parametrize("call, message", [
    (lambda: random.normal((2,), seed="a"), "Argument `seed` must be either an integer"),
    (lambda: random.uniform((2,), dtype="int32"), "requires a floating point `dtype`"),
    (lambda: random.randint((2,), 0, 3, dtype="float32"), "requires an integer `dtype`"),
    (lambda: random.dropout(np.ones(2), 1.5), "Received: rate=1.5"),
    (lambda: random.categorical(np.ones(3), 2), "should be a 2-D tensor"),
])
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
