"""Built-in activation functions (``keras.activations``) on torch tensors.

Formulas and defaults follow Keras 2 (tf-keras). Activations that only Keras 3 has
(``hard_silu``, ``celu``, ``glu``, ...) follow Keras 3.

Like tf-keras, :func:`sigmoid` and :func:`softmax` attach their input to their output as
``output._keras_logits`` so that cross-entropy losses can compute from the logits:

>>> z = torch.tensor([[0.5, -1.0]])
>>> p = softmax(z)
>>> p._keras_logits is z
True
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Union

import torch
import torch.nn.functional as F

from torchkeras.backend import torch_dtype
from torchkeras.backend.masking import set_keras_logits
from torchkeras.registry import function_lookup
from torchkeras.registry.builtin_objects import builtin_objects as _builtin_objects
from torchkeras.registry.builtin_objects import register_builtin as _register_builtin
from torchkeras.registry.object_registration import get_registered_name
from torchkeras.registry.serialization import (deserialize_keras_object,
                                             serialize_keras_object)

Axis = Union[int, Sequence[int]]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _tensor(x: Any) -> torch.Tensor:
    """``x`` itself when it is a tensor, else a floatx tensor made from it."""
    if isinstance(x, torch.Tensor):
        return x
    return torch.as_tensor(x, dtype=torch_dtype(None))


def _attach_logits(output: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Record ``logits`` on ``output`` (tf-keras's ``_keras_logits``) for losses."""
    set_keras_logits(output, logits)  # torch.compile keeps it, on outputs it returns as well
    return output


# ---------------------------------------------------------------------------- Keras 2
def linear(x: Any) -> torch.Tensor:
    """The identity: returns ``x`` unchanged."""
    return _tensor(x)


def relu(x: Any, alpha: float = 0.0, max_value: Optional[float] = None,
         threshold: float = 0.0, *, negative_slope: Optional[float] = None) -> torch.Tensor:
    """Rectified linear unit, as Keras 2 ``relu(x, alpha=0.0, max_value=None, threshold=0.0)``.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value``,
    ``alpha * (x - threshold)`` otherwise. ``negative_slope`` is Keras 3's name for ``alpha``.

    >>> relu(torch.tensor([-10., -5., 0., 5., 10.]), alpha=0.5, max_value=5.0)
    tensor([-5.0000, -2.5000,  0.0000,  5.0000,  5.0000])
    """
    x = _tensor(x)
    if negative_slope is not None:
        alpha = negative_slope
    negative_part = None
    if alpha != 0.0:
        if max_value is None and threshold == 0:
            return F.leaky_relu(x, alpha)
        negative_part = torch.relu(threshold - x) if threshold != 0 else torch.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * (x > threshold).to(x.dtype)
    elif max_value == 6:
        x = F.relu6(x)
        clip_max = False
    else:
        x = torch.relu(x)
    if clip_max:
        x = torch.clamp(x, 0, max_value)
    if negative_part is not None:
        x = x - alpha * negative_part
    return x


def sigmoid(x: Any) -> torch.Tensor:
    """``1 / (1 + exp(-x))``; the output keeps ``x`` as ``_keras_logits``."""
    x = _tensor(x)
    return _attach_logits(torch.sigmoid(x), x)


def tanh(x: Any) -> torch.Tensor:
    """Hyperbolic tangent."""
    return torch.tanh(_tensor(x))


def softmax(x: Any, axis: Axis = -1) -> torch.Tensor:
    """``exp(x) / sum(exp(x), axis)``; the output keeps ``x`` as ``_keras_logits``.

    As in Keras 2, a tensor of rank 1 or less is rejected (Keras 3 accepts it).
    ``axis`` may be a tuple of axes.
    """
    x = _tensor(x)
    if x.dim() <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    if isinstance(axis, int):
        output = torch.softmax(x, dim=axis)
    else:
        dims = tuple(axis)
        numerator = torch.exp(x - torch.amax(x, dim=dims, keepdim=True))
        output = numerator / numerator.sum(dim=dims, keepdim=True)
    return _attach_logits(output, x)


def elu(x: Any, alpha: float = 1.0) -> torch.Tensor:
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return F.elu(_tensor(x), alpha=alpha)


def selu(x: Any) -> torch.Tensor:
    """``scale * elu(x, alpha)`` with Keras's constants (1.05070098, 1.67326324)."""
    return F.selu(_tensor(x))


def softplus(x: Any) -> torch.Tensor:
    """``log(exp(x) + 1)``, computed stably."""
    return F.softplus(_tensor(x))


def softsign(x: Any) -> torch.Tensor:
    """``x / (abs(x) + 1)``."""
    return F.softsign(_tensor(x))


def swish(x: Any) -> torch.Tensor:
    """``x * sigmoid(x)`` (also named ``silu``; serializes as ``'swish'`` like tf-keras)."""
    return F.silu(_tensor(x))


silu = swish


def gelu(x: Any, approximate: bool = False) -> torch.Tensor:
    """Gaussian error linear unit.

    ``approximate=False`` (the default, as in Keras 2 and ``keras.activations.gelu`` of
    Keras 3): ``0.5 * x * (1 + erf(x / sqrt(2)))``. ``approximate=True``:
    ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``. Note that Keras 3's
    ``keras.ops.gelu`` defaults to ``approximate=True``.
    """
    x = _tensor(x)
    if approximate:
        return F.gelu(x, approximate="tanh")
    # tf.nn.gelu's erfc form: accurate in the negative tail, where F.gelu's
    # 1 + erf(x / sqrt(2)) cancels (1e-4 relative error at x = -3 in float32).
    return 0.5 * x * torch.special.erfc(x * -0.7071067811865476)


def exponential(x: Any) -> torch.Tensor:
    """``exp(x)``."""
    return torch.exp(_tensor(x))


def hard_sigmoid(x: Any) -> torch.Tensor:
    """Keras 2's hard sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``.

    Keras 3 changed this to ``relu6(x + 3) / 6``; torchkeras keeps Keras 2's numbers.
    """
    x = _tensor(x)
    return torch.clamp(x * 0.2 + 0.5, 0.0, 1.0)


def mish(x: Any) -> torch.Tensor:
    """``x * tanh(softplus(x))``."""
    return F.mish(_tensor(x))


def leaky_relu(x: Any, alpha: float = 0.2, *,
               negative_slope: Optional[float] = None) -> torch.Tensor:
    """``x`` if ``x > 0`` else ``alpha * x`` (tf.nn.leaky_relu, default slope 0.2).

    ``negative_slope`` is Keras 3's name for ``alpha``. (The LeakyReLU *layer* defaults to 0.3
    in Keras 2.)
    """
    if negative_slope is not None:
        alpha = negative_slope
    return F.leaky_relu(_tensor(x), alpha)


def relu6(x: Any) -> torch.Tensor:
    """``min(max(x, 0), 6)``."""
    return F.relu6(_tensor(x))


def log_softmax(x: Any, axis: int = -1) -> torch.Tensor:
    """``x - logsumexp(x, axis)``."""
    return torch.log_softmax(_tensor(x), dim=axis)


# ---------------------------------------------------------------------------- Keras 3 only
def hard_silu(x: Any) -> torch.Tensor:
    """Keras 3's hard SiLU: ``x * relu6(x + 3) / 6``."""
    return F.hardswish(_tensor(x))


hard_swish = hard_silu


def log_sigmoid(x: Any) -> torch.Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``."""
    return F.logsigmoid(_tensor(x))


def celu(x: Any, alpha: float = 1.0) -> torch.Tensor:
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    return F.celu(_tensor(x), alpha=alpha)


def glu(x: Any, axis: int = -1) -> torch.Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` with ``a, b`` the halves of ``x`` along ``axis``."""
    x = _tensor(x)
    if x.shape[axis] % 2 != 0:
        raise ValueError("axis size must be divisible by 2. "
                         f"Received: x.shape={tuple(x.shape)} with axis={axis}")
    return F.glu(x, dim=axis)


def hard_tanh(x: Any) -> torch.Tensor:
    """``clip(x, -1, 1)``."""
    return F.hardtanh(_tensor(x))


def hard_shrink(x: Any, threshold: float = 0.5) -> torch.Tensor:
    """``x`` where ``|x| > threshold``, else 0."""
    return F.hardshrink(_tensor(x), lambd=threshold)


def soft_shrink(x: Any, threshold: float = 0.5) -> torch.Tensor:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return F.softshrink(_tensor(x), lambd=threshold)


def tanh_shrink(x: Any) -> torch.Tensor:
    """``x - tanh(x)``."""
    return F.tanhshrink(_tensor(x))


def threshold(x: Any, threshold: float, default_value: float) -> torch.Tensor:
    """``x`` where ``x > threshold``, else ``default_value``."""
    return F.threshold(_tensor(x), threshold, default_value)


def sparse_plus(x: Any) -> torch.Tensor:
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    x = _tensor(x)
    return torch.where(x <= -1, torch.zeros_like(x),
                       torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


def sparse_sigmoid(x: Any) -> torch.Tensor:
    """``clip(0.5 * (x + 1), 0, 1)``."""
    return torch.clamp(0.5 * (_tensor(x) + 1), 0.0, 1.0)


def squareplus(x: Any, b: float = 4) -> torch.Tensor:
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = _tensor(x)
    return (x + torch.sqrt(x * x + b)) / 2


def sparsemax(x: Any, axis: int = -1) -> torch.Tensor:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    ``tau = (sum of the k largest - 1) / k`` with ``k`` the support size. (Keras 3.15 sums
    the cumulative sums over the support instead, which is only right when ``k == 1``.)
    """
    x = _tensor(x)
    x_sorted = torch.sort(x, dim=axis, descending=True).values
    cumsum = torch.cumsum(x_sorted, dim=axis)
    r_shape = [1] * x.dim()
    r_shape[axis] = -1
    r = torch.arange(1, x.shape[axis] + 1, dtype=x.dtype, device=x.device).reshape(r_shape)
    support = x_sorted - (cumsum - 1) / r > 0  # (..., n) along axis
    k = support.sum(dim=axis, keepdim=True)  # (..., 1): size of the support
    tau = (torch.gather(cumsum, axis, k - 1) - 1) / k.to(x.dtype)
    return torch.clamp(x - tau, min=0.0)


# ---------------------------------------------------------------------------- lookup
# The functions by Keras name, in the one table of built-in objects
# (registry/builtin_objects.py); layers/activation.py adds the activation layer classes
# (``ReLU``, ``LeakyReLU``, ... resolve as in tf-keras).
for _fn in (linear, relu, sigmoid, tanh, softmax, elu, selu, softplus, softsign, swish, gelu,
            exponential, hard_sigmoid, mish, leaky_relu, relu6, log_softmax, hard_silu,
            log_sigmoid, celu, glu, hard_tanh, hard_shrink, soft_shrink, tanh_shrink, threshold,
            sparse_plus, sparse_sigmoid, squareplus, sparsemax):
    _register_builtin("activations", _fn)
del _fn
_register_builtin("activations", swish, "silu")
_register_builtin("activations", hard_silu, "hard_swish")
_register_builtin("activations", softmax, "softmax_v2")  # TF 2's internal name for tf.nn.softmax


def _module_objects() -> Dict[str, Any]:
    """Activation functions plus, as in tf-keras, the activation layer classes."""
    return _builtin_objects("activations")


function_lookup.register_builtin_functions("activations", _module_objects)  # Lambda configs


def serialize(activation: Callable) -> Union[str, Dict[str, Any]]:
    """The name of an activation function (``'relu'``); a config dict for layer objects.

    >>> serialize(softmax)
    'softmax'
    """
    if isinstance(activation, str):
        activation = deserialize(activation)
    if hasattr(activation, "get_config"):
        return serialize_keras_object(activation)
    if hasattr(activation, "__name__"):
        if _builtin_objects("activations").get(activation.__name__) is activation:
            return activation.__name__
        return get_registered_name(activation)
    raise ValueError(f"Unknown activation function '{activation}' cannot be serialized due "
                     "to invalid function name. Make sure to use an activation name that "
                     "matches the references defined in activations.py or use "
                     "`@keras.saving.register_keras_serializable()` to register any custom "
                     "activations.")


def deserialize(name: Union[str, Dict[str, Any]],
                custom_objects: Optional[Dict[str, Any]] = None) -> Callable:
    """The activation function for ``name`` (or an activation layer for a layer config).

    Also accepts tf-keras's function configs ``{'class_name': 'function', 'config': 'relu'}``.
    """
    if isinstance(name, dict) and name.get("class_name") == "function":
        name = name.get("registered_name") or name.get("config")
    return deserialize_keras_object(name, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name="activation function")


def get(identifier: Any) -> Callable:
    """Resolve ``identifier``: ``None`` -> :func:`linear`, a name or config, or a callable.

    >>> get('relu') is relu
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier}")
