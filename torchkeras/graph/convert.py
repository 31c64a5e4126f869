"""Converting user data (NumPy, lists, tensors) into device tensors."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
import torch

from torchkeras import backend
from torchkeras.backend import nest
from torchkeras.data import sparse

# Native-order NumPy dtypes that torch.from_numpy takes as they are (for casting by torch).
_TORCH_CASTABLE = frozenset(np.dtype(name) for name in (
    "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"))


def to_tensor(value: Any, device: Optional[torch.device] = None, dtype: Optional[str] = None,
              keep_integers: bool = True, keep_strings: bool = False) -> torch.Tensor:
    """A tensor on ``device``; floating data is cast to ``dtype`` (default floatx).

    Integer and boolean data keep their type when ``keep_integers`` (labels, token ids),
    else become ``dtype``. Strings (torch has none) stay a NumPy array when
    ``keep_strings`` (the input of a string layer), else raise TensorFlow's error.
    """
    device = device or backend.get_device()
    float_dtype = backend.torch_dtype(dtype)
    if isinstance(value, sparse.SparseTensor):  # a torch sparse COO tensor (Dense takes it)
        value = sparse.to_torch(value)
    if keep_strings and isinstance(value, (np.ndarray, np.generic)) and \
            value.dtype.kind in "OUS":  # as it is: a StringArray keeps its `.numpy()`
        return value
    if isinstance(value, torch.Tensor):
        tensor = value
    else:
        array = np.asarray(value)
        if array.dtype.kind in "OUS":
            if keep_strings:
                return array
            raise ValueError(f"Failed to convert a NumPy array to a Tensor (Unsupported object "
                             f"type {array.dtype}).")
        if array.dtype.kind == "f" or not keep_integers:
            target = np.dtype(backend.standardize_dtype(float_dtype))
            if array.dtype != target and array.dtype in _TORCH_CASTABLE:
                # Cast by torch below: NumPy's new array of a large cast asks the kernel for
                # huge pages (madvise); MNIST's 60000x28x28 float64 took 5.2 s that way on a
                # VM whose memory needed compaction, 0.8 s by torch (fit's first step).
                tensor = from_numpy(np.ascontiguousarray(array))
            else:
                tensor = from_numpy(np.ascontiguousarray(array, dtype=target))
        else:
            if array.dtype == np.uint16 or array.dtype == np.uint32 or array.dtype == np.uint64:
                array = array.astype(np.int64)
            tensor = from_numpy(np.ascontiguousarray(array))
    if tensor.is_floating_point() or not keep_integers:
        if tensor.dtype != float_dtype:
            tensor = tensor.to(float_dtype)
    if tensor.device != device:
        tensor = tensor.to(device)
    return tensor


def from_numpy(array: np.ndarray) -> torch.Tensor:
    """``torch.from_numpy`` without a copy, also for a read-only array (pandas 3's
    ``to_numpy()``, a memory-mapped file): torch's "non-writable array" warning is silenced
    for that call only. torchkeras never writes into its input tensors."""
    if array.flags.writeable:
        return torch.from_numpy(array)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(array)


def to_tensor_structure(structure: Any, device: Optional[torch.device] = None,
                        dtype: Optional[str] = None, keep_integers: bool = False,
                        keep_strings: bool = False) -> Any:
    """:func:`to_tensor` on every leaf of a list/tuple/dict structure.

    A plain list of numbers (``[[0, 1], [1, 0]]``) is one array, not a structure.
    """
    if isinstance(structure, list) and structure and not any(
            isinstance(x, (np.ndarray, torch.Tensor, list, tuple, dict)) and
            not _is_number_nest(x) for x in structure):
        return to_tensor(structure, device, dtype, keep_integers, keep_strings)
    return nest.map_structure(
        lambda x: to_tensor(x, device, dtype, keep_integers, keep_strings), structure)


def _is_number_nest(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_number_nest(v) for v in value)
    return isinstance(value, (int, float, bool, np.number, str, bytes))


def to_numpy(structure: Any) -> Any:
    """Tensors in ``structure`` as NumPy arrays."""
    return nest.map_structure(
        lambda t: t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t, structure)
