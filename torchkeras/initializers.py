"""Weight initializers (``keras.initializers``) with Keras 2's defaults and fan arithmetic.

An initializer is called with a shape in *Keras* layout (Dense kernel ``(in, out)``, Conv2D
kernel ``(kh, kw, in, out)``) and returns a tensor on ``torchkeras.backend.get_device()``:

>>> GlorotUniform(seed=1)((3, 4)).shape
torch.Size([3, 4])

Randomness: an unseeded initializer draws from torch's global RNG (so
``keras.utils.set_random_seed`` makes runs reproducible) and gives new values on each call.
A seeded one uses its own ``torch.Generator`` seeded with ``seed`` and, like Keras 2's
seeded initializers, returns the same values on every call. (Keras 2 also returns the same
values when one *unseeded* instance is called twice, with a warning; torchkeras does not.)
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend import get_device, standardize_dtype, to_snake_case, torch_dtype
from torchkeras.backend.threads import apply_thread_policy
from torchkeras.registry.builtin_objects import builtin_objects as _builtin_objects
from torchkeras.registry.builtin_objects import register_builtin as _register_builtin
from torchkeras.registry.serialization import (deserialize_keras_object,
                                             serialize_keras_object)

Shape = Sequence[int]

_ALLOWED_KWARGS = ("partition_shape", "partition_offset", "layout")
_TRUNCATED_STD_FACTOR = 0.87962566103423978  # std of a unit normal truncated to [-2, 2]
_LOW_PRECISION = (torch.float16, torch.bfloat16)


def _shape(shape: Shape) -> Tuple[int, ...]:
    return tuple(int(d) for d in shape)


def _validate_kwargs(kwargs: Dict[str, Any]) -> None:
    invalid = [k for k in kwargs if k not in _ALLOWED_KWARGS]
    if invalid:
        raise TypeError(f"Unknown keyword arguments: {invalid}. Allowed keyword arguments: "
                        f"{list(_ALLOWED_KWARGS)}.")


def _float_dtype(dtype: Any) -> torch.dtype:
    result = torch_dtype(dtype)
    if not result.is_floating_point:
        raise ValueError(f"Expected floating point type, got {standardize_dtype(dtype)}.")
    return result


def compute_fans(shape: Shape) -> Tuple[int, int]:
    """Keras's ``(fan_in, fan_out)`` for a Keras-layout shape.

    >>> compute_fans((3, 3, 16, 32))   # Conv2D kernel (kh, kw, in, out)
    (144, 288)
    """
    shape = _shape(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: ``__call__(shape, dtype=None) -> torch.Tensor`` plus a config."""

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        raise NotImplementedError(
            "Initializer subclasses must implement the `__call__()` method.")

    def get_config(self) -> Dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Initializer":
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        return torch.zeros(_shape(shape), dtype=torch_dtype(dtype), device=get_device())


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        return torch.ones(_shape(shape), dtype=torch_dtype(dtype), device=get_device())


class Constant(Initializer):
    """Every element equal to ``value`` (a scalar; or an array reshaped or broadcast to ``shape``)."""

    def __init__(self, value: Any = 0):
        self.value = value

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        shape = _shape(shape)
        value = torch.as_tensor(self.value, dtype=torch_dtype(dtype))  # on the host
        if value.numel() == 1:
            return torch.full(shape, value.item(), dtype=value.dtype, device=get_device())
        if value.numel() == math.prod(shape):  # tf.constant reshapes a full-size value
            value = value.reshape(shape)
        out = torch.empty(shape, dtype=value.dtype, device=get_device())
        return out.copy_(value.expand(shape))

    def get_config(self) -> Dict[str, Any]:
        return {"value": self.value}


class _RandomInitializer(Initializer):
    """Shared RNG handling: global torch RNG, or a fresh generator seeded with ``seed``."""

    seed: Optional[int] = None

    def _generator(self, device: torch.device) -> Optional[torch.Generator]:
        if self.seed is None:
            return None
        generator = torch.Generator(device=device)
        generator.manual_seed(int(self.seed))
        return generator

    def _random(self, shape: Shape, dtype: torch.dtype, kind: str, a: float,
                b: float) -> torch.Tensor:
        """``kind``: 'uniform' on [a, b), 'normal' (mean a, std b), 'truncated' (cut at 2 std)."""
        device = get_device()
        generator = self._generator(device)
        work_dtype = torch.float32 if dtype in _LOW_PRECISION else dtype
        out = torch.empty(_shape(shape), dtype=work_dtype, device=device)
        if kind == "uniform":
            out.uniform_(a, b, generator=generator)
        elif kind == "normal":
            out.normal_(a, b, generator=generator)
        else:
            _truncated_normal_(out, a, b, generator)
        return out.to(dtype)


def _truncated_normal_(out: torch.Tensor, mean: float, std: float,
                       generator: Optional[torch.Generator]) -> torch.Tensor:
    """Fill ``out`` from a normal cut at 2 std by redrawing the ~4.6% of values outside, as
    TensorFlow's truncated_normal does (torch's trunc_normal_ inverts the CDF with erfinv: ~20x
    slower on CPU, seconds when building a large network)."""
    flat = out.view(-1)
    flat.normal_(generator=generator)
    outside = flat.abs() > 2
    while bool(outside.any()):
        count = int(outside.sum())
        flat[outside] = torch.empty(count, dtype=flat.dtype, device=flat.device).normal_(
            generator=generator)
        outside = flat.abs() > 2
    return out.mul_(std).add_(mean)


class RandomUniform(_RandomInitializer):
    """Uniform on ``[minval, maxval)`` (integers too, for an integer ``dtype``)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Optional[int] = None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        dtype_ = torch_dtype(dtype)
        if dtype_ == torch.bool:
            raise ValueError(f"Expected float or integer dtype, got {standardize_dtype(dtype)}.")
        if not dtype_.is_floating_point:
            device = get_device()
            return torch.randint(int(self.minval), int(self.maxval), _shape(shape),
                                 generator=self._generator(device), dtype=dtype_,
                                 device=device)
        return self._random(shape, dtype_, "uniform", self.minval, self.maxval)

    def get_config(self) -> Dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_RandomInitializer):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        return self._random(shape, _float_dtype(dtype), "normal", self.mean, self.stddev)

    def get_config(self) -> Dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(_RandomInitializer):
    """Normal with ``mean`` and ``stddev``, values beyond 2 ``stddev`` redrawn."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        return self._random(shape, _float_dtype(dtype), "truncated", self.mean, self.stddev)

    def get_config(self) -> Dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(_RandomInitializer):
    """Variance ``scale / n`` with ``n`` the fan given by ``mode`` (at least 1).

    ``distribution``: 'truncated_normal' (std ``sqrt(scale/n) / 0.8796...``, cut at 2 std;
    'normal' is an alias), 'untruncated_normal' (std ``sqrt(scale/n)``) or 'uniform'
    (limit ``sqrt(3 * scale / n)``).
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None):
        if scale <= 0.0:
            raise ValueError(f"`scale` must be positive float. Received: scale={scale}.")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. "
                             f"Please use one of the {allowed_modes}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(f"Invalid `distribution` argument: {distribution}."
                             f"Allowed distributions: {allowed_distributions}.")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        dtype_ = _float_dtype(dtype)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out,
               "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            return self._random(shape, dtype_, "truncated", 0.0,
                                math.sqrt(scale) / _TRUNCATED_STD_FACTOR)
        if self.distribution == "untruncated_normal":
            return self._random(shape, dtype_, "normal", 0.0, math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return self._random(shape, dtype_, "uniform", -limit, limit)

    def get_config(self) -> Dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset whose config is only the seed."""

    _preset: Tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: Optional[int] = None):
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self) -> Dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``."""
    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal, std ``sqrt(2 / (fan_in + fan_out)) / 0.8796...``."""
    _preset = (1.0, "fan_avg", "truncated_normal")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal, std ``sqrt(1 / fan_in) / 0.8796...``."""
    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform, ``limit = sqrt(3 / fan_in)``."""
    _preset = (1.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal, std ``sqrt(2 / fan_in) / 0.8796...``."""
    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform, ``limit = sqrt(6 / fan_in)``."""
    _preset = (2.0, "fan_in", "uniform")


class Orthogonal(_RandomInitializer):
    """An orthogonal matrix (times ``gain``), as Keras: QR of a normal matrix.

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``; Q of the QR decomposition of
    a ``(max, min)`` standard normal matrix is sign-corrected by ``diag(R)`` and transposed
    when there are fewer rows than columns.
    """

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        dtype_ = _float_dtype(dtype)
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        work_dtype = torch.float32 if dtype_ in _LOW_PRECISION else dtype_
        a = self._random(flat_shape, work_dtype, "normal", 0.0, 1.0)  # (max, min)
        # QR is a barrier per column: a team larger than the free CPUs spins ~1 s on a busy
        # machine (a recurrent kernel at build, before fit's own check), so size it first.
        apply_thread_policy(min_interval=1.0)
        q, r = torch.linalg.qr(a, mode="reduced")  # q: (max, min), r: (min, min)
        q = q * torch.sign(torch.diagonal(r))
        if num_rows < num_cols:
            q = q.transpose(0, 1)
        return (self.gain * q.reshape(shape)).to(dtype_)

    def get_config(self) -> Dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: Shape, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        _validate_kwargs(kwargs)
        dtype_ = _float_dtype(dtype)
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return self.gain * torch.eye(*shape, dtype=dtype_, device=get_device())

    def get_config(self) -> Dict[str, Any]:
        return {"gain": self.gain}


# ---------------------------------------------------------------------------- lookup
zeros = Zeros
ones = Ones
constant = Constant
random_uniform = RandomUniform
random_normal = RandomNormal
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
he_uniform = HeUniform
he_normal = HeNormal
orthogonal = Orthogonal
identity = Identity

_CLASSES = (Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, LecunUniform, LecunNormal,
            HeUniform, HeNormal, Orthogonal, Identity)
# By class name and snake-case name, in the one table of built-in objects
# (registry/builtin_objects.py), with tf-keras's short names and Keras 3's long ones.
for _cls in _CLASSES:
    _register_builtin("initializers", _cls, _cls.__name__, to_snake_case(_cls.__name__))
del _cls
for _name, _cls in {"normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros,
                    "OrthogonalInitializer": Orthogonal,  # Keras 3 names
                    "IdentityInitializer": Identity}.items():
    _register_builtin("initializers", _cls, _name)
del _name, _cls


def _strip_v2_suffix(config: Any) -> Any:
    """Map TF 2.x names such as ``'GlorotUniformV2'`` to ``'GlorotUniform'``."""
    name = config.get("class_name") if isinstance(config, dict) else config
    table = _builtin_objects("initializers")
    if (isinstance(name, str) and name.endswith("V2") and name not in table
            and name[:-2] in table):
        if isinstance(config, dict):
            return {**config, "class_name": name[:-2]}
        return name[:-2]
    return config


def serialize(initializer: Optional[Initializer]) -> Optional[Dict[str, Any]]:
    """``{'class_name': 'GlorotUniform', 'config': {'seed': None}}``."""
    return serialize_keras_object(initializer)


def deserialize(config: Any, custom_objects: Optional[Dict[str, Any]] = None) -> Initializer:
    """An initializer from a config dict or a name (TF 2.x's ``'GlorotUniformV2'`` too)."""
    config = _strip_v2_suffix(config)
    return deserialize_keras_object(config, module_objects=_builtin_objects("initializers"),
                                    custom_objects=custom_objects,
                                    printable_module_name="initializer")


def get(identifier: Any) -> Optional[Initializer]:
    """Resolve a name (``'he_normal'``, ``'HeNormal'``), config, class, or instance.

    >>> get('glorot_uniform')
    GlorotUniform(seed=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier() if isinstance(identifier, type) else identifier
    raise ValueError("Could not interpret initializer identifier: " + str(identifier))


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
