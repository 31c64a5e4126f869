"""Normalization: layer contract, adapt on arrays/lists/Datasets (batched or not), axis
forms, given statistics, invert, and use inside models and Dataset.map."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

DATA = np.random.RandomState(0).normal(3.0, 2.0, size=(50, 4)).astype("float32")


def _adapted(**kwargs):
    layer = keras.layers.Normalization(**kwargs)
    layer.adapt(DATA)
    return layer


def test_layer_contract_given_statistics():
    layer_test(keras.layers.Normalization, {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]},
               input_shape=(2, 3), expected_output_shape=(None, 3),
               expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


def test_layer_contract_adapted_weights():
    layer_test(keras.layers.Normalization, {"axis": -1}, input_data=DATA[:6],
               expected_output_shape=(None, 4), expected_num_trainable_weights=0,
               expected_num_non_trainable_weights=3,
               expected_weight_shapes=[(4,), (4,), ()])


def test_adapt_matches_numpy_statistics_and_normalizes():
    layer = _adapted()
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, DATA.mean(0), rtol=1e-5)
    np.testing.assert_allclose(variance, DATA.var(0), rtol=1e-4)
    assert int(count) == 50 and count.dtype == np.int64 and layer.is_adapted
    out = np.asarray(layer(DATA))
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1.0, rtol=1e-4)
    assert tuple(layer.mean.shape) == (1, 4)


@pytest.mark.parametrize("source", ["list", "dataset_batched", "dataset_xy", "generator"])
def test_adapt_sources_agree(source):
    expected = _adapted().get_weights()
    layer = keras.layers.Normalization()
    if source == "list":
        layer.adapt(DATA.tolist())
    elif source == "dataset_batched":
        layer.adapt(keras.data.Dataset.from_tensor_slices(DATA).batch(32))
    elif source == "dataset_xy":
        layer.adapt(keras.data.Dataset.from_tensor_slices((DATA, np.zeros(50))).batch(32))
    else:
        layer.adapt(DATA[i:i + 32] for i in range(0, 50, 32))
    for got, want in zip(layer.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_adapt_steps_and_readapt_resets():
    layer = keras.layers.Normalization()
    layer.adapt(DATA, batch_size=10, steps=2)
    assert int(layer.get_weights()[2]) == 20
    layer.adapt(DATA)
    assert int(layer.get_weights()[2]) == 50


def test_axis_forms():
    cube = np.random.RandomState(1).normal(size=(20, 3, 5)).astype("float32")
    for axis, shape in ((None, ()), ((1, 2), (3, 5)), (1, (3,)), (-1, (5,))):
        layer = keras.layers.Normalization(axis=axis)
        layer.adapt(cube)
        assert layer.get_weights()[0].shape == shape
        assert np.asarray(layer(cube)).shape == cube.shape


def test_invert_round_trips():
    forward, inverse = _adapted(), _adapted(invert=True)
    np.testing.assert_allclose(np.asarray(inverse(forward(DATA))), DATA, rtol=1e-5, atol=1e-5)


def test_zero_variance_uses_epsilon():
    out = np.asarray(keras.layers.Normalization(mean=1.0, variance=0.0)(np.array([[2.0]])))
    np.testing.assert_allclose(out, [[1.0 / keras.backend.epsilon()]], rtol=1e-6)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        keras.layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="Cannot `adapt` a Normalization layer"):
        keras.layers.Normalization(mean=1.0, variance=1.0).adapt(DATA)
    with pytest.raises(ValueError, match=r"must be in the range \[-ndim, ndim\)"):
        keras.layers.Normalization(axis=3).adapt(DATA)


def test_in_functional_model_trains_and_saves(tmp_path):
    norm = _adapted()
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(norm(inputs)))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(DATA, DATA[:, :1], epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert norm.trainable_weights == []
    for ext in ("keras", "h5"):
        path = str(tmp_path / f"m.{ext}")
        model.save(path)
        loaded = keras.models.load_model(path)
        np.testing.assert_allclose(loaded.predict(DATA, verbose=0),
                                   model.predict(DATA, verbose=0), rtol=1e-6, atol=1e-6)


def test_in_dataset_map():
    norm = _adapted()
    ds = keras.data.Dataset.from_tensor_slices(DATA).batch(10).map(lambda x: norm(x))
    out = np.concatenate([np.asarray(b) for b in ds])
    np.testing.assert_allclose(out, np.asarray(norm(DATA)), rtol=1e-6)


def test_dataset_map_batched_unbatched_and_tuples():
    """Adapted on a batched Dataset, used in ``map`` before/after ``batch`` and on (x, y)
    elements: the numbers of a NumPy call; an unbatched element keeps Keras 2's broadcast
    rank (a (4,) element becomes (1, 4): the statistics have shape (1, 4))."""
    norm = keras.layers.Normalization()
    norm.adapt(keras.data.Dataset.from_tensor_slices(DATA).batch(8))
    whole = np.asarray(norm(DATA[:6]))
    ds = keras.data.Dataset.from_tensor_slices((DATA[:6], np.arange(6)))
    x, y = next(iter(ds.batch(6).map(lambda a, b: (norm(a), b))))
    np.testing.assert_allclose(np.asarray(x), whole, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(y), np.arange(6))
    unbatched = next(iter(ds.map(lambda a, b: norm(a)).batch(6)))
    assert tuple(unbatched.shape) == (6, 1, 4)
    np.testing.assert_allclose(np.asarray(unbatched)[:, 0], whole, rtol=1e-6)
