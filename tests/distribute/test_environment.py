"""One process: every distributed helper answers for a single process."""
import torch

from torchkeras import distribute
from torchkeras.backend import device as device_module


def test_single_process_answers(monkeypatch):
    for key in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(key, raising=False)
    assert not distribute.launched() and not distribute.is_distributed()
    assert distribute.rank() == 0 and distribute.world_size() == 1 and distribute.is_chief()
    assert distribute.initialize() is False
    distribute.barrier()  # a no-op


def test_launcher_environment_is_read_without_a_process_group(monkeypatch):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("MASTER_ADDR", "localhost")
    monkeypatch.setenv("MASTER_PORT", "29500")
    assert distribute.launched() and distribute.rank() == 1 and not distribute.is_chief()
    assert distribute.world_size() == 2 and distribute.local_rank() == 1


def test_each_launched_process_gets_its_own_gpu(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.delenv("TORCHKERAS_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(device_module, "_DEVICE", None)
    assert device_module.get_device() == torch.device("cuda", 1)
    monkeypatch.setattr(device_module, "_DEVICE", None)
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert device_module.get_device() == torch.device("cuda")
