import numpy as np
import pytest
import torch

from torchkeras.engine import data


def test_train_validation_split_takes_last_fraction():
    x = np.arange(10)
    (tx,), (vx,) = data.train_validation_split((x,), 0.25)
    np.testing.assert_array_equal(tx, np.arange(7))  # floor(10 * 0.75) = 7
    np.testing.assert_array_equal(vx, [7, 8, 9])
    with pytest.raises(ValueError, match="not sufficient to split"):
        data.train_validation_split((np.arange(1),), 0.5)


def test_class_weight_to_sample_weight_one_hot_and_sparse():
    weights = {0: 1.0, 1: 3.0}
    np.testing.assert_array_equal(
        data.class_weight_to_sample_weight(np.array([[1, 0], [0, 1]]), weights, None), [1, 3])
    np.testing.assert_array_equal(
        data.class_weight_to_sample_weight(np.array([0.0, 1.0, 1.0]), weights, [2, 2, 1]),
        [2, 6, 3])
    with pytest.raises(ValueError, match="keys from 0 to one less"):
        data.class_weight_to_sample_weight(np.array([0, 1]), {1: 1.0, 2: 2.0}, None)


def test_array_data_batches_keep_last_partial_batch():
    source = data.ArrayData(np.arange(10, dtype="float32")[:, None], np.arange(10), None,
                            batch_size=4, shuffle=False, device=torch.device("cpu"))
    batches = list(source.batches())
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[0][1].dtype == torch.int64  # integer labels keep their type


def test_shuffled_batches_cover_every_sample_once():
    source = data.ArrayData(np.arange(10, dtype="float32")[:, None], None, None, batch_size=3,
                            shuffle=True, device=torch.device("cpu"))
    seen = torch.cat([b[0][:, 0] for b in source.batches()])
    assert sorted(seen.tolist()) == list(range(10))


def test_cardinality_and_empty_errors():
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        data.check_sample_counts(np.zeros((3, 2)), np.zeros(4), None)
    with pytest.raises(ValueError, match="non-empty"):
        data.check_sample_counts(np.zeros((0, 2)), np.zeros(0), None)


def test_unpack_batch_forms():
    assert data.unpack_batch(("x",))[0] == "x"
    assert data.unpack_batch(("x", "y")) == ("x", "y", None)
    assert data.unpack_batch(("x", "y", "w")) == ("x", "y", "w")
    with pytest.raises(ValueError, match="Data is expected to be in format"):
        data.unpack_batch((1, 2, 3, 4))


def test_array_data_on_cpu_shares_float32_and_int64_numpy_memory():
    # fit's peak memory: float32 inputs and integer labels are used in place, not copied.
    x = np.random.rand(16, 3).astype("float32")
    y = np.arange(16, dtype="int64")
    arrays = data.ArrayData(x, y, None, 4, True, torch.device("cpu"))
    assert np.shares_memory(arrays.x.numpy(), x) and np.shares_memory(arrays.y.numpy(), y)
    doubles = data.ArrayData(x.astype("float64"), y, None, 4, True, torch.device("cpu"))
    assert doubles.x.dtype == torch.float32  # floatx: float64 data is cast (one copy)


def test_string_x_kept_for_string_or_unknown_inputs_refused_for_numeric():
    strings = np.array(["a b", "c"])
    for dtype in (None, "string"):
        kept = data.ArrayData(strings, None, None, 2, False, torch.device("cpu"),
                              [dtype] if dtype else None).x
        assert isinstance(kept, np.ndarray) and kept.tolist() == ["a b", "c"]
    with pytest.raises(ValueError, match="Unsupported object type"):
        data.ArrayData(strings, None, None, 2, False, torch.device("cpu"), ["float32"])
