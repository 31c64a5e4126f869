"""Crash-safe file replacement: write a temporary file beside the target, then rename it.

A save that fails midway (an exception, a full disk, a killed process) leaves the previous
file untouched; ``os.replace`` swaps the new file in only once it is complete.

* A target that is a symlink keeps its link: the file it points to is replaced (as writing
  through the link with h5py or Keras would update it).
* The temporary file is named ``.<name>.<pid>.<random>.tmp``. It is removed on any exception,
  ``KeyboardInterrupt`` included; one left behind by a process killed mid-save (``kill -9``)
  is removed by the next save of the same target once that process is gone.

Example::

    with atomic_write("model.h5") as tmp_path:
        write_everything(tmp_path)      # the real file changes only if this returns
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from typing import Iterator

# A stale temporary file must also be this old: a saver on another host sharing the
# directory (whose pid means nothing here) keeps touching its file while it writes.
STALE_AFTER_S = 60.0


def ensure_parent_dir(filepath: str) -> None:
    """Create the directory that will hold ``filepath`` (as Keras does on save)."""
    parent = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)


def resolve_target(filepath: str) -> str:
    """The file a save must replace: ``filepath`` itself, or where its symlink(s) lead."""
    return os.path.realpath(filepath) if os.path.islink(filepath) else filepath


@contextlib.contextmanager
def atomic_write(filepath: str) -> Iterator[str]:
    """Yield a temporary path in the target's directory; rename it onto the target on
    success, delete it on failure (``KeyboardInterrupt`` included)."""
    filepath = os.fspath(filepath)
    ensure_parent_dir(filepath)
    filepath = resolve_target(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    basename = os.path.basename(filepath)
    remove_stale_temp_files(directory, basename)
    tmp_path = ""
    try:
        tmp_path = _create_temp(directory, basename)
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
        if tmp_path:
            with contextlib.suppress(OSError):
                os.remove(tmp_path)
        raise


def _create_temp(directory: str, basename: str) -> str:
    """Create an empty ``.<basename>.<pid>.<random>.tmp`` (mode 0600) and return its path."""
    while True:
        path = os.path.join(directory,
                            f".{basename}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue  # never touch a file this call did not create
        except BaseException:
            # interrupted after the file was made but before os.open returned: the name
            # carries this pid and a fresh random part, so an existing file is ours
            with contextlib.suppress(OSError):
                os.remove(path)
            raise
        try:
            os.close(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(path)
            raise
        return path


def _temp_pattern(basename: str) -> "re.Pattern[str]":
    return re.compile(r"\." + re.escape(basename) + r"\.(\d+)\.[0-9a-f]{8}\.tmp")


def remove_stale_temp_files(directory: str, basename: str) -> None:
    """Remove ``basename``'s own temporary files left by saves that died: regular files
    named ``.<basename>.<pid>.<8 hex>.tmp`` whose process no longer runs and that were not
    modified for :data:`STALE_AFTER_S` seconds. Anything else is left alone."""
    pattern = _temp_pattern(basename)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    now = time.time()
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        path = os.path.join(directory, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER_S:
            continue
        if _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.remove(path)


def _process_alive(pid: int) -> bool:
    """Whether ``pid`` may still be running; ``True`` when that cannot be told."""
    if pid == os.getpid():
        return True  # another save in this process (a thread)
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _default_permissions(path: str) -> None:
    """Temporary files are created 0600; give the result the usual umask-based mode."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~umask)
