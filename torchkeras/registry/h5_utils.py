"""HDF5 helpers shared by the model and weights formats.

* Keras's chunked attributes: HDF5 object headers hold at most 64,512 bytes, so a long
  list attribute (``layer_names``, ``weight_names``) is split into ``name0, name1, ...``.
* Opening files with errors that name the file and say what is wrong with it.
* Telling the formats apart by their first bytes (HDF5 signature, zip signature).
"""
from __future__ import annotations

import os
import zipfile
import zlib
from typing import Any, List, Optional

import numpy as np

try:
    import lzma
except ImportError:  # Python built without liblzma: zipfile then refuses LZMA members
    lzma = None  # type: ignore[assignment]

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
    """``zipfile.ZipFile(filepath)`` with a clear error for truncated or corrupt archives.
    Members are checked when read (:func:`read_member`), never all up front."""
    try:
        return zipfile.ZipFile(filepath, "r")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise CorruptFileError(
            f"Unable to read the Keras archive '{filepath}': it is truncated or corrupted "
            f"({error}).") from error


def read_member(archive: zipfile.ZipFile, name: str, filepath: str,
                limit: Optional[int] = None) -> bytes:
    """One member's bytes, inflated at most to ``_MAX_INFLATION`` times its stored size (plus
    ``_SMALL_BYTES``), and at most to ``limit`` when given. A member declaring more
    is refused before inflating; one whose header lies is cut off while streaming. A CRC
    mismatch raises :class:`CorruptFileError`. ``KeyError`` when there is no such member."""
    info = archive.getinfo(name)
    stored = min(info.compress_size, os.path.getsize(filepath)) \
        if os.path.isfile(filepath) else info.compress_size
    bound = _MAX_INFLATION * stored + _SMALL_BYTES
    bound = bound if limit is None else min(bound, limit)
    if info.file_size > bound:
        raise CorruptFileError(
            f"Unable to read the Keras archive '{filepath}': the member '{name}' would "
            f"inflate {info.compress_size} bytes to {info.file_size} bytes, more than the "
            f"{bound} bytes allowed (a zip bomb?).")
    try:
        with archive.open(info) as member:
            data = member.read(bound + 1)  # stops there: a lying header gains nothing
        if len(data) > bound:
            raise CorruptFileError(
                f"Unable to read the Keras archive '{filepath}': the member '{name}' "
                f"inflates to more than the {bound} bytes allowed (a zip bomb?).")
    except zipfile.BadZipFile as error:
        if "CRC" in str(error):
            raise CorruptFileError(f"Unable to read the Keras archive '{filepath}': the "
                                   f"member '{name}' is corrupted (CRC mismatch).") from error
        raise CorruptFileError(f"Unable to read the Keras archive '{filepath}': the member "
                               f"'{name}' is truncated or corrupted ({error}).") from error
    except _INFLATE_ERRORS as error:
        if isinstance(error, CorruptFileError):
            raise
        raise CorruptFileError(f"Unable to read the Keras archive '{filepath}': the member "
                               f"'{name}' is truncated or corrupted ({error}).") from error
    return data


def h5_get(parent: Any, path: str, filepath: str) -> Any:
    """``parent[path]`` or ``None`` when absent, following hard links only: the path is
    walked one name at a time and a soft link, an external link (to another file) or a
    user-defined link on the way is refused with :class:`CorruptFileError`, as Keras 3
    refuses them. Nothing outside the file is ever opened."""
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    from h5py import h5l  # heavy: h5py, as above
    node = parent
    for part in path.split("/"):
        if not part:
            raise CorruptFileError(f"Invalid path '{path}' in the HDF5 file '{filepath}'.")
        if not isinstance(node, h5py.Group):
            return None
        key = part.encode("utf8")
        if not node.id.links.exists(key):
            return None
        kind = node.id.links.get_info(key).type
        if kind != h5l.TYPE_HARD:
            where = node.name.rstrip("/") + "/" + part
            raise CorruptFileError(
                f"Not allowed: the HDF5 file '{filepath}' has {_describe_link(node, key, kind)} "
                f"at '{where}'. Links are refused: a Keras weights file holds its data "
                "itself.")
        node = node[part]
    return node


def _describe_link(node: Any, key: bytes, kind: int) -> str:
    from h5py import h5l  # heavy: h5py, loaded for file I/O only
    if kind == h5l.TYPE_SOFT:
        return f"a SoftLink (to '{node.id.links.get_val(key).decode('utf8', 'replace')}')"
    if kind == h5l.TYPE_EXTERNAL:
        target_file, target_path = node.id.links.get_val(key)
        return (f"an ExternalLink (to '{target_path.decode('utf8', 'replace')}' in "
                f"'{target_file.decode('utf8', 'replace')}')")
    return f"a user-defined link (type {kind})"


def read_dataset(group: Any, name: str, filepath: str) -> np.ndarray:
    """``np.asarray(group[name])`` with an error naming the file when the data is damaged,
    refusing links, external storage and virtual datasets (data held by other files)."""
    try:
        dataset = h5_get(group, name, filepath)
        if dataset is None:
            raise KeyError(f"no object named '{name}' in '{group.name}'")
        if not hasattr(dataset, "dtype") or not hasattr(dataset, "shape"):
            raise CorruptFileError(f"'{name}' in '{filepath}' is a {type(dataset).__name__}, "
                                   "not a weight array: the file is corrupted or crafted.")
        _check_own_storage(dataset, filepath)
        _check_declared_size(dataset, name, filepath)
        return np.asarray(dataset)
    except (OSError, KeyError, RuntimeError) as error:
        if isinstance(error, CorruptFileError):
            raise
        raise CorruptFileError(f"Unable to read the weight '{name}' from '{filepath}': the "
                               f"file is truncated or corrupted ({error}).") from error


def _check_own_storage(dataset: Any, filepath: str) -> None:
    """Refuse a dataset whose data lives outside the file: external raw storage (any file,
    ``/dev/zero`` included) or a virtual dataset mapping other files."""
    external = dataset.external
    if external:
        files = [entry[0] for entry in external]
        raise CorruptFileError(
            f"Not allowed: the dataset '{dataset.name}' in the HDF5 file '{filepath}' uses "
            f"external storage (its data would be read from {files}).")
    if dataset.is_virtual:
        raise CorruptFileError(
            f"Not allowed: the dataset '{dataset.name}' in the HDF5 file '{filepath}' is a "
            "virtual dataset (its data would be read from other files).")


_MAX_INFLATION = 16  # declared bytes per stored byte that a real weights file never exceeds
_SMALL_BYTES = 64 * 2 ** 20
# what zipfile and its decompressors raise for damaged data (zlib.error is no OSError)
_INFLATE_ERRORS = (OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
                   zlib.error) + ((lzma.LZMAError,) if lzma is not None else ())


def _check_declared_size(dataset: Any, name: str, filepath: str) -> None:
    """Refuse a dataset that declares far more data than the file stores (a crafted
    "huge shape" that would allocate gigabytes of fill values)."""
    declared = int(np.prod(dataset.shape, dtype=np.float64) * dataset.dtype.itemsize) \
        if dataset.shape is not None else 0
    if declared <= _SMALL_BYTES:
        return
    stored = min(dataset.id.get_storage_size(), dataset.file.id.get_filesize())
    if declared > _MAX_INFLATION * stored + _SMALL_BYTES:
        raise CorruptFileError(
            f"The weight '{name}' in '{filepath}' declares shape {dataset.shape} "
            f"({declared} bytes) but the file stores only {stored} bytes for it: the file is "
            "corrupted or crafted.")
