"""graph/probe.py: the stand-in inputs the shape probe runs layers on."""
import numpy as np
import torch

from torchkeras.graph.probe import probe_input


def test_probe_input_follows_the_dtype():
    floats = probe_input((2, 3))
    assert isinstance(floats, torch.Tensor) and floats.dtype == torch.float32
    assert probe_input((2,), "int64").dtype == torch.int64
    assert probe_input((2,), "bool").dtype == torch.bool
    strings = probe_input((2, 1), "string")
    assert isinstance(strings, np.ndarray) and strings.shape == (2, 1)
    assert strings.tolist() == [[""], [""]]
