"""Elements of a ``tf.data.Dataset``: nested structures, leaf conversion, ``TensorSpec``.

tf.data's structure rules (not tf.nest's general ones): tuples, namedtuples and dicts are
structure; a list is converted to one tensor (``from_tensor_slices([[1, 2], [3, 4]])``).
Dict components are ordered by sorted key. Numeric leaves are CPU torch tensors; torch has
no string tensors, so string leaves are NumPy ``str``/``bytes`` values or arrays.
"""
from __future__ import annotations

import collections
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.data.ragged import RaggedTensor
from torchkeras.data import sparse
from torchkeras.data.sparse import SparseTensor

__all__ = ["RaggedTensorSpec", "SparseTensorSpec", "TensorSpec", "string", "flatten",
           "flatten_up_to", "pack", "map_leaves", "to_leaf", "to_element", "spec_of", "stack",
           "is_string", "structure_difference"]


class _StringDType:
    """``tf.string``: the dtype of string elements (NumPy ``str``/``bytes`` values).

    It equals ``"string"``, ``str``/``bytes`` and NumPy string/object dtypes as TF's
    ``tf.string`` does (``features[name].dtype == "string"`` in keras.io's structured-data
    example). A string element's ``.dtype`` is one of these carrying the element's NumPy
    dtype: NumPy's attributes (``kind``, ``itemsize``...) and ``np.dtype(...)`` still work."""
    name = "string"
    is_floating = is_integer = is_complex = is_bool = is_quantized = False
    as_numpy_dtype = object

    def __init__(self, numpy_dtype: Optional[np.dtype] = None) -> None:
        self._numpy_dtype = np.dtype(object) if numpy_dtype is None else numpy_dtype

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype (``np.dtype(x.dtype)`` reads it)."""
        return self._numpy_dtype

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._numpy_dtype, name)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, _StringDType):
            return True
        if isinstance(other, str):
            return other == "string"
        if other in (str, bytes, np.str_, np.bytes_, np.object_):
            return True
        return isinstance(other, np.dtype) and other.kind in "USO"

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash("string")

    def __repr__(self) -> str:
        return "tf.string"


string = _StringDType()


def flatten(structure: Any) -> List[Any]:
    """Leaves in tf.data order (dicts by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack(structure: Any, flat: Sequence[Any]) -> Any:
    """Inverse of :func:`flatten`: a dict takes its leaves in sorted key order and keeps
    ``structure``'s key order (as TF's elements and specs do)."""
    iterator = iter(flat)

    def build(node: Any) -> Any:
        if isinstance(node, dict):  # leaves in sorted key order, keys in the node's order
            built = {key: build(node[key]) for key in sorted(node)}
            ordered = [(key, built[key]) for key in node]
            return type(node)(ordered) if isinstance(node, collections.OrderedDict) else \
                dict(ordered)
        if isinstance(node, tuple) and hasattr(node, "_fields"):
            return type(node)(*[build(item) for item in node])
        if isinstance(node, tuple):
            return tuple(build(item) for item in node)
        return next(iterator)

    return build(structure)


def flatten_up_to(shallow: Any, value: Any) -> Optional[List[Any]]:
    """``value``'s parts at the leaves of ``shallow`` (a leaf of ``shallow`` takes the whole
    part there, a shape tuple included: tf.nest's ``flatten_up_to``), in :func:`flatten`'s
    order; None when ``value`` lacks ``shallow``'s structure."""
    if isinstance(shallow, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(shallow):
            return None
        parts = [flatten_up_to(shallow[key], value[key]) for key in sorted(shallow)]
    elif isinstance(shallow, tuple):
        if not isinstance(value, tuple) or len(value) != len(shallow):
            return None
        parts = [flatten_up_to(s, v) for s, v in zip(shallow, value)]
    else:
        return [value]
    if any(part is None for part in parts):
        return None
    return [leaf for part in parts for leaf in part]  # type: ignore[union-attr]


def map_leaves(fn: Callable[[Any], Any], structure: Any) -> Any:
    if isinstance(structure, torch.Tensor):  # the common case, without the walk
        return fn(structure)
    return pack(structure, [fn(leaf) for leaf in flatten(structure)])


def same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and \
            all(same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and \
            all(same_structure(x, y) for x, y in zip(a, b))
    return True


def _describe(node: Any) -> str:
    if isinstance(node, dict):
        return f"a dict with keys {sorted(node)}"
    if isinstance(node, tuple):
        return f"a tuple of {len(node)}"
    return "a single component"


def structure_difference(a: Any, b: Any, path: str = "") -> Optional[str]:
    """Where the structures ``a`` and ``b`` differ (``"component [1]['x']: a tuple of 2 vs.
    a single component"``), or None when they match."""
    where = f"component {path}" if path else "the top level"
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return f"{where}: {_describe(a)} vs. {_describe(b)}"
        for key in sorted(a):
            found = structure_difference(a[key], b[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return f"{where}: {_describe(a)} vs. {_describe(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = structure_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, (tuple, dict)) or isinstance(b, (tuple, dict)):
        return f"{where}: {_describe(a)} vs. {_describe(b)}"
    return None


def _new_axes(value: Any, key: Any) -> Optional[np.ndarray]:
    """``scalar[tf.newaxis]`` / ``scalar[...]`` on a string scalar: a string array as TF gives
    (``tf.io.parse_example(serialized[tf.newaxis], ...)``); None for other keys."""
    keys = key if isinstance(key, tuple) else (key,)
    if not all(k is None or k is Ellipsis for k in keys):
        return None
    return with_numpy(np.array(value.item(), dtype=object)[key])


class StringValue(np.str_):
    """A scalar string element as iteration gives it: ``.numpy()`` gives UTF-8 ``bytes``
    like TF's ``tf.Tensor.numpy()`` on a ``tf.string`` scalar."""

    @property
    def dtype(self) -> _StringDType:  # tf.string, as TF's string tensors
        return _StringDType(super().dtype)

    def numpy(self) -> bytes:
        return self.encode("utf-8")

    def __getitem__(self, key: Any) -> Any:
        expanded = _new_axes(self, key)
        return expanded if expanded is not None else super().__getitem__(key)


class BytesValue(np.bytes_):
    """A scalar ``bytes`` element (``tf.io.read_file``'s result); ``.numpy()`` gives it."""

    @property
    def dtype(self) -> _StringDType:  # tf.string, as TF's string tensors
        return _StringDType(super().dtype)

    def numpy(self) -> bytes:
        return bytes(self)

    def __getitem__(self, key: Any) -> Any:
        expanded = _new_axes(self, key)
        return expanded if expanded is not None else super().__getitem__(key)


class StringArray(np.ndarray):
    """An array of strings as iteration gives it: ``.numpy()`` gives an object array of
    ``bytes`` like TF (everything else is NumPy's)."""

    @property
    def dtype(self) -> _StringDType:  # tf.string, as TF's string tensors
        return _StringDType(super().dtype)

    def __getitem__(self, key: Any) -> Any:
        item = super().__getitem__(key)  # a scalar string keeps ``.numpy()`` (TF's x[0])
        return with_numpy(item) if isinstance(item, (str, bytes)) else item

    def numpy(self) -> np.ndarray:
        out = np.empty(self.shape, dtype=object)
        for index, item in np.ndenumerate(np.asarray(self)):
            out[index] = item.encode("utf-8") if isinstance(item, str) else \
                bytes(item) if isinstance(item, bytes) else item
        return out


def with_numpy(leaf: Any) -> Any:
    """String leaves as the types above (``.numpy()`` as TF); other leaves unchanged."""
    if isinstance(leaf, (torch.Tensor, StringValue, BytesValue, StringArray)):
        return leaf
    if isinstance(leaf, str):
        return StringValue(leaf)
    if isinstance(leaf, bytes):
        return BytesValue(leaf)
    if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "USO":
        return leaf.view(StringArray)
    if isinstance(leaf, SparseTensor) and isinstance(leaf.values, np.ndarray) and \
            not isinstance(leaf.values, StringArray):  # string values with .numpy()
        return SparseTensor(leaf.indices, leaf.values.view(StringArray), leaf.dense_shape,
                            static_shape=leaf.static_shape)
    return leaf


def is_string(leaf: Any) -> bool:
    if isinstance(leaf, (str, bytes)):
        return True
    return isinstance(leaf, (np.ndarray, np.generic)) and leaf.dtype.kind in "USO"


def _plain_dtype(values: Any) -> Optional[str]:
    """tf.constant's dtype for Python numbers: int32, float32 or bool."""
    flat: List[Any] = []

    def walk(v: Any) -> None:
        if isinstance(v, (list, tuple)):
            for item in v:
                walk(item)
        else:
            flat.append(v)
    walk(values)
    if flat and all(isinstance(v, bool) for v in flat):
        return "bool"
    if flat and all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
        return "int32"
    if flat and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat):
        return "float32"
    return None


def to_leaf(value: Any) -> Any:
    """A torch tensor for numbers (Python numbers as tf.constant types them), a NumPy value
    or array for strings."""
    if isinstance(value, (torch.Tensor, RaggedTensor, SparseTensor)):
        return value
    if isinstance(value, (str, bytes)):
        return StringValue(value) if isinstance(value, str) else BytesValue(value)
    plain = _plain_dtype(value) if isinstance(value, (int, float, bool, list)) else None
    array = np.asarray(value, dtype=plain)
    if array.dtype.kind in "USO":
        if array.dtype.kind == "O" and array.size and not isinstance(array.flat[0], (str, bytes)):
            raise TypeError(f"Unsupported element value of type {type(array.flat[0]).__name__}; "
                            "elements must be numbers, strings or structures (tuples, dicts) "
                            "of them.")
        return with_numpy(array[()] if array.ndim == 0 else array)
    if not array.flags.c_contiguous or not array.flags.writeable:
        array = array.copy(order="C")
    return torch.from_numpy(array)


def to_element(value: Any) -> Any:
    """A structure of leaves: tuples and dicts stay structure, anything else is one leaf."""
    if isinstance(value, collections.OrderedDict):
        return type(value)((key, to_element(value[key])) for key in value)
    if isinstance(value, dict):
        return {key: to_element(value[key]) for key in value}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[to_element(item) for item in value])
    if isinstance(value, tuple):
        return tuple(to_element(item) for item in value)
    return to_leaf(value)


def stack(leaves: Sequence[Any]) -> Any:
    """One batch from equally shaped leaves."""
    first = leaves[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(list(leaves))
    if isinstance(first, SparseTensor):
        return sparse.batch(leaves)
    if isinstance(first, bytes) and any(bytes(leaf).endswith(b"\0") for leaf in leaves):
        out = np.empty(len(leaves), dtype=object)  # NumPy's "S" arrays drop trailing NULs
        out[:] = [bytes(leaf) for leaf in leaves]
        return out
    return np.asarray(leaves)


# ---------------------------------------------------------------------------- specs
def _dtype_name(dtype: Any) -> str:
    if dtype is None:
        return "float32"
    if dtype is string or dtype is str or dtype is bytes or getattr(dtype, "name", None) == \
            "string":
        return "string"
    if isinstance(dtype, torch.dtype):
        return str(dtype).replace("torch.", "")
    if isinstance(dtype, str):
        return dtype
    return np.dtype(dtype).name


class TensorSpec:
    """``tf.TensorSpec(shape, dtype, name)``: the type of one element component."""

    def __init__(self, shape: Any = None, dtype: Any = "float32",
                 name: Optional[str] = None) -> None:
        self.shape: Optional[Tuple[Optional[int], ...]] = None if shape is None else tuple(
            None if d is None or d == -1 else int(d) for d in shape)
        self.dtype_name = _dtype_name(dtype)
        self.name = name

    @property
    def dtype(self) -> Any:
        if self.dtype_name == "string":
            return string
        return getattr(torch, self.dtype_name)

    @property
    def value_type(self) -> type:
        """The Python type of the values this spec describes (TF: ``tf.Tensor``)."""
        return np.ndarray if self.dtype_name == "string" else torch.Tensor

    def is_compatible_with(self, leaf: Any) -> bool:
        actual = spec_of(leaf)
        if actual.dtype_name != self.dtype_name:
            return False
        if self.shape is None:
            return True
        return len(self.shape) == len(actual.shape) and all(
            e is None or e == a for e, a in zip(self.shape, actual.shape))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, TensorSpec) and (self.shape, self.dtype_name) == \
            (other.shape, other.dtype_name)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype_name))

    def __repr__(self) -> str:
        shape = "<unknown>" if self.shape is None else \
            "(" + ", ".join("None" if d is None else str(d) for d in self.shape) + \
            ("," if len(self.shape) == 1 else "") + ")"
        return f"TensorSpec(shape={shape}, dtype=tf.{self.dtype_name}, name={self.name!r})"


class RaggedTensorSpec(TensorSpec):
    """``tf.RaggedTensorSpec``: a component whose ``None`` dimensions may differ between
    elements (a RaggedTensor, or a row sliced from one): ``batch`` makes RaggedTensors of it."""

    @property
    def value_type(self) -> type:
        return RaggedTensor

    def __repr__(self) -> str:
        return "Ragged" + super().__repr__()


class SparseTensorSpec(TensorSpec):
    """``tf.SparseTensorSpec(shape, dtype)``: a ``tf.SparseTensor`` component."""

    def __init__(self, shape: Any = None, dtype: Any = "float32") -> None:
        super().__init__(shape, dtype)

    @property
    def value_type(self) -> type:
        return SparseTensor

    def is_compatible_with(self, leaf: Any) -> bool:
        if not isinstance(leaf, SparseTensor):
            return False
        actual = spec_of(leaf)
        return actual.dtype_name == self.dtype_name and (self.shape is None or (
            len(self.shape) == len(leaf.shape) and all(
                e is None or e == a for e, a in zip(self.shape, leaf.shape))))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, SparseTensorSpec) and super().__eq__(other)

    def __hash__(self) -> int:
        return hash(("sparse", self.shape, self.dtype_name))

    def __repr__(self) -> str:
        shape = "None" if self.shape is None else \
            "[" + ", ".join("None" if d is None else str(d) for d in self.shape) + "]"
        return f"SparseTensorSpec(TensorShape({shape}), tf.{self.dtype_name})"


def respec(spec: TensorSpec, shape: Any) -> TensorSpec:
    """``spec`` with another shape, of the same kind (a SparseTensorSpec stays one)."""
    if isinstance(spec, SparseTensorSpec):
        return SparseTensorSpec(shape, spec.dtype)
    return type(spec)(shape, spec.dtype)


def spec_of(leaf: Any) -> TensorSpec:
    """The spec of one concrete leaf."""
    if isinstance(leaf, torch.Tensor):
        return TensorSpec(tuple(leaf.shape), leaf.dtype)
    if isinstance(leaf, RaggedTensor):  # (rows, None, ...): the second dimension is ragged
        dtype = leaf.dtype
        return RaggedTensorSpec(leaf.shape, string if isinstance(dtype, np.dtype) else dtype)
    if isinstance(leaf, SparseTensor):
        return SparseTensorSpec(leaf.static_shape,
                                string if isinstance(leaf.values, np.ndarray) else leaf.dtype)
    if is_string(leaf):
        return TensorSpec(tuple(np.shape(leaf)), string)
    return TensorSpec(tuple(np.shape(leaf)), np.asarray(leaf).dtype)
