"""The emulated ``tensorflow`` namespace: TF argument names on torch tensors."""
import numpy as np
import pytest
import torch

from torchkeras.compat import NotProvidedError
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()


def test_constants_and_dtypes():
    assert tf.constant(1.5).dtype == torch.float32 and tf.constant(1.5).shape == ()
    assert tf.constant([1, 2]).dtype == torch.int32
    assert tf.constant(np.zeros(2)).dtype == torch.float64
    assert tf.constant(0.0, shape=(2, 3)).shape == (2, 3)
    assert tf.cast(tf.constant([1.7]), tf.int32).tolist() == [1]
    assert tf.float32 is torch.float32 and tf.dtypes.as_dtype("int64") is torch.int64
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.float32).dtype == torch.float32


def test_reductions_follow_tf_arguments():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert tf.reduce_mean(x).item() == 2.5
    assert tf.reduce_sum(x, axis=1, keepdims=True).tolist() == [[3.0], [7.0]]
    assert tf.math.reduce_max(x, axis=[0, 1]).item() == 4.0
    assert tf.argmax(x).tolist() == [1, 1]  # axis None means 0
    assert tf.argmax(x, axis=1).dtype == torch.int64
    assert tf.reduce_mean(tf.constant([1, 2])).item() == 1  # integer mean truncates


def test_math_and_nn_ops():
    x = tf.constant([-1.0, 0.0, 2.0])
    assert tf.nn.relu(x).tolist() == [0.0, 0.0, 2.0]
    assert tf.math.square(x).tolist() == [1.0, 0.0, 4.0]
    assert np.allclose(tf.nn.softmax(tf.constant([[0.0, 0.0]])).numpy(), [[0.5, 0.5]])
    logits = tf.constant([[2.0, -1.0]])
    labels = tf.constant([[1.0, 0.0]])
    expected = -np.log(np.exp(2) / (np.exp(2) + np.exp(-1)))
    assert np.isclose(tf.nn.softmax_cross_entropy_with_logits(labels, logits).item(), expected)
    assert tf.one_hot([0, 2, 5], 3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 0]]
    assert tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)), transpose_b=True).shape == (2, 2)
    assert tf.where(tf.constant([True, False]), 1.0, 2.0).tolist() == [1.0, 2.0]


def test_config_random_and_function():
    devices = tf.config.list_physical_devices()
    assert devices[0].device_type == "CPU"
    assert tf.config.list_physical_devices("GPU") == [] or torch.cuda.is_available()
    tf.config.experimental.set_memory_growth(None, True)
    tf.random.set_seed(3)
    a = tf.random.normal((2,))
    tf.random.set_seed(3)
    assert torch.equal(a, tf.random.normal((2,)))

    @tf.function
    def double(v):
        return v * 2
    assert double(tf.constant(2.0)).item() == 4.0


def test_missing_names_raise_not_provided():
    with pytest.raises(NotProvidedError, match="`tf.Session` is not provided by torchkeras"):
        tf.Session
    with pytest.raises(AttributeError, match="`tf.nn.conv2d` is not provided"):
        tf.nn.conv2d


def test_variable():
    v = tf.Variable([1.0, 2.0], name="w")
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    assert v.numpy().tolist() == [4.0, 5.0] and v.name == "w:0" and v.trainable
    assert "tf.Variable 'w:0' shape=(2,)" in repr(v)
    assert not tf.Variable(1.0, trainable=False).requires_grad


def test_data_dataset():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(6.0), np.arange(6))).batch(4)
    batches = list(ds)
    assert len(ds) == 2 and batches[1][0].tolist() == [4.0, 5.0]
    assert tf.data.AUTOTUNE == -1


def test_data_side_helpers_tutorials_call():
    tf = tensorflow_module()
    assert tf.compat.as_bytes("JFIF") == b"JFIF" and tf.compat.as_text(b"x") == "x"
    assert int(tf.argmax(np.array(["a", "b", "c"]) == "b")) == 1  # booleans, as TF
    strings = tf.constant(["a", "b"])
    assert strings.numpy().tolist() == [b"a", b"b"] and tf.constant("x").numpy() == b"x"
    assert tf.image.resize is not None and tf.io.gfile.exists(".")
    # keras.preprocessing has Keras 2's dataset helpers (tf.keras.preprocessing.*)
    assert tf.keras.preprocessing.image_dataset_from_directory is \
        tf.keras.utils.image_dataset_from_directory


def test_random_gamma_shape_mean_and_seed():
    """tf.random.gamma (keras.io's mixup/cutmix examples draw Beta weights from two Gammas):
    shape + alpha's shape, mean alpha / beta, repeatable with a seed."""
    import numpy as np
    from torchkeras.compat.tf_namespace import _random_gamma
    draws = _random_gamma([20000], alpha=0.2)
    assert tuple(draws.shape) == (20000,) and abs(float(draws.mean()) - 0.2) < 0.02
    scaled = _random_gamma([3, 2], alpha=[0.5, 1.5], beta=[1.0, 2.0], seed=1)
    assert tuple(scaled.shape) == (3, 2, 2)
    np.testing.assert_array_equal(scaled.numpy(), _random_gamma([3, 2], alpha=[0.5, 1.5],
                                                                beta=[1.0, 2.0], seed=1).numpy())
    rate = _random_gamma([40000], alpha=2.0, beta=4.0)
    assert abs(float(rate.mean()) - 0.5) < 0.03


def test_tfrecord_example_and_csv_names(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    example = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2]))}))
    with tf.io.TFRecordWriter(path, tf.io.TFRecordOptions(compression_type="ZLIB")) as writer:
        writer.write(example.SerializeToString())
    record, = list(tf.data.TFRecordDataset(path, compression_type="ZLIB"))
    parsed = tf.io.parse_single_example(record, {"x": tf.io.VarLenFeature(tf.int64)})
    assert isinstance(parsed["x"], tf.SparseTensor)
    assert tf.sparse.to_dense(parsed["x"]).tolist() == [1, 2]
    assert issubclass(tf.errors.DataLossError, Exception)
    assert callable(tf.data.experimental.make_csv_dataset)
    assert callable(tf.data.experimental.CsvDataset)


def test_py_function_decorator_and_call():
    @tf.py_function(Tout=tf.string)
    def join(a, b):
        return a + b

    assert join(b"a", b"b").numpy() == b"ab"
    assert tf.py_function(lambda x: x * 2, inp=[torch.tensor(3)], Tout=tf.int32).item() == 6


def test_string_zeros_concat_and_tile_as_tensorflow():
    # data_performance's timelined_benchmark: tf.zeros([0, 1], tf.dtypes.string) grown with
    # tf.concat of Python lists and tf.tile of nested string lists (values as TF 2.21 gives).
    assert tf.dtypes.string is tf.string
    steps = tf.zeros([0, 1], dtype=tf.dtypes.string)
    assert steps.shape == (0, 1)
    steps = tf.concat((steps, [["Train"]]), axis=0)
    steps = tf.concat((steps, tf.constant([[b"x"]])), axis=0)
    assert steps.numpy().tolist() == [[b"Train"], [b"x"]]
    tiled = tf.tile([[["1st map"]]], [2, 1, 1])
    assert tiled.shape == (2, 1, 1) and tiled.numpy().tolist() == [[[b"1st map"]]] * 2
    with pytest.raises(TypeError, match=r"Cannot convert \[\[1.0\]\] to EagerTensor of dtype "
                                        "string"):
        tf.concat((steps, [[1.0]]), axis=0)
    with pytest.raises(TypeError, match="Cannot convert 1 to EagerTensor of dtype string"):
        tf.ones([1], dtype=tf.string)
    assert tf.concat(([1.0], [2.0]), axis=0).tolist() == [1.0, 2.0]  # numbers unchanged


def test_equal_and_not_equal_compare_string_tensors():
    # guide/data.ipynb: titanic_lines.filter(lambda line: tf.not_equal(tf.strings.substr(
    # line, 0, 1), "0")) (the values TF 2.21 gives)
    line = tf.constant(["0,male", "1,female"])
    assert tf.not_equal(tf.strings.substr(line, 0, 1), "0").tolist() == [False, True]
    assert tf.equal(line, line[0]).tolist() == [True, False]
    assert bool(tf.equal(tf.constant("a"), "a"))
    kept = tf.data.Dataset.from_tensor_slices(["0,a", "1,b", "1,c"]).filter(
        lambda l: tf.not_equal(tf.strings.substr(l, 0, 1), "0"))
    assert [x.numpy() for x in kept] == [b"1,b", b"1,c"]
    assert tf.equal([1, 2], 2).tolist() == [False, True]  # numbers unchanged


def test_convert_to_tensor_keeps_strings_as_tensorflow():
    # keras-io structured_data_classification_with_feature_space: tf.convert_to_tensor(["fixed"])
    value = tf.convert_to_tensor(["fixed"])
    assert value.shape == (1,) and value.dtype == tf.string
    assert value.numpy().tolist() == [b"fixed"]
    assert tf.convert_to_tensor([60]).tolist() == [60]  # numbers unchanged


def test_reshape_strings_and_ragged_flat_values_as_tensorflow():
    tokens = tf.strings.split(tf.constant(["a b", "c d e", "f"]))
    assert tf.reshape(tokens, [-1]).numpy().tolist() == [b"a", b"b", b"c", b"d", b"e", b"f"]
    assert tf.reshape(tokens, [3, -1]).numpy().tolist() == [[b"a", b"b"], [b"c", b"d"],
                                                            [b"e", b"f"]]
    assert tf.reshape(tf.constant([["a"], ["b"]]), [2]).numpy().tolist() == [b"a", b"b"]
    assert tf.reshape(tf.ragged.constant([[1, 2], [3]]), [-1]).tolist() == [1, 2, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="with 6 values, but the "
                       "requested shape has 7"):
        tf.reshape(tokens, [7])
    with pytest.raises(tf.errors.InvalidArgumentError, match="requires a multiple of 4"):
        tf.reshape(tokens, [-1, 4])
