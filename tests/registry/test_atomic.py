"""atomic_write: symlinked targets keep their link, temporary files never outlive a save
(exception, Ctrl-C, or a killed process whose leftovers the next save removes)."""
import os
import subprocess
import sys
import time
import zipfile

import h5py
import numpy as np
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.registry import atomic


def _model(value=0.0):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    model.set_weights([np.full(w.shape, value, w.dtype) for w in model.get_weights()])
    return model


def _kernel(path):
    return keras.models.load_model(path, compile=False).get_weights()[0]


@pytest.mark.parametrize("name", ["m.h5", "m.keras"])
def test_save_through_symlink_keeps_link_and_updates_target(tmp_path, name):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / name
    _model(1.0).save(target)
    link = tmp_path / ("link_" + name)
    link.symlink_to(target)
    _model(2.0).save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(_kernel(target), np.full((4, 2), 2.0, "float32"))
    chain = tmp_path / ("chain_" + name)
    chain.symlink_to(link)  # a link to a link: the final file is replaced
    _model(3.0).save(chain)
    assert chain.is_symlink() and link.is_symlink()
    np.testing.assert_array_equal(_kernel(target), np.full((4, 2), 3.0, "float32"))
    assert sorted(os.listdir(real_dir)) == [name]  # no temporary file left anywhere


def _files(directory):
    return sorted(os.listdir(directory))


@pytest.mark.parametrize("name", ["m.h5", "m.keras", "w.weights.h5"])
def test_ctrl_c_in_the_writer_leaves_no_temp_file(tmp_path, monkeypatch, name):
    path = tmp_path / name
    save = (lambda m: m.save_weights(path)) if "weights" in name else (lambda m: m.save(path))
    save(_model(1.0))
    good = path.read_bytes()

    written = []

    def interrupted(real):
        def write(self, *args, **kwargs):
            written.append(getattr(self, "filename", None) or self.file.filename)
            real(self, *args, **kwargs)
            raise KeyboardInterrupt
        return write

    if name.endswith(".keras"):  # the archive is written in the temporary file
        monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted(zipfile.ZipFile.writestr))
    else:
        monkeypatch.setattr(h5py.Group, "create_dataset", interrupted(h5py.Group.create_dataset))
    with pytest.raises(KeyboardInterrupt):
        save(_model(2.0))
    assert written and ".tmp" in str(written[0])
    assert path.read_bytes() == good and _files(tmp_path) == [name]


def test_ctrl_c_right_after_the_temp_file_is_created(tmp_path, monkeypatch):
    path = tmp_path / "m.h5"
    real_close = os.close

    def close_then_interrupt(fd):
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "close", close_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        _model().save(path)
    monkeypatch.setattr(atomic.os, "close", real_close)
    assert _files(tmp_path) == []


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_next_save_removes_stale_temp_files_of_dead_savers_only(tmp_path):
    dead = _dead_pid()
    live = os.getppid()
    old = time.time() - 2 * atomic.STALE_AFTER_S
    files = {
        f".m.h5.{dead}.0123abcd.tmp": (old, False),   # killed saver: removed
        f".m.h5.{dead}.89abcdef.tmp": (None, True),   # just written: maybe another host's
        f".m.h5.{live}.0123abcd.tmp": (old, True),    # its process still runs
        f".other.h5.{dead}.0123abcd.tmp": (old, True),  # another target's
        ".m.h5.x1y2z3w4.tmp": (old, True),            # not our naming (e.g. mkstemp's)
        f".m.h5.{dead}.0123abcd.tmp.keep": (old, True),
    }
    for name, (mtime, _) in files.items():
        (tmp_path / name).write_bytes(b"x" * 1000)
        if mtime is not None:
            os.utime(tmp_path / name, (mtime, mtime))
    link = tmp_path / f".m.h5.{dead}.fedcba98.tmp"
    link.symlink_to(tmp_path / ".m.h5.x1y2z3w4.tmp")  # never followed nor removed
    os.utime(link, (old, old), follow_symlinks=False)
    _model().save(tmp_path / "m.h5")
    kept = {n for n, (_, keep) in files.items() if keep} | {link.name, "m.h5"}
    assert set(_files(tmp_path)) == kept


def test_temp_file_name_carries_pid(tmp_path, monkeypatch):
    seen = []
    real = atomic._create_temp

    def spy(directory, basename):
        seen.append(real(directory, basename))
        return seen[-1]

    monkeypatch.setattr(atomic, "_create_temp", spy)
    _model().save(tmp_path / "m.keras")
    name = os.path.basename(seen[0])
    assert atomic._temp_pattern("m.keras").fullmatch(name)
    assert f".{os.getpid()}." in name and not os.path.exists(seen[0])
