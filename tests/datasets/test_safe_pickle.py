"""The restricted unpickler of the dataset files: NumPy data loads, nothing else runs."""
import io
import pickle

import numpy as np
import pytest

from torchkeras.datasets import _safe_pickle


def _load(obj, protocol=None, **kwargs):
    return _safe_pickle.load(io.BytesIO(pickle.dumps(obj, protocol=protocol)), "f.pkl", **kwargs)


class _Plant:
    def __init__(self, marker, call=exec):
        self.marker, self.call = str(marker), call

    def __reduce__(self):
        return (self.call, (f"open({self.marker!r}, 'w').close()",))


class _Reduce:
    """Pickles as ``function(*args)`` with an optional state (crafted streams)."""

    def __init__(self, function, args, state=None):
        self.reduced = (function, args) if state is None else (function, args, state)

    def __reduce__(self):
        return self.reduced


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_numpy_data_round_trips(protocol):
    seqs = np.empty(3, dtype=object)
    seqs[0], seqs[1], seqs[2] = [1, 2], [3], [np.int64(4)]
    data = {b"data": np.arange(12, dtype=np.uint8).reshape(3, 4), b"labels": [1, 2],
            "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
            "big_endian": np.arange(3, dtype=">i4"), "text": np.array(["ab", "c"]),
            "bytes": np.array([b"x"]), "scalar": np.float32(2.5), "seqs": seqs}
    out = _load(data, protocol)
    for key, value in data.items():
        if key == "seqs":
            assert out[key].dtype == object and out[key].tolist() == [[1, 2], [3], [4]]
        elif isinstance(value, np.ndarray):
            assert out[key].dtype == value.dtype and np.array_equal(out[key], value)
            assert out[key].flags.writeable
        else:
            assert out[key] == value and type(out[key]) is type(value)


@pytest.mark.parametrize("call", [exec, eval, print])
def test_any_other_global_is_refused_by_name(tmp_path, call):
    marker = tmp_path / "marker"
    with pytest.raises(_safe_pickle.UnsafePickleError,
                       match=rf"Refusing to load f.pkl: .*'builtins.{call.__name__}'"):
        _load({"x": np.arange(2), "y": [_Plant(marker, call)]})
    assert not marker.exists()


def test_numpy_names_cannot_reach_numpy_internals():
    # ndarray(shape, object, buffer) would read pointers from bytes; a short list for an
    # object array makes NumPy's own __setstate__ read past it: both are refused.
    reconstruct = np.ndarray.__reduce__(np.arange(1))[0]
    crafted = [_Reduce(np.ndarray, ((1,), np.dtype("O"), b"\0" * 8)),
               _Reduce(reconstruct, (np.ndarray, (0,), b"b"),
                       (1, (3,), np.dtype("O"), False, [1])),
               _Reduce(reconstruct, (np.ndarray, (0,), b"b"),
                       (1, (4,), np.dtype("i8"), False, b"\0" * 8)),
               _Reduce(reconstruct, (np.ndarray, (0,), b"b"),
                       (1, (1,), np.dtype([("a", "O")]), False, [1]))]
    for obj in crafted:
        with pytest.raises(ValueError, match="f.pkl is damaged or is not a Keras dataset"):
            _load(obj)


@pytest.mark.parametrize("payload", [b"", b"\x80\x04garbage", pickle.dumps(np.arange(9))[:30]])
def test_damaged_stream_is_a_clear_error(payload):
    with pytest.raises(ValueError, match="f.pkl is damaged .* Delete f.pkl"):
        _safe_pickle.load(io.BytesIO(payload), "f.pkl")


def test_custom_hint_ends_the_message(tmp_path):
    with pytest.raises(ValueError, match="Start over.$"):
        _load([_Plant(tmp_path / "m")], hint="Start over.")
