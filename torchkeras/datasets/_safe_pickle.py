"""Reading the pickles inside Keras's dataset files without running code from them.

CIFAR's batches are pickled dicts and the sequences of ``imdb.npz``/``reuters.npz`` are
pickled object arrays. ``pickle.load`` on a file planted in ``~/.keras/datasets`` would run
whatever code it names, so these files are read with ``RestrictedUnpickler``.

Why this is safe. A pickle runs code only by calling something it obtained by name: the
``GLOBAL``/``STACK_GLOBAL``/``INST``/``OBJ`` opcodes and the extension registry all go through
``find_class``, and persistent ids through ``persistent_load`` (refused here). ``find_class``
resolves only the names NumPy writes for arrays and numbers (and ``bytes`` at protocol 2), and resolves them to the
small pure-Python stand-ins of this module, never to NumPy's own functions or types:

* ``numpy.dtype(code, align, copy)`` + its state -> ``_DType``: accepted only for a plain
  type code (bool, int, uint, float, complex, bytes, str or object; no structured, subarray,
  void or datetime types); the real ``np.dtype`` is made from the code and byte order alone.
* ``numpy.core.multiarray._reconstruct(numpy.ndarray, shape, code)`` + its state ->
  ``_Array``: the shape must be non-negative ints; raw bytes must be exactly
  ``prod(shape) * itemsize`` long and become an array through ``np.frombuffer``; an object
  array must come with a list of exactly ``prod(shape)`` items. NumPy's own
  ``ndarray.__setstate__`` does not check that length (it reads past the list and crashes),
  and ``numpy.ndarray(shape, object, buffer)`` reads pointers from bytes: both are
  memory-unsafe, so neither is reachable (``numpy.ndarray`` resolves to a marker that only
  ``_reconstruct`` accepts).
* ``numpy.core.numeric._frombuffer`` (protocol 5 arrays) and ``numpy.core.multiarray.scalar``
  (NumPy numbers): ``np.frombuffer`` with the size checked, never for object dtypes.
* ``_codecs.encode(text, 'latin1')`` (``bytes`` at protocol 2): ``str.encode('latin1')``.

The names are slot-less callables (nothing for ``BUILD`` to set), made afresh for each file;
finished arrays and numbers stay wrapped (``_Value``) until the stream ends, so ``BUILD`` never
reaches a NumPy ``__setstate__``. Then the stand-ins are replaced by real arrays, dtypes and
numbers. Lists, dicts, tuples, strings, bytes and numbers need no global at all. Any other
global (``os.system``, ``builtins.eval``, ...) is refused by name with an error naming the
file. The ``numpy._core`` spelling of each name (NumPy 2) is accepted like ``numpy.core``.
"""
from __future__ import annotations

import itertools
import math
import pickle
from typing import IO, Any, Dict, Optional, Tuple

import numpy as np

__all__ = ["UnsafePickleError", "RestrictedUnpickler", "load"]

_KINDS = "biufcSUO"  # bool, int, uint, float, complex, bytes, str, object


class UnsafePickleError(pickle.UnpicklingError, ValueError):
    """A dataset file's pickle names a global that data never needs (it could run code)."""


class _Bad(pickle.UnpicklingError):
    """Malformed array or dtype data (reported as a damaged file by ``load``)."""


def _text(value: Any) -> str:
    """A type code or byte order, ``bytes`` in Python 2 pickles read with ``encoding='bytes'``."""
    if isinstance(value, bytes):
        value = value.decode("ascii")
    if not isinstance(value, str):
        raise _Bad(f"expected a type code string, got {type(value).__name__}")
    return value


class _DType:
    """Stand-in for ``numpy.dtype(code, align, copy)`` until its state arrives."""

    def __init__(self, code: Any, align: Any = False, copy: Any = False) -> None:
        self.code = _text(code)
        self.state: Optional[Tuple[Any, ...]] = None
        self._dtype: Optional[np.dtype] = None

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple):
            raise _Bad("a dtype state must be a tuple")
        self.state = state

    def resolve(self) -> np.dtype:
        if self._dtype is None:
            self._dtype = _plain_dtype(self.code, self.state)
        return self._dtype


def _plain_dtype(code: str, state: Optional[Tuple[Any, ...]]) -> np.dtype:
    try:
        dtype = np.dtype(code)
    except TypeError as error:
        raise _Bad(f"unknown type code {code!r}") from error
    if dtype.kind not in _KINDS or dtype.names is not None or dtype.subdtype is not None:
        raise _Bad(f"type code {code!r} is not a plain number, string or object type")
    if state is None:
        return dtype
    if len(state) >= 6 and dtype.itemsize == 0 and dtype.kind in "SU":
        elsize = state[5]  # old pickles: ('S', 0, 1) with the size in the state
        if not isinstance(elsize, int) or elsize <= 0:
            raise _Bad(f"bad item size {elsize!r} for type code {code!r}")
        dtype = np.dtype(f"{dtype.kind}{elsize // 4 if dtype.kind == 'U' else elsize}")
    order = _text(state[1]) if len(state) > 1 else "|"
    if order not in "<>|=":
        raise _Bad(f"bad byte order {order!r}")
    return dtype.newbyteorder(order) if order in "<>" else dtype


def _as_dtype(value: Any) -> np.dtype:
    if isinstance(value, _DType):
        return value.resolve()
    if isinstance(value, (str, bytes)):
        return _plain_dtype(_text(value), None)
    raise _Bad(f"expected a dtype, got {type(value).__name__}")


def _shape(value: Any) -> Tuple[int, ...]:
    if not isinstance(value, tuple) or not all(isinstance(n, int) and n >= 0 for n in value):
        raise _Bad(f"bad array shape {value!r}")
    return value


def _from_bytes(data: Any, dtype: np.dtype, shape: Tuple[int, ...], order: str) -> np.ndarray:
    if dtype.hasobject:
        raise _Bad("an object array cannot come from raw bytes")
    if isinstance(data, str):  # Python 2 pickles read with encoding='latin1'
        data = data.encode("latin1")
    if not isinstance(data, (bytes, bytearray)):
        raise _Bad(f"expected array bytes, got {type(data).__name__}")
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise _Bad(f"{len(data)} bytes do not fill an array of shape {shape} and dtype "
                   f"{dtype}")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order=order).copy()


def _from_list(items: Any, shape: Tuple[int, ...]) -> np.ndarray:
    """A flat object array of exactly ``prod(shape)`` items."""
    if not isinstance(items, list) or len(items) != math.prod(shape):
        raise _Bad(f"an object array of shape {shape} needs a list of {math.prod(shape)} "
                   "items")
    array = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        array[i] = item
    return array


class _Array:
    """Stand-in for ``_reconstruct(numpy.ndarray, shape, code)`` until its state arrives."""

    def __init__(self, subtype: Any, shape: Any = (0,), code: Any = b"b") -> None:
        if not isinstance(subtype, _NDArrayName):
            raise _Bad("only numpy.ndarray can be reconstructed")
        self.array: Optional[np.ndarray] = None
        self.items: Optional[np.ndarray] = None  # an object array's items, flat

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise _Bad("bad array state")
        shape, dtype, fortran, data = state[-4:]
        shape, dtype = _shape(shape), _as_dtype(dtype)
        order = "F" if fortran else "C"
        if dtype.hasobject:
            self.items = _from_list(data, shape)
            self.array = self.items.reshape(shape, order=order)
        else:
            self.array = _from_bytes(data, dtype, shape, order)


class _Value:
    """A finished array or number, kept out of reach of the pickle's ``BUILD`` (NumPy's own
    ``__setstate__`` methods are what this module never lets a file call)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __setstate__(self, state: Any) -> None:
        raise _Bad("an array or number cannot take a state")


class _Name:
    """What an allowed global resolves to: a callable with no state and no attributes a
    pickle could set (no ``__dict__``, no ``__setstate__``)."""

    __slots__ = ()

    def __call__(self, *args: Any) -> Any:
        raise _Bad(f"{type(self).__name__} cannot be called")


class _NDArrayName(_Name):
    """``numpy.ndarray``: only ever ``_reconstruct``'s first argument."""
    __slots__ = ()


class _DTypeName(_Name):
    __slots__ = ()

    def __call__(self, *args: Any) -> Any:
        return _DType(*args)


class _ReconstructName(_Name):
    __slots__ = ()

    def __call__(self, *args: Any) -> Any:
        return _Array(*args)


class _FromBufferName(_Name):
    """``numpy.core.numeric._frombuffer(data, dtype, shape, order)`` (protocol 5 arrays)."""
    __slots__ = ()

    def __call__(self, data: Any = None, dtype: Any = None, shape: Any = None,
                 order: Any = "C", *rest: Any) -> Any:
        return _Value(_from_bytes(data, _as_dtype(dtype), _shape(shape),
                                  "F" if order == "F" else "C"))


class _ScalarName(_Name):
    """``numpy.core.multiarray.scalar(dtype, data)``: a NumPy number."""
    __slots__ = ()

    def __call__(self, dtype: Any = None, data: Any = None, *rest: Any) -> Any:
        return _Value(_from_bytes(data, _as_dtype(dtype), (), "C")[()])


class _EncodeName(_Name):
    """``_codecs.encode(text, 'latin1')``: how Python 3 writes ``bytes`` at protocol 2."""
    __slots__ = ()

    def __call__(self, text: Any = None, encoding: Any = "utf-8", *rest: Any) -> Any:
        if not isinstance(text, str) or encoding not in ("latin1", "latin-1") or rest:
            raise _Bad("_codecs.encode is accepted only as encode(text, 'latin1')")
        return text.encode("latin1")


def _names() -> Dict[Tuple[str, str], _Name]:
    """A fresh table per file: nothing one file does can reach the next one."""
    table: Dict[Tuple[str, str], _Name] = {("numpy", "ndarray"): _NDArrayName(),
                                           ("numpy", "dtype"): _DTypeName()}
    reconstruct, scalar, frombuffer = _ReconstructName(), _ScalarName(), _FromBufferName()
    for package in ("numpy.core", "numpy._core"):  # written by NumPy 1.x / 2.x
        table[(f"{package}.multiarray", "_reconstruct")] = reconstruct
        table[(f"{package}.multiarray", "scalar")] = scalar
        table[(f"{package}.numeric", "_frombuffer")] = frombuffer
    table[("_codecs", "encode")] = _EncodeName()
    return table


_PLAIN = frozenset((int, float, str, bytes, bool, type(None)))


def _finish(value: Any, seen: Dict[int, Any]) -> Any:
    """``value`` with every stand-in replaced by its array, dtype or number."""
    key = id(value)
    if key in seen:
        return seen[key]
    if isinstance(value, _Array):
        if value.array is None:
            raise _Bad("an array without data")
        seen[key] = value.array
        if value.items is not None:
            _finish_items(value.items, seen)
        return value.array
    if isinstance(value, _Value):
        seen[key] = value.value
        return value.value
    if isinstance(value, _DType):
        seen[key] = value.resolve()
        return seen[key]
    if isinstance(value, list):
        seen[key] = value
        _finish_items(value, seen)
        return value
    if isinstance(value, dict):
        seen[key] = value
        for k in list(value):
            value[k] = _finish(value[k], seen)
        return value
    if isinstance(value, tuple):
        seen[key] = out = tuple(_finish(v, seen) for v in value)
        return out
    if isinstance(value, _Name):
        raise _Bad("a bare NumPy name outside an array")
    return value


def _finish_items(items: Any, seen: Dict[int, Any]) -> None:
    """``_finish`` each item of a list or flat object array in place; lists (of lists) of plain
    numbers and strings (imdb's millions of word ids) are recognised in one pass at C speed."""
    types = set(map(type, items))
    if types <= _PLAIN or (types == {list} and
                           set(map(type, itertools.chain.from_iterable(items))) <= _PLAIN):
        return
    for i, item in enumerate(items):
        items[i] = _finish(item, seen)


class RestrictedUnpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that resolves only the NumPy names of the module doc, to safe
    stand-ins (``load`` turns them into arrays). ``source`` names the file in errors and
    ``hint`` says what to do about it (default: delete the file to download it again)."""

    def __init__(self, file: IO[bytes], source: str, hint: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.source = source
        self.hint = hint or f"Delete {source} so that the original file is downloaded again."
        self._names = _names()

    def find_class(self, module: str, name: str) -> Any:
        found = self._names.get((module, name))
        if found is None:
            raise UnsafePickleError(
                f"Refusing to load {self.source}: its pickled data asks for the global "
                f"'{module}.{name}', which a dataset file never needs (only NumPy arrays, "
                f"lists, numbers and strings are allowed) and which could run code. {self.hint}")
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(f"Refusing to load {self.source}: its pickled data uses a "
                                f"persistent id, which a dataset file never holds. {self.hint}")


def load(file: IO[bytes], source: str, hint: Optional[str] = None, **kwargs: Any) -> Any:
    """Unpickle ``file`` with ``RestrictedUnpickler`` (``kwargs``: ``encoding``,
    ``fix_imports``). A refused global is an ``UnsafePickleError``, a damaged stream a
    ``ValueError``; both name ``source`` and end with ``hint`` (default: delete the file)."""
    unpickler = RestrictedUnpickler(file, source, hint, **kwargs)
    try:
        return _finish(unpickler.load(), {})
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, RecursionError, MemoryError) as error:
        raise ValueError(f"{source} is damaged or is not a Keras dataset file: could not read "
                         f"its pickled data ({type(error).__name__}: {error}). "
                         f"{unpickler.hint}") from error
