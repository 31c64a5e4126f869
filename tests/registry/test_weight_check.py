"""The weight check on load (registry/weight_check.py): one function for the Keras 2 ``.h5``
loaders (by position and by name) and the Keras 3 ``.keras``/``.weights.h5`` loader. The
messages are pinned word for word: they name the layer that differs, the expected and the
received value, and the file."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.registry import weight_check


def _model(units=3, bias=True, name="d", extra=False):
    layers = [keras.Input((2,)), keras.layers.Dense(units, use_bias=bias, name=name)]
    if extra:
        layers.append(keras.layers.Dense(1, name="d2"))
    return keras.Sequential(layers, name="s")


def _saved(tmp_path, filename):
    path = str(tmp_path / filename)
    model = _model()
    model.save(path) if filename.endswith(".keras") else model.save_weights(path)
    return path


def _load(model, path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.load_weights(path, **kwargs)
    return [str(w.message) for w in caught]


def test_h5_by_position_count_mismatch_raises_even_with_skip(tmp_path):
    path = _saved(tmp_path, "w.h5")
    for skip in (False, True):
        with pytest.raises(ValueError) as info:
            _model(bias=False).load_weights(path, skip_mismatch=skip)
        assert str(info.value) == (
            f"Weight count mismatch for layer #0 (named d in the current model, d in the save "
            f"file '{path}'). Layer expects 1 weight(s). Received 2 saved weight(s)")


@pytest.mark.parametrize("by_name", [False, True])
def test_h5_shape_mismatch_names_layer_weight_and_file(tmp_path, by_name):
    path = _saved(tmp_path, "w.h5")
    message = ("Shape mismatch in layer #0 (named d) for weight d/{0}:0. Weight expects shape "
               "{1}. Received saved weight with shape {2} (layer 'd' in '" + path + "')")
    with pytest.raises(ValueError) as info:
        _model(units=4).load_weights(path, by_name=by_name)
    assert str(info.value) == message.format("kernel", (2, 4), (2, 3))
    other = _model(units=4)
    before = other.get_weights()
    assert _load(other, path, by_name=by_name, skip_mismatch=True) == [
        "Skipping loading weights: " + message.format("kernel", (2, 4), (2, 3)),
        "Skipping loading weights: " + message.format("bias", (4,), (3,))]
    for a, b in zip(other.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_h5_by_name_count_mismatch(tmp_path):
    path = _saved(tmp_path, "w.h5")
    with pytest.raises(ValueError) as info:
        _model(bias=False).load_weights(path, by_name=True)
    assert str(info.value) == ("Weight count mismatch for layer #0 (named d). Layer expects 1 "
                               f"weight(s). Received 2 saved weight(s) (file '{path}')")
    assert _load(_model(bias=False), path, by_name=True, skip_mismatch=True) == [
        "Skipping loading of weights for layer #0 (named d) due to mismatch in number of "
        f"weights. Layer expects 1 weight(s). Received 2 saved weight(s) (file '{path}')"]


@pytest.mark.parametrize("filename", ["w.weights.h5", "m.keras"])
def test_keras3_count_and_shape_mismatch(tmp_path, filename):
    path = _saved(tmp_path, filename)
    count = (f"Layer 'd' expected 1 variables, but received 2 variables during loading from "
             f"'{path}'. Expected: ['d/kernel:0']")
    with pytest.raises(ValueError) as info:
        _model(bias=False).load_weights(path)
    assert str(info.value) == count
    assert _load(_model(bias=False), path, skip_mismatch=True) == [count]
    shape = ("Shape mismatch in layer 'd' for weight d/{0}:0. Weight expects shape {1}. "
             "Received saved weight with shape {2} ('layers/dense/vars' in '" + path + "')")
    with pytest.raises(ValueError) as info:
        _model(units=4).load_weights(path)
    assert str(info.value) == shape.format("kernel", (2, 4), (2, 3))
    assert _load(_model(units=4), path, skip_mismatch=True) == [
        shape.format("kernel", (2, 4), (2, 3)), shape.format("bias", (4,), (3,))]


@pytest.mark.parametrize("filename", ["w.weights.h5", "m.keras"])
def test_keras3_missing_layer_group(tmp_path, filename):
    path = _saved(tmp_path, filename)
    message = (f"Layer 'd2' expects 2 variables, but the weights file '{path}' has none at "
               "'layers/dense_1/vars' (the file belongs to a different model).")
    with pytest.raises(ValueError, match=re.escape(message)):
        _model(extra=True).load_weights(path)
    model = _model(extra=True)
    assert _load(model, path, skip_mismatch=True) == [message]
    np.testing.assert_array_equal(model.get_weights()[0], _load_reference(path))


def _load_reference(path):
    model = _model()
    model.load_weights(path)
    return model.get_weights()[0]


def _check(variables, values, skip_mismatch=False, **kwargs):
    return weight_check.check_layer_weights(variables, values, layer="'d'", where="here",
                                            count_error="count", skip_mismatch=skip_mismatch,
                                            **kwargs)


def test_check_layer_weights_pairs_and_count_mismatch():
    variables = _model().layers[0].weights
    values = [np.zeros((2, 3), "float32"), np.zeros((3,), "float32")]
    assert [(v.name, a.shape) for v, a in _check(variables, values)] == \
        [("d/kernel:0", (2, 3)), ("d/bias:0", (3,))]
    with pytest.raises(ValueError, match=r"^count$"):
        _check(variables, values[:1])
    with pytest.raises(ValueError, match=r"^count$"):  # no warning given: never skipped
        _check(variables, values[:1], skip_mismatch=True)
    with pytest.warns(UserWarning, match=r"^skipped$"):
        assert _check(variables, values[:1], skip_mismatch=True,
                      count_warning="skipped") is None


def test_check_layer_weights_shape_mismatch_and_warning_points_at_caller():
    variables = _model().layers[0].weights
    bad = [np.zeros((2, 4), "float32"), np.zeros((3,), "float32")]
    message = ("Shape mismatch in layer 'd' for weight d/kernel:0. Weight expects shape (2, 3)."
               " Received saved weight with shape (2, 4) (here)")
    with pytest.raises(ValueError) as info:
        _check(variables, bad)
    assert str(info.value) == message
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pairs = _check(variables, bad, skip_mismatch=True, shape_warning_prefix="Skip: ")
    assert [v.name for v, _ in pairs] == ["d/bias:0"]
    assert [str(w.message) for w in caught] == ["Skip: " + message]
    assert caught[0].filename == __file__


def test_load_weights_warning_points_at_the_user_call(tmp_path):
    path = _saved(tmp_path, "w.weights.h5")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _model(units=4).load_weights(path, skip_mismatch=True)
    assert caught and all(w.filename == __file__ for w in caught)
