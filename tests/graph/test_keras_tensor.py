"""graph/keras_tensor.py: ``is_keras_tensor``, the one predicate for symbolic tensors."""
import numpy as np
import torch

import torchkeras as keras
from torchkeras.data.structure import string  # tf.string of the tf namespace
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


def test_keras_tensor_dtype_compares_like_tensorflows():
    floats = keras.Input((1,))
    strings = keras.Input((1,), dtype="string")
    assert floats.dtype == "float32" and floats.dtype == torch.float32
    assert floats.dtype != torch.int64 and floats.dtype != string
    assert strings.dtype == string and strings.dtype == "string"
    assert {floats.dtype: 1}["float32"] == 1  # hashes as its name
