"""graph/convert.to_tensor: user arrays become tensors of floatx, cast exactly as NumPy would."""
import numpy as np
import pytest
import torch

from torchkeras.data.structure import StringArray, with_numpy
from torchkeras.graph.convert import to_tensor


@pytest.mark.parametrize("array", [
    np.random.RandomState(0).rand(6, 4),  # float64: cast by torch
    np.random.RandomState(1).rand(6, 4).astype(">f8"),  # big-endian: cast by NumPy
    np.random.RandomState(2).rand(4, 6).T,  # not contiguous
    np.random.RandomState(3).rand(6, 4).astype(np.float16),
    np.random.RandomState(4).rand(6, 4).astype(np.longdouble),  # torch has no float128
])
def test_float_arrays_become_floatx_as_numpy_casts_them(array):
    tensor = to_tensor(array)
    assert tensor.dtype == torch.float32 and tuple(tensor.shape) == array.shape
    np.testing.assert_array_equal(tensor.numpy(), array.astype(np.float32))


def test_a_read_only_float64_array_is_cast_and_left_unchanged():
    array = np.linspace(0.0, 1.0, 12).reshape(3, 4)
    array.flags.writeable = False
    tensor = to_tensor(array)
    assert tensor.dtype == torch.float32 and array.dtype == np.float64
    np.testing.assert_array_equal(tensor.numpy(), array.astype(np.float32))


def test_integers_become_floats_only_when_asked():
    labels = np.arange(6, dtype=np.uint8)
    assert to_tensor(labels).dtype == torch.uint8
    as_float = to_tensor(labels, keep_integers=False)
    assert as_float.dtype == torch.float32
    np.testing.assert_array_equal(as_float.numpy(), labels.astype(np.float32))
    assert to_tensor(np.arange(3, dtype=np.uint32), keep_integers=False).dtype == torch.float32


def test_a_sparse_tensor_becomes_a_torch_sparse_tensor():
    from torchkeras.data.sparse import SparseTensor
    sp = SparseTensor([[0, 1], [2, 0]], [3, 4], [3, 2])
    floats = to_tensor(sp, keep_integers=False)
    assert floats.is_sparse and floats.dtype == torch.float32
    np.testing.assert_array_equal(floats.to_dense().numpy(), [[0, 3], [0, 0], [4, 0]])
    assert to_tensor(sp).dtype == torch.int32  # integers kept when asked


def test_keep_strings_returns_string_arrays_and_scalars_unchanged():
    strings = np.array(["a", "b"]).view(StringArray)
    assert to_tensor(strings, keep_strings=True) is strings
    scalar = with_numpy(b"x")
    assert to_tensor(scalar, keep_strings=True) is scalar
    assert to_tensor(["p", "q"], keep_strings=True).tolist() == ["p", "q"]
    assert to_tensor(np.array([1, 2]), keep_strings=True).dtype == torch.int64
