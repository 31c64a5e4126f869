"""graph/keras_tensor.py: ``is_keras_tensor``, the one predicate for symbolic tensors."""
import numpy as np
import torch

import torchkeras as keras
from torchkeras.graph.keras_tensor import KerasTensor, is_keras_tensor


def test_is_keras_tensor():
    assert is_keras_tensor(keras.Input((3,)))
    assert is_keras_tensor(KerasTensor((None, 2)))
    assert not is_keras_tensor(torch.zeros(2))
    assert not is_keras_tensor(np.zeros(2))
    assert not is_keras_tensor(None)
