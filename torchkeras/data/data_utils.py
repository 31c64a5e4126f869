"""``keras.utils.get_file``: a file from Keras's cache (``~/.keras/datasets``), downloaded
once when it is missing. Same cache layout, file names and hash checks as Keras, so files
Keras downloaded are reused and the other way round.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from typing import Any, Optional
from urllib.parse import urlsplit

from torchkeras.data.sequence import Sequence  # noqa: F401

__all__ = ["DownloadError", "get_file", "validate_file"]

_CHUNK = 1 << 16


class DownloadError(OSError):
    """A file missing from the cache could not be downloaded (offline, bad URL, ...)."""


def _urlopen(url: str, timeout: float = 60.0):
    """Open ``url`` (a seam for tests: they replace it and never touch the network)."""
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (http(s) dataset URLs)


def cache_base(cache_dir: Optional[str] = None) -> str:
    """``cache_dir``, else ``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` if not writable)."""
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"),
                                                                 ".keras")
    base = os.path.expanduser(cache_dir)
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return base


def _resolve_hasher(algorithm: str, file_hash: Optional[str] = None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and
                                 len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def _hash_file(fpath: str, algorithm: str = "auto", file_hash: Optional[str] = None,
               chunk_size: int = _CHUNK) -> str:
    """The file's sha256 or md5 hex digest (``auto``: the kind of ``file_hash``)."""
    hasher = _resolve_hasher(algorithm, file_hash)
    with open(fpath, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto",
                  chunk_size: int = _CHUNK) -> bool:
    """Whether the file's sha256 (64 hex digits) or md5 hash equals ``file_hash``."""
    return _hash_file(fpath, algorithm, file_hash, chunk_size) == str(file_hash)


def _hash_mismatch(fpath: str, file_hash: str, algorithm: str) -> str:
    """Keras's hash error, plus the file and the hash it has."""
    name = _resolve_hasher(algorithm, file_hash).name
    actual = _hash_file(fpath, algorithm, file_hash)
    return (f"Incomplete or corrupted file detected. The {name} file hash does not match the "
            f"provided value of {file_hash}: {fpath} has the {name} hash {actual}.")


def _download(origin: str, fpath: str) -> None:
    """Stream ``origin`` into ``fpath`` through a temporary file (no partial file left)."""
    print(f"Downloading data from {origin}")
    folder = os.path.dirname(fpath)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with _urlopen(origin) as response:
                    shutil.copyfileobj(response, out, _CHUNK)
            except urllib.error.HTTPError as e:
                raise DownloadError(f"URL fetch failure on {origin}: {e.code} -- {e.msg}") from e
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                raise DownloadError(
                    f"URL fetch failure on {origin}: None -- {reason}\n"
                    f"torchkeras could not download this file (are you offline?). It reads "
                    f"Keras's own cache: copy the file Keras downloads to {fpath} and run "
                    "again.") from e
        os.replace(tmp, fpath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _extract_archive(file_path: str, path: str, archive_format: Any = "auto") -> bool:
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format or []))
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                try:
                    archive.extractall(path, filter="data")
                except TypeError:  # Python without extraction filters
                    archive.extractall(path)  # noqa: S202
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(path)
            return True
    return False


def get_file(fname: Optional[str] = None, origin: Optional[str] = None, untar: bool = False,
             md5_hash: Optional[str] = None, file_hash: Optional[str] = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: bool = False, archive_format: Any = "auto",
             cache_dir: Optional[str] = None, **kwargs: Any) -> str:
    """Path of ``fname`` in ``~/.keras/<cache_subdir>``, downloading ``origin`` if missing.

    ``untar=True`` returns the extracted folder (``fname`` without ``.tar.gz``);
    ``extract=True`` extracts next to the file. A cached file whose hash does not match
    ``file_hash`` is downloaded again; if that download fails, or the new file does not
    match either, it is an error (the mismatching file is never used: it could be anything).
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(cache_base(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urlsplit(origin).path)
        if not fname:
            raise ValueError("Can't parse the file name from the origin provided: "
                             f"'{origin}'.Please specify the `fname` as the input param.")
    if untar:
        if fname.endswith(".tar.gz"):
            fname = fname[:-len(".tar.gz")]
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
        if os.path.exists(untar_fpath):
            return untar_fpath  # already extracted: the archive itself is not needed
    else:
        fpath = os.path.join(datadir, fname)
    download = not os.path.exists(fpath)
    if not download and file_hash is not None and not validate_file(fpath, file_hash,
                                                                     hash_algorithm):
        print("A local file was found, but it seems to be incomplete or outdated because the "
              f"{hash_algorithm} file hash does not match the original value of {file_hash} so "
              "we will re-download the data.")
        download = True
    if download:
        try:
            _download(origin, fpath)
        except DownloadError as error:
            if not os.path.exists(fpath):
                raise
            # A cached file that fails the hash check is never used (a planted file could run
            # code in the loader that opens it). Unlike Keras it is kept, for its owner to see.
            failure = str(error).splitlines()[0]
            raise ValueError(f"{_hash_mismatch(fpath, file_hash, hash_algorithm)} Downloading "
                             f"it again failed ({failure}). Delete {fpath}, or replace it with "
                             f"the file from {origin}, and run again.") from error
        if file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
            message = _hash_mismatch(fpath, file_hash, hash_algorithm)
            os.remove(fpath)
            raise ValueError(f"{message} The downloaded file was removed.")
    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format="tar")
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath
