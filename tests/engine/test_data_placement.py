import numpy as np
import pytest
import torch

from torchkeras.engine import data, data_placement


def test_budget_from_environment_and_no_limit_on_cpu(monkeypatch):
    monkeypatch.delenv("TORCHKERAS_DEVICE_DATA_MB", raising=False)
    assert data_placement.device_data_budget(torch.device("cpu")) is None
    monkeypatch.setenv("TORCHKERAS_DEVICE_DATA_MB", "1.5")
    assert data_placement.device_data_budget(torch.device("cpu")) == int(1.5 * 2 ** 20)
    big = torch.zeros(2 ** 19)  # 2 MiB of float32
    assert not data_placement.fits_on_device(torch.device("meta"), [big, None])
    assert data_placement.fits_on_device(torch.device("meta"), {"a": big[:1000]})


def _meta_data(monkeypatch, budget_mb: str) -> data.ArrayData:
    monkeypatch.setenv("TORCHKERAS_DEVICE_DATA_MB", budget_mb)
    x = np.arange(40, dtype="float64").reshape(10, 4)  # float64: cast to float32 on the host
    return data.ArrayData(x, np.arange(10), None, batch_size=4, shuffle=True,
                          device=torch.device("meta"))


def test_data_within_budget_is_copied_to_the_device_once(monkeypatch):
    source = _meta_data(monkeypatch, "1")
    assert not source.streamed
    assert source.x.device.type == "meta" and source.y.device.type == "meta"


def test_data_over_budget_stays_on_host_and_batches_are_sent(monkeypatch):
    source = _meta_data(monkeypatch, "0")
    assert source.streamed
    assert source.x.device.type == "cpu" and source.x.dtype == torch.float32
    batches = list(source.batches())
    assert [tuple(b[0].shape) for b in batches] == [(4, 4), (4, 4), (2, 4)]
    assert all(b[0].device.type == "meta" and b[1].device.type == "meta" for b in batches)
    assert batches[0][1].dtype == torch.int64


@pytest.mark.parametrize("shuffle", [False, True, "batch"])
def test_streamed_batches_equal_resident_batches(shuffle):
    x = np.random.RandomState(0).rand(11, 3).astype("float32")
    y = {"out": np.arange(11)}
    batches = []
    for streamed in (False, True):
        source = data.ArrayData(x, y, np.ones(11), batch_size=4, shuffle=shuffle,
                                device=torch.device("cpu"))
        source.streamed = streamed  # on CPU the host is the device: force the other path
        source.generator = torch.Generator().manual_seed(3)
        batches.append(list(source.batches()))
    for resident, sent in zip(*batches):
        torch.testing.assert_close(resident[0], sent[0], rtol=0, atol=0)
        torch.testing.assert_close(resident[1]["out"], sent[1]["out"], rtol=0, atol=0)
        torch.testing.assert_close(resident[2], sent[2], rtol=0, atol=0)


def test_a_sparse_tensor_counts_its_indices_and_values_not_its_dense_size():
    from torchkeras.engine.data_placement import structure_bytes
    sparse = torch.sparse_coo_tensor(torch.tensor([[0, 999], [5, 99_999]]),
                                     torch.ones(2), (1000, 100_000), check_invariants=True)
    assert structure_bytes(sparse) == 2 * (2 * 8 + 4)  # not 1000 * 100000 * 4
