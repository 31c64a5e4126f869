"""keras.ops core: conversion rules, control flow, index updates, gradients."""
import numpy as np
import pytest
import torch

from torchkeras import ops


def test_convert_to_tensor_python_and_numpy_rules():
    assert ops.convert_to_tensor(3).dtype == torch.int32
    assert ops.convert_to_tensor(2.5).dtype == torch.float32
    assert ops.convert_to_tensor(True).dtype == torch.bool
    assert ops.convert_to_tensor([1, 2.5]).dtype == torch.float32
    assert ops.convert_to_tensor(np.zeros(2, "float64")).dtype == torch.float64
    assert ops.convert_to_tensor(np.zeros((2, 3))[:, ::2]).shape == (2, 2)  # strided view
    assert ops.convert_to_tensor([torch.ones(2), torch.zeros(2)]).shape == (2, 2)
    t = torch.ones(2)
    assert ops.convert_to_tensor(t) is t


def test_convert_rejects_strings():
    with pytest.raises(ValueError, match="Cannot convert an array of dtype <U1"):
        ops.convert_to_tensor(np.array(["a"]))


def test_convert_to_numpy_and_dtype_and_shape():
    t = torch.ones((2, 3), requires_grad=True) * 2
    assert isinstance(ops.convert_to_numpy(t), np.ndarray)
    assert ops.dtype(t) == "float32" and ops.dtype(np.int8(1)) == "int8"
    assert ops.shape(t) == (2, 3) and ops.shape(np.zeros((4,))) == (4,)
    assert ops.convert_to_numpy(ops.cast(t, "bfloat16")).dtype == np.float32


def test_control_flow():
    assert int(ops.cond(ops.convert_to_tensor(True), lambda: 1, lambda: 2)) == 1
    i, total = ops.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (0, 0))
    assert (int(i), int(total)) == (5, 10)
    assert int(ops.while_loop(lambda v: v < 100, lambda v: v * 2, 1, maximum_iterations=3)) == 8
    assert int(ops.fori_loop(0, 4, lambda k, v: v + k, 0)) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0), reverse=True)
    assert float(carry) == 6.0 and ops.convert_to_numpy(ys).tolist() == [6.0, 5.0, 3.0, 0.0]
    assert ops.switch(7, [lambda x: x + 1, lambda x: x * 10], 2) == 20  # index clamped
    out = ops.vectorized_map(lambda row: ops.sum(row), np.ones((3, 2), "float32"))
    assert ops.convert_to_numpy(out).tolist() == [2.0, 2.0, 2.0]


def test_slices_and_scatter_do_not_modify_inputs():
    x = torch.zeros((3, 3))
    updated = ops.slice_update(x, (1, 1), np.ones((2, 2)))
    assert float(updated.sum()) == 4.0 and float(x.sum()) == 0.0
    assert ops.slice(updated, (0, 1), (2, 2)).tolist() == [[0.0, 0.0], [1.0, 1.0]]
    summed = ops.scatter([[0], [0], [2]], [1.0, 2.0, 3.0], (3,))
    assert summed.tolist() == [3.0, 0.0, 3.0]  # duplicates add up
    assert ops.scatter_update(x, [[0, 0]], [5.0]).tolist()[0] == [5.0, 0.0, 0.0]
    assert float(x.sum()) == 0.0


def test_gradients_flow_through_ops_and_stop_gradient_cuts():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = ops.sum(ops.square(w)) + ops.sum(ops.stop_gradient(w) * 100)
    loss.backward()
    assert w.grad.tolist() == [2.0, 4.0]


def test_numpy_style_errors_name_the_values():
    with pytest.raises(ValueError, match="not divisible by 3"):
        ops.split(np.zeros((4,)), 3)
    with pytest.raises(ValueError, match="Cannot squeeze axis 0"):
        ops.squeeze(np.zeros((2, 1)), axis=0)
    with pytest.raises(ValueError, match="must have the same shape"):
        ops.binary_crossentropy(np.zeros((2, 1)), np.zeros((2,)))
    with pytest.raises(ValueError, match="Cannot compute the max of an empty tensor"):
        ops.max(np.zeros((0,)))


def test_one_hot_nonzero_and_top_k_layouts():
    assert ops.one_hot([1, -1], 3).tolist() == [[0, 1, 0], [0, 0, 0]]
    rows, cols = ops.nonzero(np.eye(2))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]
    values, indices = ops.top_k(np.array([[1.0, 3.0, 2.0]]), 2)
    assert values.tolist() == [[3.0, 2.0]] and indices.tolist() == [[1, 2]]
    assert ops.in_top_k([1, 0], np.array([[0.1, 0.9], [0.2, 0.8]]), 1).tolist() == [True, False]


def test_conv_same_padding_matches_keras_shapes():
    out = ops.conv(np.ones((1, 5, 5, 3), "float32"), np.ones((3, 3, 3, 4), "float32"),
                   strides=2, padding="same")
    assert tuple(out.shape) == (1, 3, 3, 4)
    assert float(out[0, 0, 0, 0]) == 12.0  # corner: 2x2 real pixels x 3 channels
    pooled = ops.average_pool(np.ones((1, 3, 3, 1), "float32"), 2, padding="same")
    assert pooled.shape == (1, 2, 2, 1) and float(pooled.min()) == 1.0  # pads not averaged


def test_namespace_groups_and_size():
    assert ops.nn.relu is ops.relu and ops.linalg.norm is ops.norm
    assert ops.numpy.add is ops.add and ops.math.top_k is ops.top_k
    assert len(ops.__all__) >= 240
