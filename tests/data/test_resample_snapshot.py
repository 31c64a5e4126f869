import numpy as np
import pytest
import torch

from torchkeras.backend.messages import NotProvidedError
from torchkeras.data import Dataset, experimental
from torchkeras.data.resample import acceptance


def _labels(count=4000, p1=0.1, seed=0):
    labels = (np.random.RandomState(seed).rand(count) < p1).astype("int64")
    return Dataset.from_tensor_slices((np.arange(count), labels))


def test_rejection_resample_yields_class_element_pairs_with_the_target_mix():
    ds = _labels().rejection_resample(lambda x, y: y, target_dist=[0.5, 0.5],
                                      initial_dist=[0.9, 0.1], seed=3)
    pairs = list(ds)
    cls, (x, y) = pairs[0]
    assert cls.dtype == torch.int64 and int(cls) == int(y) and x.dtype == torch.int64
    share = np.mean([int(c) for c, _ in pairs])
    assert 0.4 < share < 0.6, share  # 10% of the input, about half of the output
    assert [int(c) for c, _ in ds] == [int(c) for c, _ in pairs]  # seeded: same each pass


def test_rejection_resample_estimates_the_initial_distribution_without_it():
    ds = _labels(p1=0.2).apply(experimental.rejection_resample(
        lambda x, y: y, target_dist=[0.5, 0.5], seed=1))
    share = np.mean([int(c) for c, _ in ds])
    assert 0.38 < share < 0.62, share


def test_acceptance_matches_tf_mixing_formula():
    accept, mix = acceptance(np.array([0.9, 0.1], np.float32), np.array([0.5, 0.5], np.float32))
    ratio = np.array([0.5 / 0.9, 0.5 / 0.1], np.float32)
    assert mix == pytest.approx(ratio.min())
    np.testing.assert_allclose(accept, [0.0, 1.0])
    with pytest.raises(ValueError, match="rejection_resample.*`initial_dist` has 3 classes and `target_dist` 2"):
        list(_labels().rejection_resample(lambda x, y: y, [0.5, 0.5], [0.2, 0.3, 0.5]))


def test_snapshot_writes_the_first_pass_and_reads_it_later(tmp_path):
    calls = []

    def record(x):
        calls.append(int(x))
        return x * 2

    ds = Dataset.range(5).map(record).snapshot(str(tmp_path / "snap"))
    assert [int(v) for v in ds] == [0, 2, 4, 6, 8]
    first_pass = len(calls)  # 5 elements (+1 when the map's spec is traced)
    again = Dataset.range(5).map(record).snapshot(str(tmp_path / "snap"))  # a later run
    assert [int(v) for v in again] == [0, 2, 4, 6, 8]
    assert len(calls) - first_pass <= 1  # read back: at most the trace of the first element
    assert list(tmp_path.joinpath("snap").iterdir())  # files on disk, no pickle (file_cache)
    other = Dataset.range(3).map(lambda x: (x, x)).apply(
        experimental.snapshot(str(tmp_path / "snap")))
    assert [tuple(int(v) for v in e) for e in other] == [(0, 0), (1, 1), (2, 2)]
    with pytest.raises(NotProvidedError, match="snapshot.*shard_func"):
        Dataset.range(3).snapshot(str(tmp_path), shard_func=lambda x: 0)
