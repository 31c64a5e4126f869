"""Crash-safe file replacement: write a temporary file beside the target, then rename it.

A save that fails midway (an exception, a full disk, a killed process) leaves the previous
file untouched; ``os.replace`` swaps the new file in only once it is complete.

Example::

    with atomic_write("model.h5") as tmp_path:
        write_everything(tmp_path)      # the real file changes only if this returns
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Iterator


def ensure_parent_dir(filepath: str) -> None:
    """Create the directory that will hold ``filepath`` (as Keras does on save)."""
    parent = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)


@contextlib.contextmanager
def atomic_write(filepath: str) -> Iterator[str]:
    """Yield a temporary path in ``filepath``'s directory; rename it onto ``filepath`` on
    success, delete it on failure."""
    filepath = os.fspath(filepath)
    ensure_parent_dir(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, tmp_path = tempfile.mkstemp(prefix="." + os.path.basename(filepath) + ".",
                                    suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as handle:  # flush the data to disk before the rename
            os.fsync(handle.fileno())
        if os.path.exists(filepath):
            try:
                os.chmod(tmp_path, os.stat(filepath).st_mode & 0o777)
            except OSError:
                pass
        else:
            _default_permissions(tmp_path)
        os.replace(tmp_path, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp_path)
        raise


def _default_permissions(path: str) -> None:
    """mkstemp creates 0600 files; give the result the usual umask-based mode."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~umask)
