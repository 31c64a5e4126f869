"""Operators on KerasTensors and ``KerasTensor.dtype`` (graph/keras_tensor.py): each
operator records an op layer with Keras 2's name, the right shape and dtype."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test
from torchkeras.graph.keras_tensor import DTypeName, KerasTensor
from torchkeras.layers.op_layer import SlicingOpLambda, TFOpLambda


def _layer(tensor):
    return tensor._keras_history[0]


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session()


def test_binary_operators_name_shape_and_value():
    x = keras.Input((3,))
    y = keras.Input((1,))
    cases = [(x + y, "tf.__operators__.add", np.add), (x - y, "tf.math.subtract", np.subtract),
             (x * y, "tf.math.multiply", np.multiply), (x / y, "tf.math.truediv", np.divide),
             (x // y, "tf.compat.v1.floor_div", np.floor_divide),
             (x % y, "tf.math.floormod", np.mod), (x ** y, "tf.math.pow", np.power)]
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")
    b = np.array([[2.0], [3.0]], "float32")
    for tensor, name, reference in cases:
        assert tensor.shape == (None, 3) and tensor.dtype == "float32"  # broadcast
        assert _layer(tensor).name == name and type(_layer(tensor)) is TFOpLambda
        model = keras.Model([x, y], tensor)
        np.testing.assert_allclose(model.predict([a, b], verbose=0), reference(a, b), rtol=1e-6)


def test_reflected_and_unary_operators():
    x = keras.Input((2,))
    outputs = [2 * x, 1 - x, 8 / x, 2 ** x, -x, abs(x)]
    assert [_layer(t).name for t in outputs] == [
        "tf.math.multiply", "tf.math.subtract", "tf.math.truediv", "tf.math.pow",
        "tf.math.negative", "tf.math.abs"]
    model = keras.Model(x, outputs)
    a = np.array([[1.0, -2.0]], "float32")
    for got, want in zip(model.predict(a, verbose=0), [2 * a, 1 - a, 8 / a, 2 ** a, -a,
                                                        abs(a)]):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_comparisons_and_logical_operators_give_bool():
    x = keras.Input((2,))
    y = keras.Input((2,))
    lt, ge = x < y, x >= 0.5
    both = lt & ge
    assert [_layer(t).name for t in (lt, ge, both, ~lt, lt | ge, lt ^ ge)] == [
        "tf.math.less", "tf.math.greater_equal", "tf.math.logical_and",
        "tf.math.logical_not", "tf.math.logical_or", "tf.math.logical_xor"]
    assert both.dtype == "bool" and both.shape == (None, 2)
    model = keras.Model([x, y], both)
    out = model.predict([np.array([[0.6, 0.1]]), np.array([[0.9, 0.9]])], verbose=0)
    np.testing.assert_array_equal(out, [[True, False]])


def test_equality_stays_identity():
    x = keras.Input((2,))
    assert (x == x) is True and (x == keras.Input((2,))) is False
    assert {x: 1}[x] == 1


def test_matmul_operator():
    x = keras.Input((3,))
    w = keras.Input((3, 4))
    out = x[:, None, :] @ w
    assert _layer(out).name == "tf.linalg.matmul" and out.shape == (None, 1, 4)


def test_getitem_forms():
    x = keras.Input((4, 5))
    cases = [((slice(None), 0), (None, 5)), ((Ellipsis, None), (None, 4, 5, 1)),
             ((slice(None), slice(1, 3)), (None, 2, 5)),
             ((slice(None), -1, slice(None, None, 2)), (None, 3))]
    for index, shape in cases:
        out = x[index]
        assert out.shape == shape, index
        assert type(_layer(out)) is SlicingOpLambda
        assert _layer(out).name.startswith("tf.__operators__.getitem")
    data = np.arange(40, dtype="float32").reshape(2, 4, 5)
    model = keras.Model(x, [x[:, 0], x[..., None], x[:, 1:3], x[:, -1, ::2]])
    for got, want in zip(model.predict(data, verbose=0),
                         [data[:, 0], data[..., None], data[:, 1:3], data[:, -1, ::2]]):
        np.testing.assert_array_equal(got, want)


def test_unknown_dims_stay_unknown():
    x = keras.Input((None, 3))
    out = (x * 2)[:, :, 0]
    assert out.shape == (None, None)


def test_ops_function_records_keras3_named_node():
    x = keras.Input((3,))
    y = keras.Input((3,))
    out = keras.ops.concatenate([keras.ops.log(x), y], axis=1)
    assert out.shape == (None, 6) and _layer(out).name == "concatenate"
    assert _layer(out).get_config()["function"] == "ops.concatenate"


def test_eager_ops_unchanged():
    assert keras.ops.add(torch.ones(2), torch.ones(2)).tolist() == [2.0, 2.0]
    with pytest.raises(ValueError, match="Cannot convert"):  # the op's own error, unchanged
        keras.ops.add(torch.ones(2), "a")


def test_model_fits_summary_and_round_trips(tmp_path):
    x = keras.Input((3,))
    h = keras.layers.Dense(4)(x * 2 + 1)
    out = keras.layers.Dense(1)(keras.ops.concatenate([h, 1 - h[:, :1]], axis=1))
    model = keras.Model(x, out)
    model.compile("adam", "mse")
    data, target = np.random.rand(32, 3), np.random.rand(32, 1)
    history = model.fit(data, target, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    lines = []
    model.summary(line_length=120, print_fn=lines.append)
    text = "\n".join(lines)
    assert "tf.math.multiply" in text and "TFOpLambda" in text, text
    assert "concatenate" in text
    reference = model.predict(data, verbose=0)
    for name in ("m.h5", "m.keras"):
        model.save(str(tmp_path / name))
        loaded = keras.models.load_model(str(tmp_path / name))
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
        np.testing.assert_allclose(loaded.predict(data, verbose=0), reference, atol=1e-6)
    clone = keras.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(data, verbose=0), reference, atol=1e-6)


def test_keras2_config_of_constant_first_and_slices():
    x = keras.Input((3,), name="x")
    model = keras.Model(x, (2 * x)[..., 1:])
    layers = model.get_config()["layers"]
    assert layers[1]["config"]["function"] == "math.multiply"
    assert layers[1]["inbound_nodes"] == [["_CONSTANT_VALUE", -1, 2, {"y": ["x", 0, 0]}]]
    assert layers[2]["class_name"] == "SlicingOpLambda"
    assert layers[2]["inbound_nodes"] == [["tf.math.multiply", 0, 0, {"slice_spec": [
        {"class_name": "__ellipsis__"}, {"start": 1, "stop": None, "step": None}]}]]


def test_unknown_function_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown function 'os.system'"):
        TFOpLambda("os.system")
    with pytest.raises(ValueError, match="unknown function 'ops.not_an_op'"):
        TFOpLambda("ops.not_an_op")


def test_unsupported_call_names_the_function_and_inputs():
    x = keras.Input((3,))
    with pytest.raises(TypeError, match="tf.math.multiply.*symbolic inputs"):
        x * "text"


def test_dtype_compares_with_tf_numpy_and_strings():
    x = keras.Input((3,))
    i = keras.Input((3,), dtype="int32")
    assert isinstance(x.dtype, DTypeName) and isinstance(x.dtype, str)
    assert x.dtype == "float32" and x.dtype == torch.float32 and x.dtype == np.float32
    assert x.dtype == np.dtype("float32") and x.dtype.name == "float32"
    assert x.dtype != torch.int32 and i.dtype == torch.int32 and i.dtype != "float32"
    assert x.dtype != object() and str(x.dtype) == "float32" and x.dtype.startswith("float")
    assert {x.dtype: 1}["float32"] == 1
    assert KerasTensor((None,), dtype=torch.float32).dtype == torch.float32


def test_numpy_and_torch_left_operands_defer_to_the_keras_tensor():
    x = keras.Input((3,))
    for out in (np.float32(2) * x, torch.ones(3) * x):
        assert out.shape == (None, 3) and _layer(out).name.startswith("tf.math.multiply")
    model = keras.Model(x, torch.full((3,), 2.0) * x + np.float32(1))
    np.testing.assert_allclose(model.predict(np.ones((1, 3)), verbose=0), [[3.0, 3.0, 3.0]])


def test_iteration_follows_keras2():
    with pytest.raises(TypeError, match="unknown first dimension"):
        list(keras.Input((3,)))
    parts = list(keras.Input((3,), batch_size=2))
    assert len(parts) == 2 and parts[0].shape == (3,)


def test_op_layer_contract():
    out = layer_test(TFOpLambda, {"function": "math.abs"}, input_shape=(2, 3),
                     expected_output_shape=(None, 3), expected_num_trainable_weights=0)
    assert (np.asarray(out) >= 0).all()


def test_getitem_with_index_arrays_round_trips(tmp_path):
    x = keras.Input((4,))
    outs = [x[:, [0, 2]], x[:, np.array([3, 1])], x[:, torch.tensor([1, 1])]]
    assert [o.shape for o in outs] == [(None, 2)] * 3
    model = keras.Model(x, outs)
    data = np.arange(8, dtype="float32").reshape(2, 4)
    want = [data[:, [0, 2]], data[:, [3, 1]], data[:, [1, 1]]]
    model.save(str(tmp_path / "m.h5"))
    loaded = keras.models.load_model(str(tmp_path / "m.h5"))
    for m in (model, loaded):
        for got, expected in zip(m.predict(data, verbose=0), want):
            np.testing.assert_array_equal(got, expected)
