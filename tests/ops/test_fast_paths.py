"""The per-call fast paths (a plain tensor needing no conversion) give what the general path
gives for the same tensor (passed as a non-trainable Variable, a tensor subclass, which the
fast paths leave to the general path): same values and dtypes, for every dtype."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import ops
from torchkeras.backend.variable import wrap

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int32", "int64", "bool"]
UNARY = ["exp", "tanh", "sqrt", "sin", "log1p", "floor", "relu", "sigmoid"]
BINARY = ["add", "subtract", "multiply", "maximum", "minimum"]


def _tensor(dtype: str, seed: int) -> torch.Tensor:
    values = np.random.RandomState(seed).uniform(0.5, 3.0, size=(6,))
    if dtype == "bool":
        return torch.as_tensor(values > 1.5)
    return torch.as_tensor(values).to(getattr(torch, dtype))


def _general(t: torch.Tensor) -> torch.Tensor:
    return wrap(t, name="x", trainable=False)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_fast_path_matches_general_path(name, dtype):
    x = _tensor(dtype, 0)
    fast = getattr(ops, name)(x)
    general = getattr(ops, name)(_general(x))
    assert type(fast) is torch.Tensor and type(general) is torch.Tensor
    assert fast.dtype == general.dtype, (name, dtype)
    torch.testing.assert_close(fast, general)


@pytest.mark.parametrize("name,dtype", [(n, d) for n in BINARY for d in DTYPES
                                         if (n, d) != ("subtract", "bool")])  # error: below
def test_binary_fast_path_matches_general_path(name, dtype):
    x, y = _tensor(dtype, 1), _tensor(dtype, 2)
    fast = getattr(ops, name)(x, y)
    general = getattr(ops, name)(_general(x), _general(y))
    assert fast.dtype == general.dtype, (name, dtype)
    torch.testing.assert_close(fast, general)


def test_mean_fast_path_matches_general_path():
    x = _tensor("float32", 3).reshape(2, 3)
    torch.testing.assert_close(ops.mean(x, axis=1), ops.mean(_general(x), axis=1))
    assert ops.mean(x, axis=1, keepdims=True).shape == (2, 1)


def test_parameters_and_variables_take_the_general_path():
    p = torch.nn.Parameter(torch.ones(3))
    out = ops.add(p, 1.0)
    assert type(out) is torch.Tensor and out.requires_grad
    v = keras.Variable(np.arange(3, dtype="int32"), trainable=False)
    assert ops.exp(v).dtype == torch.float32  # int -> floatx through the general path


def test_bool_subtract_is_an_error_on_both_paths():
    x = _tensor("bool", 1)
    for a in (x, _general(x)):
        with pytest.raises(RuntimeError, match="Subtraction"):
            ops.subtract(a, a)
