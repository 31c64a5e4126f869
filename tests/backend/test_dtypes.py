"""Keras 3 dtype names and promotion (torchkeras.backend.dtypes)."""
import numpy as np
import pytest
import torch

from torchkeras import backend
from torchkeras.backend import dtypes


@pytest.mark.parametrize("args, expected", [
    (("int32", "float32"), "float32"), (("int8", int), "int8"), (("int32", float), "float32"),
    (("float16", float), "float16"), (("bfloat16", int), "bfloat16"),
    (("int8", "uint8"), "int16"), (("bool", int), "int32"), (("bool", "bool"), "bool"),
    (("float16", "bfloat16"), "float32"), (("int64", "float16"), "float16"),
    (("int64", "int32"), "int32"),  # 64-bit narrows to 32-bit, as on Keras 3's torch backend
    (("float64",), "float32"), ((int, float), "float32"), ((int,), "int32"), ((), "float32"),
    ((None, "int32"), "float32"),
])
def test_result_type(args, expected):
    assert dtypes.result_type(*args) == expected


def test_result_type_weak_types_follow_floatx():
    backend.set_floatx("float16")
    try:
        assert dtypes.result_type("int32", float) == "float16"
        assert dtypes.result_type(int, float) == "float16"
    finally:
        backend.set_floatx("float32")


@pytest.mark.parametrize("value, expected", [
    (torch.float32, "float32"), (np.dtype("int16"), "int16"), (np.float64, "float64"),
    (int, "int32"), (float, "float32"), (bool, "bool"), ("torch.int8", "int8"),
    ("float", "float32"), (None, "float32"),
])
def test_standardize_dtype(value, expected):
    assert dtypes.standardize_dtype(value) == expected


def test_invalid_dtype_is_named():
    with pytest.raises(ValueError, match="Invalid dtype: complex256"):
        dtypes.standardize_dtype("complex256")


def test_backend_exports_keras3_names():
    assert backend.result_type("int8", "int16") == "int16"
    assert backend.is_float_dtype("bfloat16") and not backend.is_float_dtype("int32")
    assert backend.is_int_dtype("uint8") and not backend.is_int_dtype("bool")
