"""Reading .npz dataset files: numbers with pickles refused, object arrays restricted."""
import zipfile

import numpy as np
import pytest

from torchkeras.datasets._npz import load_npz


def _sequences():
    seqs = np.empty(3, dtype=object)
    seqs[0], seqs[1], seqs[2] = [1, 14, 22], [4, 173], list(range(40))
    return seqs


def test_object_array_of_lists_loads_with_its_values(tmp_path):
    path = tmp_path / "seq.npz"
    np.savez(path, x=_sequences(), y=np.array([0, 1, 1], np.int64))
    arrays = load_npz(str(path), allow_objects=True)
    assert arrays["x"].dtype == object and arrays["x"].shape == (3,)
    assert arrays["x"].tolist() == [[1, 14, 22], [4, 173], list(range(40))]
    assert arrays["y"].dtype == np.int64 and arrays["y"].tolist() == [0, 1, 1]


def test_compressed_numeric_npz(tmp_path):
    path = tmp_path / "num.npz"
    np.savez_compressed(path, a=np.arange(6, dtype=np.float32).reshape(2, 3))
    assert np.array_equal(load_npz(str(path))["a"], np.arange(6.0).reshape(2, 3))


def test_object_array_refused_unless_allowed(tmp_path):
    path = tmp_path / "seq.npz"
    np.savez(path, x=_sequences())
    with pytest.raises(ValueError, match=r"seq.npz: the array 'x' holds Python objects"):
        load_npz(str(path))


def test_truncated_and_foreign_files(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, x=_sequences(), y=np.arange(100))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2])
    with pytest.raises(ValueError, match="cut.npz is damaged"):
        load_npz(str(cut), allow_objects=True)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="text.npz is damaged or is not a .npz file"):
        load_npz(str(text))
    short = tmp_path / "short.npz"  # a member whose data stops early
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(short, "w") as dst:
        dst.writestr("y.npy", src.read("y.npy")[:-8])
    with pytest.raises(ValueError, match=r"short.npz is damaged .* the array 'y'"):
        load_npz(str(short))
