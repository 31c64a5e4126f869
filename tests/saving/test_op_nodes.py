"""Keras 3 operation nodes in functional configs (``NotEqual``, ``LogicalOr`` ... saved by
Keras 3 for mask arithmetic): read into OpNode layers, run, and written back in Keras 3's
form with their constant arguments."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.saving.functional_config import functional_from_config
from torchkeras.saving.op_nodes import OpNode, is_op_entry, op_from_entry


def _tensor(layer, shape, dtype="float32"):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": dtype, "keras_history": [layer, 0, 0]}}


CONFIG = {
    "name": "ops_model", "trainable": True,
    "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "name": "x",
         "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "x"},
         "inbound_nodes": []},
        {"module": "keras.src.ops.numpy", "class_name": "NotEqual", "name": "not_equal",
         "config": {"name": "not_equal"},
         "inbound_nodes": [{"args": [_tensor("x", [None, 4]), 0], "kwargs": {}}]},
        {"module": "keras.src.ops.numpy", "class_name": "LogicalOr", "name": "logical_or",
         "config": {"name": "logical_or"},
         "inbound_nodes": [{"args": [_tensor("not_equal", [None, 4], "bool"),
                                     _tensor("not_equal", [None, 4], "bool")], "kwargs": {}}]},
    ],
    "input_layers": [["x", 0, 0]], "output_layers": [["logical_or", 0, 0]],
}


def test_op_nodes_load_run_and_serialize_back():
    assert is_op_entry(CONFIG["layers"][1]) and not is_op_entry(CONFIG["layers"][0])
    model = functional_from_config(keras.Model, CONFIG)
    x = np.array([[0.0, 1.0, 0.0, 2.0]], "float32")
    np.testing.assert_array_equal(np.asarray(model(x)), [[False, True, False, True]])
    from torchkeras.saving.functional_config import functional_config
    written = functional_config(model, style="keras3")
    entries = {e["name"]: e for e in written["layers"]}
    assert entries["not_equal"]["module"] == "keras.src.ops.numpy"
    assert entries["not_equal"]["class_name"] == "NotEqual"
    args = entries["not_equal"]["inbound_nodes"][0]["args"]
    assert args[1] == 0 and args[0]["config"]["keras_history"][0] == "x"
    again = functional_from_config(keras.Model, written)
    np.testing.assert_array_equal(np.asarray(again(x)), [[False, True, False, True]])
    with pytest.raises(ValueError, match="a Keras 2 config cannot express"):
        functional_config(model, style="keras2")


def test_unknown_op_is_a_clear_error():
    with pytest.raises(ValueError, match="Cannot load the Keras 3 operation 'NoSuchOp'"):
        op_from_entry({"module": "keras.src.ops.numpy", "class_name": "NoSuchOp",
                       "config": {"name": "n"}})
    assert isinstance(op_from_entry({"module": "keras.src.ops.math", "class_name": "Equal",
                                     "config": {"name": "e"}}), OpNode)
