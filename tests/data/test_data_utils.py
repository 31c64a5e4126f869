"""get_file: Keras's cache layout, hashes, download through a mocked URL opener."""
import hashlib
import io
import tarfile
import urllib.error

import pytest

from torchkeras.data import data_utils


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)

    def offline(url, timeout=60.0):
        raise urllib.error.URLError("network disabled in tests")
    monkeypatch.setattr(data_utils, "_urlopen", offline)
    return tmp_path


def test_cached_file_is_used(home):
    path = home / ".keras" / "datasets" / "data.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"cached")
    assert data_utils.get_file("data.npz", origin="https://example.invalid/data.npz") == str(path)


def test_offline_without_cache_raises_clearly(home):
    with pytest.raises(data_utils.DownloadError, match="URL fetch failure on https://x.invalid/a"):
        data_utils.get_file("a.npz", origin="https://x.invalid/a.npz")
    assert not (home / ".keras" / "datasets" / "a.npz").exists()
    assert not list((home / ".keras" / "datasets").iterdir())  # no partial file left


def test_download_and_hash(home, monkeypatch):
    payload = b"hello keras"
    monkeypatch.setattr(data_utils, "_urlopen", lambda url, timeout=60.0: io.BytesIO(payload))
    digest = hashlib.sha256(payload).hexdigest()
    path = data_utils.get_file(origin="https://x.invalid/files/f.bin", file_hash=digest)
    assert path.endswith("datasets/f.bin") and open(path, "rb").read() == payload
    assert data_utils.validate_file(path, hashlib.md5(payload).hexdigest())
    with pytest.raises(ValueError, match="hash does not match"):
        data_utils.get_file("g.bin", origin="https://x.invalid/g.bin", file_hash="0" * 64)


def test_wrong_hash_offline_is_an_error_naming_file_and_both_hashes(home):
    path = home / ".keras" / "datasets" / "old.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="hash does not match") as info:
        data_utils.get_file("old.npz", origin="https://x.invalid/old.npz", file_hash="1" * 64)
    message = str(info.value)
    assert str(path) in message and "1" * 64 in message
    assert hashlib.sha256(b"old").hexdigest() in message  # the hash the file has
    assert "URL fetch failure on https://x.invalid/old.npz" in message
    assert path.read_bytes() == b"old"  # left for its owner to inspect, never used


def test_wrong_hash_is_downloaded_again(home, monkeypatch):
    path = home / ".keras" / "datasets" / "new.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"planted")
    monkeypatch.setattr(data_utils, "_urlopen", lambda url, timeout=60.0: io.BytesIO(b"good"))
    digest = hashlib.md5(b"good").hexdigest()
    assert data_utils.get_file("new.npz", origin="https://x.invalid/new.npz",
                               md5_hash=digest) == str(path)
    assert path.read_bytes() == b"good"


def test_downloaded_file_with_wrong_hash_names_both_hashes(home, monkeypatch):
    monkeypatch.setattr(data_utils, "_urlopen", lambda url, timeout=60.0: io.BytesIO(b"evil"))
    with pytest.raises(ValueError, match="hash does not match") as info:
        data_utils.get_file("h.bin", origin="https://x.invalid/h.bin", file_hash="2" * 64)
    assert hashlib.sha256(b"evil").hexdigest() in str(info.value) and "2" * 64 in str(info.value)
    assert not (home / ".keras" / "datasets" / "h.bin").exists()


def test_untar(home, monkeypatch):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("pack/inside.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"ok"))
    monkeypatch.setattr(data_utils, "_urlopen",
                        lambda url, timeout=60.0: io.BytesIO(buffer.getvalue()))
    folder = data_utils.get_file("pack", origin="https://x.invalid/pack.tar.gz", untar=True)
    assert open(f"{folder}/inside.txt").read() == "ok"
