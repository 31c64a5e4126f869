"""Models fed ``tf.SparseTensor`` inputs (torchkeras.engine: the input boundary of
functional and Sequential models, fit/predict batching of a sparse ``x``)."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.data.sparse import SparseTensor, to_dense

ROWS = [[0, 0], [0, 2], [1, 1], [3, 0], [3, 3], [4, 2], [6, 1], [7, 3]]


def _sp(dense_shape=(8, 4), values=None):
    values = values if values is not None else [0.5, -1.0, 2.0, 1.5, -0.5, 1.0, 3.0, -2.0]
    return SparseTensor(ROWS, values, dense_shape)


class _Probe(keras.layers.Layer):
    """Records whether its input arrived sparse."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs):
        self.seen.append(inputs.is_sparse)
        return inputs


class _DenseProbe(keras.layers.Dense):
    """A Dense (takes sparse inputs) that records whether its input arrived sparse."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def call(self, inputs):
        self.seen.append(inputs.is_sparse)
        return super().call(inputs)


def _dense_model(sparse):
    x = keras.Input(shape=(4,), sparse=sparse)
    return keras.Model(x, keras.layers.Dense(3, activation="tanh")(x))


def test_sparse_input_keras_tensor_and_config():
    x = keras.Input(shape=(4,), sparse=True)
    assert x.sparse and not keras.Input(shape=(4,)).sparse
    model = keras.Model(x, keras.layers.Dense(2)(x))
    clone = keras.Model.from_config(model.get_config())
    assert clone.inputs[0].sparse


def test_sparse_and_dense_models_give_the_same_numbers():
    sparse_model, dense_model = _dense_model(True), _dense_model(False)
    dense_model.set_weights(sparse_model.get_weights())
    expected = np.asarray(dense_model(np.asarray(to_dense(_sp()))))
    np.testing.assert_allclose(np.asarray(sparse_model(_sp())), expected, rtol=1e-6)
    np.testing.assert_allclose(sparse_model.predict(_sp(), batch_size=3, verbose=0), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(dense_model.predict(_sp(), batch_size=3, verbose=0), expected,
                               rtol=1e-6)


def test_integer_values_are_cast_to_the_input_dtype():
    model = _dense_model(True)
    out = model(_sp(values=[1, 2, 3, 4, 5, 6, 7, 8]))
    assert out.dtype == torch.float32 and tuple(out.shape) == (8, 3)


def test_dense_keeps_the_input_sparse_other_layers_get_it_dense():
    x = keras.Input(shape=(4,), sparse=True)
    probe, dense, dense2 = _Probe(), _DenseProbe(2), _DenseProbe(2)
    only_dense = keras.Model(x, dense(x))
    mixed = keras.Model(x, [dense2(x), probe(x)])
    only_dense(_sp())
    only_dense.predict(_sp(), verbose=0)
    assert dense.seen[-2:] == [True, True]  # the sparse-dense product
    out = mixed(_sp())
    assert probe.seen[-1] is False and dense2.seen[-1] is False  # densified once, at the
    # model's input boundary, since not every layer it feeds takes sparse tensors
    np.testing.assert_array_equal(np.asarray(out[1]), np.asarray(to_dense(_sp())))


def test_non_sparse_input_gets_the_dense_tensor():
    x = keras.Input(shape=(4,))
    probe = _Probe()
    model = keras.Model(x, probe(x))
    model(_sp())
    assert probe.seen[-1] is False


def test_sequential_sparse_input():
    probe = _Probe()
    first_dense = keras.Sequential([keras.Input(shape=(4,), sparse=True),
                                    keras.layers.Dense(2)])
    first_probe = keras.Sequential([keras.Input(shape=(4,), sparse=True), probe])
    assert tuple(first_dense(_sp()).shape) == (8, 2)
    first_probe(_sp())
    assert probe.seen[-1] is False


def test_layer_called_directly_on_a_sparse_tensor():
    dense = keras.layers.Dense(2, kernel_initializer="ones")
    np.testing.assert_allclose(np.asarray(dense(_sp())),
                               np.asarray(to_dense(_sp())).sum(1, keepdims=True).repeat(2, 1))
    relu = keras.layers.Activation("relu")(_sp())
    np.testing.assert_array_equal(np.asarray(relu), np.maximum(np.asarray(to_dense(_sp())), 0))


def test_fit_on_sparse_x_matches_fit_on_dense_x():
    y = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    histories = []
    models = [_dense_model(True), _dense_model(False)]
    models[1].set_weights(models[0].get_weights())
    for model, x in zip(models, (_sp(), np.asarray(to_dense(_sp())))):
        model.compile(keras.optimizers.SGD(0.1), "mse")
        histories.append(model.fit(x, y, batch_size=3, epochs=3, shuffle=False,
                                   verbose=0).history["loss"])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-6)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_fit_shuffles_sparse_rows_with_their_labels():
    model = _dense_model(True)
    model.compile("sgd", "mse")
    history = model.fit(_sp(), np.zeros((8, 3), "float32"), batch_size=3, epochs=2,
                        shuffle=True, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.isfinite(history.history["loss"]).all()
    assert np.isfinite(model.evaluate(_sp(), np.zeros((8, 3)), batch_size=5, verbose=0))


def test_fit_on_a_dataset_of_sparse_elements():
    from torchkeras.compat.finder import tensorflow_module
    tf = tensorflow_module()
    dataset = tf.data.Dataset.from_tensor_slices((_sp(), np.ones((8, 3), "float32"))).batch(3)
    model = _dense_model(True)
    model.compile("sgd", "mse")
    assert len(model.fit(dataset, epochs=2, verbose=0).history["loss"]) == 2
    assert model.predict(dataset.map(lambda x, y: x), verbose=0).shape == (8, 3)


def test_wrong_width_names_the_model():
    model = _dense_model(True)
    with pytest.raises(ValueError, match=r'Input 0 of layer "model(_\d+)?" is incompatible '
                                         r"with the layer: expected shape=\(None, 4\), found "
                                         r"shape=\(8, 5\)"):
        model(_sp(dense_shape=(8, 5)))


def test_wrong_rank_names_the_dense_layer():
    model = _dense_model(True)
    bad = SparseTensor([[0, 0, 0]], [1.0], (2, 4, 3))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 4, "
                                         r"but received input with shape \(2, 4, 3\)"):
        model(bad)
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 4"):
        model.predict(bad, verbose=0)


def test_string_sparse_tensor_is_refused():
    model = _dense_model(True)
    with pytest.raises(ValueError, match="SparseTensor of strings"):
        model(SparseTensor([[0, 0]], np.array([b"a"], dtype=object), (1, 4)))
