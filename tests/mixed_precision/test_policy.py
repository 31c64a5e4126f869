"""keras.mixed_precision policies: Policy, the global policy, and what layers take from it."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision
from torchkeras.layers.autocast import Float32Call


@pytest.fixture(autouse=True)
def _default_policy():
    mixed_precision.set_global_policy(None)
    yield
    mixed_precision.set_global_policy(None)


@pytest.mark.parametrize("name, compute, variable", [
    ("float32", "float32", "float32"), ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32"), ("float16", "float16", "float16"),
    ("bfloat16", "bfloat16", "bfloat16"), ("float64", "float64", "float64")])
def test_policy_dtypes(name, compute, variable):
    policy = mixed_precision.Policy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert policy.is_mixed == name.startswith("mixed")
    assert mixed_precision.Policy.from_config(policy.get_config()) == policy


def test_invalid_policy_name():
    with pytest.raises(ValueError, match="Cannot convert value mixed_float8 to a mixed "
                                         "precision Policy"):
        mixed_precision.Policy("mixed_float8")


def test_global_policy_default_and_set():
    assert mixed_precision.global_policy().name == "float32"
    mixed_precision.set_global_policy("mixed_float16")
    assert mixed_precision.global_policy() == mixed_precision.Policy("mixed_float16")
    mixed_precision.set_global_policy(mixed_precision.Policy("mixed_bfloat16"))
    assert mixed_precision.global_policy().name == "mixed_bfloat16"
    with pytest.raises(ValueError, match="floating-point policies"):
        mixed_precision.set_global_policy("int32")
    assert keras.mixed_precision is mixed_precision


def test_default_layer_unchanged():
    layer = keras.layers.Dense(2)
    assert layer.dtype == layer.compute_dtype == layer.variable_dtype == "float32"
    assert layer.dtype_policy.name == "float32"
    assert layer._autocast_dtype is None and "call" not in layer.__dict__
    assert layer.get_config()["dtype"] == "float32"


def test_layer_under_mixed_policy():
    mixed_precision.set_global_policy("mixed_float16")
    layer = keras.layers.Dense(3)
    assert layer.dtype_policy.name == "mixed_float16"
    assert (layer.dtype, layer.compute_dtype, layer.variable_dtype) == \
        ("float32", "float16", "float32")
    layer.build((None, 4))
    assert layer.kernel.dtype == torch.float32  # weights stay float32
    assert layer.get_config()["dtype"] == {"class_name": "Policy",
                                           "config": {"name": "mixed_float16"}}
    clone = keras.layers.Dense.from_config(layer.get_config())
    assert clone.dtype_policy.name == "mixed_float16"


def test_eager_call_computes_in_compute_dtype():
    mixed_precision.set_global_policy("mixed_bfloat16")
    dense = keras.layers.Dense(3)
    out = dense(torch.ones(2, 4))
    assert out.dtype == torch.bfloat16 and dense.kernel.dtype == torch.float32
    # An explicitly float32 layer computes in float32 on a float32 cast of its input.
    head = keras.layers.Activation("linear", dtype="float32")
    assert isinstance(head.__dict__["call"], Float32Call)
    assert head.compute_dtype == "float32"
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert head(out).dtype == torch.float32
        assert keras.layers.Dense(2, dtype="float32")(out).dtype == torch.float32


def test_layer_dtype_argument_forms():
    assert keras.layers.Dense(2, dtype="mixed_bfloat16").compute_dtype == "bfloat16"
    assert keras.layers.Dense(2, dtype=mixed_precision.Policy("float64")).dtype == "float64"
    assert keras.layers.Dense(2, dtype=np.float64).dtype == "float64"
    policy_dict = {"class_name": "Policy", "config": {"name": "mixed_float16"}}
    assert keras.layers.Dense(2, dtype=policy_dict).dtype_policy.name == "mixed_float16"


def test_float32_layer_survives_deepcopy():
    import copy
    mixed_precision.set_global_policy("mixed_float16")
    head = keras.layers.Activation("linear", dtype="float32")
    twin = copy.deepcopy(head)
    assert twin.__dict__["call"].layer is twin
