"""``keras.random``: seeded random tensors on torch (Keras 3's API).

``seed`` may be ``None`` (torch's global generator, seeded by ``keras.utils.set_random_seed``),
an int (the same int gives the same values) or a :class:`SeedGenerator` (a reproducible
sequence: each call draws a new seed from it). Keras 3 on TensorFlow/JAX uses other random
algorithms, so values match Keras in distribution and in seed determinism, not bit for bit.
"""
from __future__ import annotations

import random as _py_random
from typing import Any, Optional, Sequence, Union

import torch

from torchkeras.backend import config
from torchkeras.backend.device import get_device
from torchkeras.backend.dtypes import standardize_dtype, to_torch_dtype
from torchkeras.backend.naming import unique_object_name

Tensor = torch.Tensor
Shape = Union[int, Sequence[int]]


class SeedGenerator:
    """A stateful source of seeds: ``SeedGenerator(1337)`` gives the same sequence each run.

    Example:
        >>> gen = SeedGenerator(42)
        >>> a, b = normal((2,), seed=gen), normal((2,), seed=gen)  # different values
    """

    def __init__(self, seed: Optional[int] = None, name: Optional[str] = None,
                 **kwargs: Any) -> None:
        if seed is None:
            seed = _py_random.randint(1, int(1e9))
        if not isinstance(seed, int):
            raise ValueError("Argument `seed` must be an integer. "
                             f"Received: seed={seed}")
        self._initial_seed = seed
        self.name = name or unique_object_name("seed_generator")
        self.state = torch.tensor([seed, 0], dtype=torch.int64)

    def next(self, ordered: bool = True) -> int:
        """The next seed of the sequence (advances the state)."""
        seed, count = (int(v) for v in self.state.tolist())
        self.state[1] += 1
        return (seed * 1_000_003 + count * 7_919 + 12_345) % (2 ** 63 - 1)

    def get_config(self) -> dict:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        return cls(**config)


def _draw_seed(seed: Any) -> Optional[int]:
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError("Argument `seed` must be either an integer or an instance of "
                         f"`SeedGenerator`. Received: seed={seed} (of type {type(seed)})")
    return seed


def _generator(seed: Any, device: torch.device) -> Optional[torch.Generator]:
    value = _draw_seed(seed)
    if value is None:
        return None
    generator = torch.Generator(device=device)
    generator.manual_seed(value)
    return generator


def _shape(shape: Shape) -> tuple:
    return (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)


def _float(dtype: Any) -> torch.dtype:
    return to_torch_dtype(dtype or config.floatx())


def normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
           seed: Any = None) -> Tensor:
    """Samples of a normal distribution."""
    device = get_device()
    out = torch.randn(_shape(shape), generator=_generator(seed, device), device=device,
                      dtype=torch.float32)
    return (out * stddev + mean).to(_float(dtype))


def uniform(shape: Shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
            seed: Any = None) -> Tensor:
    """Samples of a uniform distribution on ``[minval, maxval)``."""
    dtype = dtype or config.floatx()
    if not standardize_dtype(dtype).startswith(("float", "bfloat")):
        raise ValueError("`keras.random.uniform` requires a floating point `dtype`. "
                         f"Received: dtype={dtype} ")
    device = get_device()
    out = torch.rand(_shape(shape), generator=_generator(seed, device), device=device)
    return (out * (maxval - minval) + minval).to(to_torch_dtype(dtype))


def truncated_normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: Any = None) -> Tensor:
    """Normal samples redrawn until within two standard deviations of the mean."""
    device = get_device()
    generator = _generator(seed, device)
    shape = _shape(shape)
    out = torch.randn(shape, generator=generator, device=device)
    bad = out.abs() > 2
    while bool(bad.any()):
        out = torch.where(bad, torch.randn(shape, generator=generator, device=device), out)
        bad = out.abs() > 2
    return (out * stddev + mean).to(_float(dtype))


def randint(shape: Shape, minval: int, maxval: int, dtype: Any = "int32",
            seed: Any = None) -> Tensor:
    """Integers drawn uniformly from ``[minval, maxval)``."""
    dtype = standardize_dtype(dtype)
    if not dtype.startswith(("int", "uint")):
        raise ValueError("`keras.random.randint` requires an integer `dtype`. "
                         f"Received: dtype={dtype} ")
    device = get_device()
    return torch.randint(int(minval), int(maxval), _shape(shape),
                         generator=_generator(seed, device), device=device,
                         dtype=to_torch_dtype(dtype))


def categorical(logits: Any, num_samples: int, dtype: Any = "int32",
                seed: Any = None) -> Tensor:
    """``num_samples`` class indices per row of ``logits`` (batch, classes)."""
    logits = torch.as_tensor(logits, device=get_device())
    if logits.ndim != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape [batch_size, num_classes]."
                         f" Received: logits={tuple(logits.shape)}")
    probs = torch.softmax(logits.float(), dim=-1)
    out = torch.multinomial(probs, int(num_samples), replacement=True,
                            generator=_generator(seed, probs.device))
    return out.to(to_torch_dtype(dtype))


def dropout(inputs: Any, rate: float, noise_shape: Optional[Sequence[int]] = None,
            seed: Any = None) -> Tensor:
    """``inputs`` with a fraction ``rate`` zeroed and the rest scaled by ``1 / (1 - rate)``."""
    inputs = torch.as_tensor(inputs, device=get_device())
    if not 0 <= rate <= 1:
        raise ValueError(f"Invalid value received for argument `rate`. Expected a float value "
                         f"between 0 and 1. Received: rate={rate}")
    if rate == 1:
        return torch.zeros_like(inputs)
    shape = tuple(inputs.shape) if noise_shape is None else tuple(
        d if n is None else n for n, d in zip(noise_shape, inputs.shape))
    keep = torch.rand(shape, generator=_generator(seed, inputs.device),
                      device=inputs.device) >= rate
    return torch.where(keep, inputs / (1 - rate), torch.zeros((), dtype=inputs.dtype,
                                                              device=inputs.device))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Tensor:
    """``x`` with its slices along ``axis`` in a random order."""
    x = torch.as_tensor(x, device=get_device())
    order = torch.randperm(x.shape[axis], generator=_generator(seed, x.device), device=x.device)
    return torch.index_select(x, axis, order)


def _forked(seed: Any, sample):
    """Run ``sample()`` under a seeded, forked global CPU generator (torch's gamma and beta
    samplers take no ``generator`` argument)."""
    value = _draw_seed(seed)
    if value is None:
        return sample()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(value)
        return sample()


def gamma(shape: Shape, alpha: float, dtype: Any = None, seed: Any = None) -> Tensor:
    """Samples of a Gamma(alpha, 1) distribution."""
    concentration = torch.full(_shape(shape), float(alpha), dtype=torch.float32)
    out = _forked(seed, lambda: torch._standard_gamma(concentration))
    return out.to(get_device(), _float(dtype))


def beta(shape: Shape, alpha: float, beta: float, dtype: Any = None,
         seed: Any = None) -> Tensor:
    """Samples of a Beta(alpha, beta) distribution."""
    a = torch.full(_shape(shape), float(alpha), dtype=torch.float32)
    b = torch.full(_shape(shape), float(beta), dtype=torch.float32)

    def sample() -> Tensor:
        ga, gb = torch._standard_gamma(a), torch._standard_gamma(b)
        return ga / (ga + gb)
    return _forked(seed, sample).to(get_device(), _float(dtype))


def binomial(shape: Shape, counts: Any, probabilities: Any, dtype: Any = None,
             seed: Any = None) -> Tensor:
    """Samples of a Binomial(counts, probabilities) distribution (as floats, like Keras)."""
    shape = _shape(shape)
    counts = torch.broadcast_to(torch.as_tensor(counts, dtype=torch.float32), shape)
    probs = torch.broadcast_to(torch.as_tensor(probabilities, dtype=torch.float32), shape)
    out = torch.binomial(counts.contiguous(), probs.contiguous(),
                         generator=_generator(seed, torch.device("cpu")))
    return out.to(get_device(), _float(dtype))


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
