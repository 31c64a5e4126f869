"""graph/keras_tensor.py: ``is_keras_tensor``, the one predicate for symbolic tensors."""
import numpy as np
import torch

import torchkeras as keras
from torchkeras.graph.keras_tensor import KerasTensor, inbound_nodes, is_keras_tensor, \
    keras_history


def test_is_keras_tensor():
    assert is_keras_tensor(keras.Input((3,)))
    assert is_keras_tensor(KerasTensor((None, 2)))
    assert not is_keras_tensor(torch.zeros(2))
    assert not is_keras_tensor(np.zeros(2))
    assert not is_keras_tensor(None)


def test_keras_history_and_inbound_nodes_name_the_producing_call():
    x = keras.Input((3,))
    dense = keras.layers.Dense(2)
    y = dense(x)
    layer, node_index, tensor_index = keras_history(y)
    assert layer is dense and (node_index, tensor_index) == (0, 0)
    assert inbound_nodes(dense)[node_index].flat_outputs[0] is y
    assert keras_history(torch.zeros(1)) is None and inbound_nodes(object()) == []
