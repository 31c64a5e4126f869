"""Global Keras settings: floatx, epsilon, image data format."""
from __future__ import annotations

import torch

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"

_TORCH_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "bool": torch.bool,
}


def floatx() -> str:
    """The default float type name, e.g. ``'float32'``."""
    return _FLOATX


def set_floatx(value: str) -> None:
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of "
                         "{'float16', 'bfloat16', 'float32', 'float64'}")
    _FLOATX = str(value)


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (Keras default 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
    _IMAGE_DATA_FORMAT = data_format


def standardize_dtype(dtype) -> str:
    """Return the Keras name of a dtype given as a string, numpy or torch dtype."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, torch.dtype):
        for name, value in _TORCH_DTYPES.items():
            if value == dtype:
                return name
        raise ValueError(f"Invalid dtype: {dtype}")
    name = getattr(dtype, "name", None) or str(dtype)
    if name.startswith("<class 'numpy."):
        name = name[len("<class 'numpy."):-2]
    if name in ("float", "double"):
        name = "float32" if name == "float" else "float64"
    if name == "int":
        name = "int64"
    if name not in _TORCH_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


def torch_dtype(dtype=None) -> torch.dtype:
    """The torch dtype for a Keras dtype name (``None`` means floatx)."""
    return _TORCH_DTYPES[standardize_dtype(dtype)]
