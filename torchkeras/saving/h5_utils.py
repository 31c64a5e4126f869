"""HDF5 helpers shared by the model and weights formats.

* Keras's chunked attributes: HDF5 object headers hold at most 64,512 bytes, so a long
  list attribute (``layer_names``, ``weight_names``) is split into ``name0, name1, ...``.
* Opening files with errors that name the file and say what is wrong with it.
* Telling the formats apart by their first bytes (HDF5 signature, zip signature).
"""
from __future__ import annotations

import os
import zipfile
from typing import Any, List

import numpy as np

HDF5_OBJECT_HEADER_LIMIT = 64512
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class CorruptFileError(OSError, ValueError):
    """A model or weights file that cannot be read: truncated, corrupted, or not a Keras
    file. Both an ``OSError`` (what h5py raises) and a ``ValueError`` (what Keras raises for
    an invalid save file)."""


def save_attributes_to_hdf5_group(group: Any, name: str, data: List[Any]) -> None:
    """``group.attrs[name] = data``, split into ``name0, name1, ...`` when too large."""
    bad = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if bad:
        raise RuntimeError("The following attributes cannot be saved to HDF5 file because "
                           f"they are larger than {HDF5_OBJECT_HEADER_LIMIT} bytes: {bad}")
    data_npy = np.asarray(data)
    num_chunks = 1
    chunked = np.array_split(data_npy, num_chunks)
    while any(x.nbytes > HDF5_OBJECT_HEADER_LIMIT for x in chunked):
        num_chunks += 1
        chunked = np.array_split(data_npy, num_chunks)
    if num_chunks > 1:
        for chunk_id, chunk in enumerate(chunked):
            group.attrs["%s%d" % (name, chunk_id)] = chunk
    else:
        group.attrs[name] = data


def load_attributes_from_hdf5_group(group: Any, name: str) -> List[Any]:
    """Inverse of :func:`save_attributes_to_hdf5_group` (bytes decoded to str)."""
    if name in group.attrs:
        return [n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs[name]]
    data: List[Any] = []
    chunk_id = 0
    while "%s%d" % (name, chunk_id) in group.attrs:
        data.extend(n.decode("utf8") if hasattr(n, "decode") else n
                    for n in group.attrs["%s%d" % (name, chunk_id)])
        chunk_id += 1
    return data


def save_json_attribute(group: Any, name: str, text: str) -> None:
    """A JSON string attribute, written whole as Keras does (readers also accept chunks)."""
    group.attrs[name] = text.encode("utf8")


def load_json_attribute(group: Any, name: str) -> Any:
    """A string attribute written whole or in chunks; ``None`` when absent."""
    if name in group.attrs:
        value = group.attrs[name]
        return value.decode("utf8") if hasattr(value, "decode") else str(value)
    parts, chunk_id = [], 0
    while "%s%d" % (name, chunk_id) in group.attrs:
        value = group.attrs["%s%d" % (name, chunk_id)]
        parts.append(value if isinstance(value, bytes) else str(value).encode("utf8"))
        chunk_id += 1
    return b"".join(parts).decode("utf8") if parts else None


def file_kind(filepath: str) -> str:
    """``'h5'``, ``'zip'``, ``'dir'`` or ``'missing'``; raises :class:`CorruptFileError`
    for a file that is neither HDF5 nor zip."""
    if os.path.isdir(filepath):
        return "dir"
    if not os.path.exists(filepath):
        return "missing"
    with open(filepath, "rb") as handle:
        head = handle.read(8)
    if head == _HDF5_SIGNATURE:
        return "h5"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if _has_hdf5_signature_at_offset(filepath):
        return "h5"
    size = os.path.getsize(filepath)
    raise CorruptFileError(
        f"The file '{filepath}' ({size} bytes) is neither an HDF5 file (.h5) nor a Keras zip "
        "archive (.keras): it is corrupted, or not a saved Keras model.")


def _has_hdf5_signature_at_offset(filepath: str) -> bool:
    """HDF5 allows a user block: the signature may sit at 512, 1024, 2048, ... bytes."""
    size = os.path.getsize(filepath)
    offset = 512
    with open(filepath, "rb") as handle:
        while offset + 8 <= size:
            handle.seek(offset)
            if handle.read(8) == _HDF5_SIGNATURE:
                return True
            offset *= 2
    return False


def open_h5(filepath: str, mode: str = "r") -> Any:
    """``h5py.File(filepath, mode)`` with a clear error for truncated or corrupt files."""
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    try:
        return h5py.File(filepath, mode=mode)
    except OSError as error:
        if mode == "r" and os.path.exists(filepath):
            raise CorruptFileError(
                f"Unable to read the HDF5 file '{filepath}' ({os.path.getsize(filepath)} "
                f"bytes): it is truncated or corrupted ({error}).") from error
        raise


def open_zip(filepath: str) -> zipfile.ZipFile:
    """``zipfile.ZipFile(filepath)`` with a clear error for truncated or corrupt archives."""
    try:
        archive = zipfile.ZipFile(filepath, "r")
        for info in archive.infolist():  # before inflating anything: a zip bomb?
            if info.file_size > _MAX_INFLATION * info.compress_size + _SMALL_BYTES:
                archive.close()
                raise CorruptFileError(
                    f"Unable to read the Keras archive '{filepath}': the member "
                    f"'{info.filename}' would inflate {info.compress_size} bytes to "
                    f"{info.file_size} bytes (a zip bomb?).")
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise CorruptFileError(
            f"Unable to read the Keras archive '{filepath}': it is truncated or corrupted "
            f"({error}).") from error
    if bad is not None:
        archive.close()
        raise CorruptFileError(f"Unable to read the Keras archive '{filepath}': the member "
                               f"'{bad}' is corrupted (CRC mismatch).")
    return archive


def read_dataset(group: Any, name: str, filepath: str) -> np.ndarray:
    """``np.asarray(group[name])`` with an error naming the file when the data is damaged."""
    try:
        dataset = group[name]
        if not hasattr(dataset, "dtype") or not hasattr(dataset, "shape"):
            raise CorruptFileError(f"'{name}' in '{filepath}' is a {type(dataset).__name__}, "
                                   "not a weight array: the file is corrupted or crafted.")
        _check_declared_size(dataset, name, filepath)
        return np.asarray(dataset)
    except (OSError, KeyError, RuntimeError) as error:
        raise CorruptFileError(f"Unable to read the weight '{name}' from '{filepath}': the "
                               f"file is truncated or corrupted ({error}).") from error


_MAX_INFLATION = 16  # declared bytes per stored byte that a real weights file never exceeds
_SMALL_BYTES = 64 * 2 ** 20


def _check_declared_size(dataset: Any, name: str, filepath: str) -> None:
    """Refuse a dataset that declares far more data than the file stores (a crafted
    "huge shape" that would allocate gigabytes of fill values)."""
    declared = int(np.prod(dataset.shape, dtype=np.float64) * dataset.dtype.itemsize) \
        if dataset.shape is not None else 0
    if declared <= _SMALL_BYTES:
        return
    stored = dataset.id.get_storage_size()
    if declared > _MAX_INFLATION * stored + _SMALL_BYTES:
        raise CorruptFileError(
            f"The weight '{name}' in '{filepath}' declares shape {dataset.shape} "
            f"({declared} bytes) but the file stores only {stored} bytes for it: the file is "
            "corrupted or crafted.")
