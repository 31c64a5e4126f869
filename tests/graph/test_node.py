"""graph/node.py's output spec of a layer called on a string KerasTensor: the layer's ``call``
is probed on strings, the outputs' dtypes are the call's (``"string"``, a lookup's int64), a
RaggedTensor output is one ragged KerasTensor, and a 0 dim (no tokens in the empty probe
strings) is unknown."""
from __future__ import annotations

import numpy as np
import torch

from torchkeras.data import ragged
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.node import probe_spec


def _split(text, training=None):
    assert training is None or training is False
    return ragged.RaggedTensor([np.asarray(str(t).split(), dtype=str)
                                for t in np.asarray(text).tolist()])


def test_probe_spec_of_string_call_gives_string_and_integer_tensors():
    text = KerasTensor((None,), "string")
    tokens = probe_spec(_split, (text,), {})
    assert tokens.dtype == "string" and tokens.shape == (None, None)
    lengths = probe_spec(lambda t: torch.tensor([len(s) for s in np.asarray(t).tolist()]),
                         (text,), {})
    assert lengths.dtype == "int64" and lengths.shape == (None,)
    padded = probe_spec(lambda t: np.full((len(np.asarray(t)), 0), "", dtype=object),
                        (text,), {})
    assert padded.dtype == "string" and padded.shape == (None, None)  # 0: text-dependent


def test_probe_spec_keeps_fixed_dims_of_string_outputs():
    text = KerasTensor((None, 3), "string")
    out = probe_spec(lambda t: np.asarray(t)[:, :2], (text,), {})
    assert out.dtype == "string" and out.shape == (None, 2)
