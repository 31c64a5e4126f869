"""Reading Keras's ``.npz`` dataset files without ``allow_pickle=True``.

Numeric arrays (mnist, boston_housing, the labels) are read by NumPy with pickles refused.
Object arrays (the word-id sequences of imdb and reuters) are stored as a ``.npy`` header
followed by a pickle of the array; that pickle is read by ``_safe_pickle``, which builds
arrays of lists, numbers and strings and refuses every other global (see its doc).
"""
from __future__ import annotations

import contextlib
import io
import zipfile
from typing import IO, Dict, Iterator, Tuple

import numpy as np
from numpy.lib import format as npy_format

from torchkeras.datasets import _safe_pickle

__all__ = ["load_npz"]


def _hint(path: str) -> str:
    return f"Delete {path} so that the original file is downloaded again."


@contextlib.contextmanager
def _damaged(path: str, key: str) -> Iterator[None]:
    """NumPy's and zipfile's errors on a bad member, as one error naming the file."""
    try:
        yield
    except (ValueError, EOFError, OSError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} is damaged or is not a Keras dataset file: could not read "
                         f"the array '{key}' ({error}). " + _hint(path)) from error


def _header(fp: IO[bytes]) -> Tuple[Tuple[int, ...], bool, np.dtype]:
    """``(shape, fortran_order, dtype)`` from a ``.npy`` header (never unpickles)."""
    version = npy_format.read_magic(fp)
    if version == (1, 0):
        return npy_format.read_array_header_1_0(fp)
    if version == (2, 0):
        return npy_format.read_array_header_2_0(fp)
    raise ValueError(f"unsupported .npy format version {version}")


def _read_member(archive: zipfile.ZipFile, member: str, path: str, key: str,
                 allow_objects: bool) -> np.ndarray:
    with _damaged(path, key):
        fp = archive.open(member)
    with fp:
        with _damaged(path, key):
            shape, _, dtype = _header(fp)
        if not dtype.hasobject:
            with _damaged(path, key), archive.open(member) as again:
                return npy_format.read_array(again, allow_pickle=False)
        if not allow_objects:
            raise ValueError(f"{path}: the array '{key}' holds Python objects (pickled data), "
                             "but this dataset's file holds only numbers. " + _hint(path))
        with _damaged(path, key):
            payload = fp.read()
    array = _safe_pickle.load(io.BytesIO(payload), path, encoding="ASCII")
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise ValueError(f"{path}: the array '{key}' does not match its header (expected an "
                         f"array of shape {tuple(shape)}, received {type(array).__name__}). "
                         + _hint(path))
    return array


def load_npz(path: str, allow_objects: bool = False) -> Dict[str, np.ndarray]:
    """Every array of the ``.npz`` file at ``path``, by name. ``allow_objects`` accepts object
    arrays (read with the restricted unpickler); otherwise they are an error."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{path} is damaged or is not a .npz file ({error}). "
                         + _hint(path)) from error
    arrays: Dict[str, np.ndarray] = {}
    with archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            key = member[:-len(".npy")]
            arrays[key] = _read_member(archive, member, path, key, allow_objects)
    return arrays
