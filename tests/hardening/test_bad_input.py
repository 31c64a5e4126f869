"""Bad input gets a Keras-style message naming the argument or layer and what was
expected."""
import logging
import re
import warnings

import numpy as np
import torch
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.engine import data_checks

X = np.random.default_rng(0).random((10, 4)).astype("float32")
Y = np.arange(10) % 3


def _classifier():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("make, data, pattern", [
    (lambda: layers.Conv2D(2, 3), np.zeros((2, 8, 8), "float32"),
     r'layer "conv2d.*expected min_ndim=4, found ndim=3'),
    (lambda: layers.LSTM(2), np.zeros((2, 4), "float32"),
     r'layer "lstm.*expected ndim=3, found ndim=2'),
    (lambda: layers.Embedding(10, 2), np.full((2, 4), 12),
     r"indices = 12 is not in \[0, 10\)"),
])
def test_layer_rank_and_range(make, data, pattern):
    with pytest.raises((ValueError, IndexError), match=pattern):
        make()(data)


def test_dense_wrong_last_dim_eager_and_in_fit():
    dense = layers.Dense(3, name="d")
    dense(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match='layer "d".*axis -1 of input shape to have value 4'):
        dense(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4, "
                                         r"but received input with shape \(None, 5\)"):
        _classifier().fit(np.zeros((10, 5), "float32"), Y, verbose=0)


def test_cardinality_and_empty():
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous:\n  x sizes: 10\n"
                                         r"  y sizes: 7"):
        _classifier().fit(X, Y[:7], verbose=0)
    with pytest.raises(ValueError, match="Expected input data to be non-empty"):
        _classifier().fit(np.zeros((0, 4), "float32"), np.zeros((0,)), verbose=0)


def test_nan_and_inf_warning_names_argument_and_index():
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.warns(RuntimeWarning, match=r"`x` contains NaN values: 1 sample\(s\) .* "
                                            "the first at index 3"):
        _classifier().fit(bad, Y, verbose=0)
    y = np.ones((10, 1), "float32")
    y[7] = np.inf
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.warns(RuntimeWarning, match="`validation_data y` contains inf values.*"
                                            "index 7"):
        model.fit(X, np.ones((10, 1)), validation_data=(X, y), verbose=0)


def test_finite_check_can_be_turned_off(monkeypatch):
    bad = X.copy()
    bad[0, 0] = np.inf
    monkeypatch.setattr(data_checks, "CHECK_FINITE", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _classifier().fit(bad, Y, verbose=0)


@pytest.mark.parametrize("labels, value", [(Y + 5, 7), (Y - 5, -5)])
def test_sparse_labels_out_of_range(labels, value):
    message = (rf"Received a label value of {value} which is outside the valid range of "
               r"\[0, 3\) in `y`")
    with pytest.raises(ValueError, match=message):
        _classifier().fit(X, labels, verbose=0)
    with pytest.raises(ValueError, match=message):
        _classifier().evaluate(X, labels, verbose=0)


def test_sparse_labels_ignore_class_allowed():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(ignore_class=-1))
    labels = Y.copy()
    labels[0] = -1
    model.fit(X, labels, verbose=0)


def test_strings_in_numeric_arrays():
    with pytest.raises(ValueError, match="Failed to convert a NumPy array to a Tensor"):
        _classifier().fit(np.array([["a"] * 4] * 10), Y, verbose=0)


@pytest.mark.parametrize("size", [0, -1])
def test_batch_size(size):
    for call in (lambda m: m.fit(X, Y, batch_size=size, verbose=0),
                 lambda m: m.predict(X, batch_size=size, verbose=0)):
        with pytest.raises(ValueError, match=f"`batch_size` must be a positive integer. "
                                             f"Received: batch_size={size}"):
            call(_classifier())


@pytest.mark.parametrize("split", [1.0, -0.1, 1.5])
def test_validation_split_range(split):
    with pytest.raises(ValueError, match=r"`validation_split` must be in the range \[0, 1\)"):
        _classifier().fit(X, Y, validation_split=split, verbose=0)


@pytest.mark.parametrize("call, message", [
    (lambda: layers.Dense(3, activaton="relu"), "Did you mean 'activation'"),
    (lambda: layers.Conv2D(3, 3, strides_=2), "Did you mean 'strides'"),
    (lambda: layers.LSTM(3, retrun_sequences=True), "Did you mean 'return_sequences'"),
    (lambda: keras.optimizers.Adam(learning_rat=0.1), "Did you mean 'learning_rate'"),
    (lambda: keras.optimizers.SGD(momentun=0.9), "Did you mean 'momentum'"),
    (lambda: keras.callbacks.EarlyStopping(patiance=2), "'patiance'. Did you mean 'patience'"),
    (lambda: keras.callbacks.CSVLogger("x.csv", seperator=";"), "Did you mean 'separator'"),
    (lambda: _classifier().fit(X, Y, epoch=2), "Did you mean 'epochs'"),
    (lambda: _classifier().save("/tmp/never.keras", include_optimiser=False),
     "Did you mean 'include_optimizer'"),
    (lambda: keras.models.load_model("/tmp/never.keras", custom_object={}),
     "Did you mean 'custom_objects'"),
    (lambda: _classifier().save_weights("/tmp/never.weights.h5", overwrit=True),
     "Did you mean 'overwrite'"),
    (lambda: _classifier().load_weights("/tmp/never.weights.h5", skip_mismatc=True),
     "Did you mean 'skip_mismatch'"),
])
def test_unknown_keyword_suggests_near_name(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_model_checkpoint_unknown_keyword_warns(caplog):
    with caplog.at_level(logging.WARNING):
        keras.callbacks.ModelCheckpoint("x.h5", save_best=True)
    assert "unknown keyword argument 'save_best' is ignored. Did you mean " \
           "'save_best_only'?" in caplog.text


def test_finite_check_screens_with_a_sum_without_false_alarms_on_overflow():
    import warnings as _warnings
    from torchkeras.engine import data_checks
    huge = torch.full((4, 2), 3e38)  # finite values whose sum overflows to inf
    with _warnings.catch_warnings():
        _warnings.simplefilter("error")
        data_checks.warn_non_finite([("x", huge)])  # no warning
    bad = huge.clone()
    bad[2, 1] = float("nan")
    with pytest.warns(RuntimeWarning, match=r"`x` contains NaN values: 1 sample\(s\) hold "
                                            r"NaN or inf, the first at index 2"):
        data_checks.warn_non_finite([("x", bad)])


def _nan_labels():
    labels = Y.astype("float32")
    labels[4] = np.nan
    return labels


@pytest.mark.parametrize("lazy", [False, True])
def test_nan_sparse_labels_name_the_loss_value_and_range(lazy):
    """tf-keras: 'Received a label value of ... outside the valid range of [0, N)', not
    torch's 'IndexError: Target -9223372036854775808 is out of bounds'; a lazy model (its
    class count known only once built) is checked before its first step."""
    model = keras.Sequential(([] if lazy else [keras.Input((4,))]) +
                             [layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    message = (r"Received a label value of nan which is outside the valid range of \[0, 3\) "
               r"in `y`: sparse_categorical_crossentropy")
    initial = [w.copy() for w in model.get_weights()] if not lazy else None
    with pytest.warns(RuntimeWarning, match="NaN"), pytest.raises(ValueError, match=message):
        model.fit(X, _nan_labels(), verbose=0)
    if initial is not None:  # raised before any step
        assert all(np.array_equal(a, b) for a, b in zip(initial, model.get_weights()))
    with pytest.warns(RuntimeWarning, match="NaN"), pytest.raises(ValueError, match=message):
        model.evaluate(X, _nan_labels(), verbose=0)
    validation = "in `validation_data y`: sparse_categorical_crossentropy"
    with pytest.warns(RuntimeWarning, match="NaN"), pytest.raises(ValueError, match=validation):
        model.fit(X, Y, validation_data=(X, _nan_labels()), verbose=0)


def test_nan_sparse_labels_from_a_generator_and_in_direct_loss_calls():
    """Data the fit-start check cannot see (a generator) and direct loss calls: the error
    is translated when torch rejects the target (no check on the successful path)."""
    message = (r"sparse_categorical_crossentropy: Received a label value of nan which is "
               r"outside the valid range of \[0, 3\)")
    batches = ((X, _nan_labels()) for _ in range(3))
    with pytest.raises(ValueError, match=message):
        _classifier().fit(batches, steps_per_epoch=2, verbose=0)
    logits = np.zeros((10, 3), "float32")
    with pytest.raises(ValueError, match=message):
        keras.losses.sparse_categorical_crossentropy(_nan_labels(), logits)
    with pytest.raises(ValueError, match=message):
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)(_nan_labels(), logits)
    with pytest.raises(ValueError, match=r"label value of 5 which is outside the valid range "
                                         r"of \[0, 3\)"):
        keras.losses.sparse_categorical_crossentropy(Y + 5, logits)
    with pytest.raises(ValueError, match=r"label value of 3 .*\[0, 3\)"):  # not the ignored -1
        keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(
            np.array([-1, 3, 0]), logits[:3])


def _functional(dict_inputs=False):
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    outputs = layers.Dense(1)(layers.concatenate([a, b]))
    model = keras.Model({"a": a, "b": b} if dict_inputs else [a, b], outputs)
    model.compile("sgd", "mse")
    return model


def _sequential_with_input():
    model = keras.Sequential([keras.Input((4,), name="features"), layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


@pytest.mark.parametrize("make, keys, expected", [
    (lambda: _functional(), ["a", "c"], r"\['a', 'b'\]"),
    (lambda: _functional(dict_inputs=True), ["a", "c"], r"\['a', 'b'\]"),
    (_sequential_with_input, ["feature"], r"\['features'\]"),
])
@pytest.mark.parametrize("method", ["fit", "predict", "evaluate", "call"])
def test_dict_input_with_an_unknown_key_names_expected_and_received_keys(make, keys, expected,
                                                                        method):
    model = make()
    data = {key: X for key in keys}
    calls = {"fit": lambda: model.fit(data, np.ones((10, 1)), verbose=0),
             "predict": lambda: model.predict(data, verbose=0),
             "evaluate": lambda: model.evaluate(data, np.ones((10, 1)), verbose=0),
             "call": lambda: model(data)}
    received = re.escape(str(keys))
    with pytest.raises(ValueError, match=rf"Missing data for input \"\w+\". You passed a data "
                                         rf"dictionary with keys {received}. Expected the "
                                         rf"following keys: {expected}"):
        calls[method]()


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_dict_input_to_a_sequential_without_input_says_so(method):
    model = keras.Sequential([layers.Dense(1)], name="lazy")
    model.compile("sgd", "mse")
    call = (lambda: model.fit({"x": X}, np.ones((10, 1)), verbose=0)) if method == "fit" \
        else (lambda: model.predict({"x": X}, verbose=0))
    with pytest.raises(ValueError, match=r'Sequential model "lazy" has no named input yet.*'
                                         r"Received a dict with keys \['x'\]"):
        call()
    assert not model.built


def test_dict_input_keyed_by_the_input_name_works_and_extra_keys_warn():
    model = _sequential_with_input()
    expected = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict({"features": X}, verbose=0), expected)
    model.fit({"features": X}, np.ones((10, 1)), verbose=0)
    with pytest.warns(UserWarning, match=r"Input dict contained keys \['extra'\] which did "
                                         "not match any model input"):
        model.predict({"features": X, "extra": X}, verbose=0)
    with pytest.warns(UserWarning, match=r"keys \['extra'\] which did not match"):
        np.testing.assert_allclose(np.asarray(model({"features": X, "extra": X})),
                                   model.predict(X, verbose=0), rtol=1e-6)
    two = _functional(dict_inputs=True)
    with pytest.warns(UserWarning, match=r"keys \['z'\] which did not match"):
        out = two.predict({"a": X, "b": X, "z": X}, verbose=0)
    np.testing.assert_allclose(out, two.predict({"a": X, "b": X}, verbose=0))


@pytest.mark.parametrize("value, shown", [("4", r"'4' \(of type str\)"),
                                          (4.0, r"4.0 \(of type float\)"),
                                          (True, r"True \(of type bool\)")])
def test_batch_size_of_the_wrong_type_names_the_type(value, shown):
    message = rf"`batch_size` must be a positive integer. Received: batch_size={shown}"
    for call in (lambda m: m.fit(X, Y, batch_size=value, verbose=0),
                 lambda m: m.evaluate(X, Y, batch_size=value, verbose=0),
                 lambda m: m.predict(X, batch_size=value, verbose=0),
                 lambda m: m.fit(X, Y, validation_data=(X, Y), validation_batch_size=value,
                                 verbose=0)):
        with pytest.raises(ValueError, match=message):
            call(_classifier())


@pytest.mark.parametrize("custom_objects", [["Dense"], "Dense", ("a", "b")])
def test_custom_objects_must_be_a_dict(tmp_path, custom_objects):
    model = _classifier()
    model.save(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")
    kind = type(custom_objects).__name__
    message = rf"`custom_objects` must be a dict .*\(of type {kind}\)"
    for call in (lambda: keras.models.load_model(tmp_path / "m.h5", custom_objects=custom_objects),
                 lambda: keras.models.load_model(tmp_path / "m.keras",
                                                 custom_objects=custom_objects),
                 lambda: keras.models.model_from_json(model.to_json(),
                                                      custom_objects=custom_objects),
                 lambda: keras.models.model_from_config(
                     {"class_name": "Sequential", "config": model.get_config()},
                     custom_objects=custom_objects),
                 lambda: keras.utils.custom_object_scope(custom_objects)):
        with pytest.raises(TypeError, match=message):
            call()
    assert keras.models.load_model(tmp_path / "m.keras", custom_objects={}) is not None
