"""pad_sequences and TimeseriesGenerator."""
import numpy as np
import pytest

from torchkeras.preprocessing.sequence import TimeseriesGenerator, pad_sequences


def test_pad_and_truncate():
    seqs = [[1], [2, 3], [4, 5, 6]]
    assert pad_sequences(seqs).tolist() == [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
    assert pad_sequences(seqs, maxlen=2).tolist() == [[0, 1], [2, 3], [5, 6]]
    assert pad_sequences(seqs, maxlen=2, truncating="post",
                         padding="post").tolist() == [[1, 0], [2, 3], [4, 5]]
    assert pad_sequences(seqs).dtype == np.int32
    assert pad_sequences([[1.5]], dtype="float32", maxlen=2).tolist() == [[0.0, 1.5]]


def test_errors():
    with pytest.raises(ValueError, match='Padding type "mid" not understood'):
        pad_sequences([[1]], padding="mid")
    with pytest.raises(ValueError, match="must be a list of iterables"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")


def test_timeseries_generator_keras_example():
    data = np.array([[i] for i in range(50)])
    gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20
    x, y = gen[0]
    assert x.tolist() == [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]
    assert y.tolist() == [[10], [11]]
