"""Dataset loaders read Keras's cache files (small fakes in a temporary HOME; no network)."""
import gzip
import hashlib
import json
import os
import pickle
import urllib.error

import numpy as np
import pytest

from torchkeras import datasets
from torchkeras.data import data_utils


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)

    def offline(url, timeout=60.0):
        raise urllib.error.URLError("network disabled in tests")
    monkeypatch.setattr(data_utils, "_urlopen", offline)
    folder = tmp_path / ".keras" / "datasets"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def trust(monkeypatch):
    """``trust(path)``: the test's fake file passes the hash check in place of Keras's original
    (the real check runs, against the fake's own sha256)."""
    trusted = {}
    real = data_utils.validate_file

    def validate(fpath, file_hash, algorithm="auto", chunk_size=1 << 16):
        return real(fpath, trusted.get(os.path.basename(fpath), file_hash), algorithm,
                    chunk_size)
    monkeypatch.setattr(data_utils, "validate_file", validate)

    def add(path):
        trusted[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return path
    return add


def test_mnist(cache, trust):
    x = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    np.savez(cache / "mnist.npz", x_train=x, y_train=np.array([3, 4], np.uint8),
             x_test=x[:1], y_test=np.array([5], np.uint8))
    trust(cache / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    assert x_train.shape == (2, 28, 28) and y_train.tolist() == [3, 4] and y_test.tolist() == [5]


def test_missing_file_offline(cache):
    with pytest.raises(data_utils.DownloadError, match="are you offline"):
        datasets.mnist.load_data()


def test_fashion_mnist(cache):
    folder = cache.parent / "datasets" / "fashion-mnist"
    folder.mkdir()
    for prefix, n in (("train", 3), ("t10k", 2)):
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + bytes(range(n)))
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + bytes([7]) * (n * 784))
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and y_train.tolist() == [0, 1, 2]
    assert x_test.shape == (2, 28, 28) and int(x_test.max()) == 7


def _cifar_batch(path, n, label_key="labels", extra=None):
    data = {b"data": np.arange(n * 3072, dtype=np.uint32).astype(np.uint8).reshape(n, 3072),
            label_key.encode(): list(range(n))}
    data.update(extra or {})
    with open(path, "wb") as f:
        pickle.dump(data, f)


def test_cifar10_channels_last(cache):
    folder = cache / "cifar-10-batches-py"
    folder.mkdir()
    for i in range(1, 6):
        _cifar_batch(folder / f"data_batch_{i}", 2)
    _cifar_batch(folder / "test_batch", 1)
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1)
    assert x_test.shape == (1, 32, 32, 3) and x_train.dtype == np.uint8
    # channels_last: pixel (0, 0) holds the first value of each colour plane.
    assert x_train[0, 0, 0].tolist() == [0, 1024 % 256, 2048 % 256]


def test_cifar100_label_modes(cache):
    folder = cache / "cifar-100-python"
    folder.mkdir()
    for name in ("train", "test"):
        _cifar_batch(folder / name, 2, "fine_labels", {b"coarse_labels": [9, 8]})
    (_, y_fine), _ = datasets.cifar100.load_data()
    (_, y_coarse), _ = datasets.cifar100.load_data(label_mode="coarse")
    assert y_fine.ravel().tolist() == [0, 1] and y_coarse.ravel().tolist() == [9, 8]
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")


def _sequences(n, rs):
    return np.array([list(rs.randint(1, 20, size=rs.randint(2, 6))) for _ in range(n)],
                    dtype=object)


def test_imdb_matches_keras_steps(cache, trust):
    rs = np.random.RandomState(0)
    x_train, x_test = _sequences(6, rs), _sequences(4, rs)
    np.savez(cache / "imdb.npz", x_train=x_train, y_train=np.arange(6) % 2,
             x_test=x_test, y_test=np.arange(4) % 2)
    trust(cache / "imdb.npz")
    (xt, yt), (xs, ys) = datasets.imdb.load_data(num_words=15)
    order = np.arange(6)
    np.random.RandomState(113).shuffle(order)
    first = x_train[order[0]]
    assert xt[0] == [1] + [w + 3 if w + 3 < 15 else 2 for w in first]
    assert yt.tolist() == (np.arange(6) % 2)[order].tolist() and len(xs) == 4
    (short, _), _ = datasets.imdb.load_data(maxlen=5)
    assert all(len(s) < 5 for s in short)
    (json_path := cache / "imdb_word_index.json").write_text(json.dumps({"the": 1}))
    trust(json_path)
    assert datasets.imdb.get_word_index() == {"the": 1}


def test_reuters_and_boston(cache, trust):
    rs = np.random.RandomState(1)
    np.savez(cache / "reuters.npz", x=_sequences(10, rs), y=np.arange(10))
    trust(cache / "reuters.npz")
    (xt, yt), (xs, ys) = datasets.reuters.load_data(test_split=0.2)
    assert len(xt) == 8 and len(xs) == 2 and sorted(yt.tolist() + ys.tolist()) == list(range(10))
    assert datasets.reuters.get_label_names()[:2] == ("cocoa", "grain")
    np.savez(cache / "boston_housing.npz", x=np.arange(30.0).reshape(10, 3), y=np.arange(10.0))
    trust(cache / "boston_housing.npz")
    (bx, by), (tx, ty) = datasets.boston_housing.load_data()
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert by.tolist() == order[:8].tolist() and ty.tolist() == order[8:].tolist()


# --- planted cache files: a crafted pickle would create MARKER when unpickled --------------

class _Plant:
    """Unpickling this runs ``open(marker, 'w')`` (what a planted cache file would do)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def _planted_npz(path, marker, **numeric):
    evil = np.empty(2, dtype=object)
    evil[0], evil[1] = [1, 2], _Plant(marker)
    np.savez(path, **{**{name: evil for name in ("x_train", "x", "x_test")}, **numeric})
    return path


def test_planted_npz_really_runs_code_under_plain_numpy(tmp_path):
    marker = tmp_path / "marker"
    path = _planted_npz(tmp_path / "p.npz", marker)
    with np.load(path, allow_pickle=True) as f:
        f["x"]
    assert marker.exists()  # so the tests below would notice if the loaders unpickled it


@pytest.mark.parametrize("name, load", [
    ("mnist.npz", lambda: datasets.mnist.load_data()),
    ("imdb.npz", lambda: datasets.imdb.load_data()),
    ("reuters.npz", lambda: datasets.reuters.load_data()),
    ("boston_housing.npz", lambda: datasets.boston_housing.load_data())])
def test_planted_npz_fails_the_hash_check(cache, tmp_path, name, load):
    marker = tmp_path / "marker"
    path = _planted_npz(cache / name, marker, y=np.arange(2), y_train=np.arange(2),
                        y_test=np.arange(2))
    with pytest.raises(ValueError, match="hash does not match") as info:
        load()
    message = str(info.value)
    assert str(path) in message and hashlib.sha256(path.read_bytes()).hexdigest() in message
    assert "URL fetch failure" in message
    assert not marker.exists()


@pytest.mark.parametrize("name, load", [
    ("imdb.npz", lambda: datasets.imdb.load_data()),
    ("reuters.npz", lambda: datasets.reuters.load_data())])
def test_planted_sequences_are_refused_by_the_reader(cache, trust, tmp_path, name, load):
    # Even past the hash check (a file someone trusted), the sequences' pickle runs nothing.
    marker = tmp_path / "marker"
    path = trust(_planted_npz(cache / name, marker, y=np.arange(2), y_train=np.arange(2),
                              y_test=np.arange(2)))
    with pytest.raises(ValueError, match="builtins.exec") as info:
        load()
    assert f"Refusing to load {path}" in str(info.value)
    assert not marker.exists()


def test_planted_mnist_object_array_is_refused(cache, trust, tmp_path):
    marker = tmp_path / "marker"
    path = trust(_planted_npz(cache / "mnist.npz", marker, y_train=np.arange(2),
                              x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.arange(1)))
    with pytest.raises(ValueError, match="holds Python objects") as info:
        datasets.mnist.load_data()
    assert str(path) in str(info.value)
    assert not marker.exists()


def test_mnist_that_is_a_bare_pickle_is_refused(cache, trust, tmp_path):
    marker = tmp_path / "marker"
    path = cache / "mnist.npz"
    path.write_bytes(pickle.dumps(_Plant(marker)))
    trust(path)
    with pytest.raises(ValueError, match="not a .npz file") as info:
        datasets.mnist.load_data()
    assert str(path) in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("loader, folder, batch", [
    (datasets.cifar10, "cifar-10-batches-py", "data_batch_1"),
    (datasets.cifar100, "cifar-100-python", "train")])
def test_planted_cifar_batch_is_refused(cache, tmp_path, loader, folder, batch):
    marker = tmp_path / "marker"
    (cache / folder).mkdir()
    path = cache / folder / batch
    with open(path, "wb") as f:
        pickle.dump({b"data": np.zeros((1, 3072), np.uint8), b"labels": [_Plant(marker)],
                     b"fine_labels": [0]}, f)
    with pytest.raises(ValueError, match="builtins.exec") as info:
        loader.load_data()
    assert str(path) in str(info.value) and f"Delete the folder {cache / folder}" in str(info.value)
    assert not marker.exists()


def test_cifar_batch_from_python2_loads(cache):
    # The real batches were written by Python 2's cPickle: protocol 2, str as bytes.
    folder = cache / "cifar-10-batches-py"
    folder.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": np.full((2, 3072), 7, np.uint8), b"labels": [3, 4],
                 b"batch_label": b"training batch 1 of 5", b"filenames": [b"a.png", b"b.png"]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and int(x_train.max()) == 7
    assert y_train.ravel().tolist() == [3, 4] * 5 and y_test.ravel().tolist() == [3, 4]
