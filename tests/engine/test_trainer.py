"""compile/fit/evaluate/predict: arguments, data kinds, return forms and errors."""
import numpy as np
import pytest
import torch

import torchkeras as keras


def _data(n=64, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 4).astype("float32")
    y = (x.sum(axis=1) > 2).astype("float32")
    return x, y


def _model(metrics=("accuracy",)):
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
    return model


def test_fit_returns_history_in_keras_key_order():
    x, y = _data()
    history = _model().fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 for v in history.history.values())


def test_training_reduces_loss():
    keras.utils.set_random_seed(0)  # weights too: the outcome must not depend on test order
    x, y = _data(256)
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.8


def test_evaluate_return_forms():
    x, y = _data()
    model = _model()
    loss, acc = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float) and 0 <= acc <= 1
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss, "accuracy": acc}
    only_loss = _model(metrics=())
    assert isinstance(only_loss.evaluate(x, y, verbose=0), float)


def test_evaluate_loss_is_batch_size_weighted_mean():
    x, y = _data(10)
    model = _model(metrics=())
    full = model.evaluate(x, y, batch_size=10, verbose=0)
    batched = model.evaluate(x, y, batch_size=3, verbose=0)  # batches 3, 3, 3, 1
    assert abs(full - batched) < 1e-6


def test_custom_metric_function_named_after_function():
    def my_metric(y_true, y_pred):
        return torch.mean(torch.abs(y_true - y_pred), dim=-1)

    x, y = _data()
    model = _model(metrics=("acc", my_metric))
    history = model.fit(x, y, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "acc", "my_metric"]
    pred = model.predict(x, verbose=0)
    expected = np.mean(np.abs(y[:, None] - pred))
    _, _, value = model.evaluate(x, y, verbose=0)
    assert abs(value - expected) < 1e-5


def test_predict_and_batch_methods():
    x, y = _data(10)
    model = _model()
    pred = model.predict(x, verbose=0)
    assert pred.shape == (10, 1) and pred.dtype == np.float32
    np.testing.assert_allclose(model.predict_on_batch(x), pred, rtol=1e-6)
    loss, acc = model.test_on_batch(x, y)
    np.testing.assert_allclose(loss, model.evaluate(x, y, verbose=0)[0], rtol=1e-5)
    before = model.get_weights()[0].copy()
    result = model.train_on_batch(x, y, return_dict=True)
    assert set(result) == {"loss", "accuracy"}
    assert not np.allclose(before, model.get_weights()[0])


def test_predict_keeps_no_per_batch_logits(monkeypatch):
    # Each output carries its logits (_keras_logits) for the losses; predict must not hold
    # them for every batch until the final concatenation (it tripled its peak memory).
    x, _ = _data(12)
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(4,))])
    concatenated = []
    cat = torch.cat

    def recording_cat(tensors, *args, **kwargs):
        concatenated.extend(tensors)
        return cat(tensors, *args, **kwargs)

    monkeypatch.setattr(torch, "cat", recording_cat)
    pred = model.predict(x, batch_size=4, verbose=0)
    assert pred.shape == (12, 3) and len(concatenated) == 3
    assert not any(hasattr(t, "_keras_logits") for t in concatenated)


def test_inputs_as_lists_tensors_and_dataloader():
    x, y = _data(32)
    model = _model()
    model.fit(x.tolist(), y.tolist(), epochs=1, verbose=0)
    model.fit(torch.from_numpy(x), torch.from_numpy(y), epochs=1, verbose=0)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    model.fit(torch.utils.data.DataLoader(dataset, batch_size=8), epochs=1, verbose=0)
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.evaluate(torch.utils.data.DataLoader(dataset, batch_size=8), verbose=0)[0] > 0
    assert model.predict(torch.from_numpy(x), verbose=0).shape == (32, 1)


def test_generator_and_sequence_inputs():
    x, y = _data(32)

    def generator():
        while True:
            for i in range(0, 32, 8):
                yield x[i:i + 8], y[i:i + 8]

    model = _model()
    history = model.fit(generator(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2

    class Batches(keras.utils.Sequence):
        epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 8:(index + 1) * 8], y[index * 8:(index + 1) * 8]

        def on_epoch_end(self):
            Batches.epochs_ended += 1

    model.fit(Batches(), epochs=3, verbose=0)
    assert Batches.epochs_ended == 3


def test_sample_weight_zero_ignores_samples():
    x, y = _data(20)
    model = _model(metrics=())
    weights = np.ones(20, dtype="float32")
    weights[10:] = 0
    # sum_over_batch_size: sum(loss * w) / N, so zero weights halve a single full batch.
    weighted = model.evaluate(x, y, sample_weight=weights, batch_size=20, verbose=0)
    first_half = model.evaluate(x[:10], y[:10], batch_size=10, verbose=0)
    np.testing.assert_allclose(weighted, first_half / 2, rtol=1e-5)


def test_class_weight_scales_loss():
    x, y = _data(16)
    model = _model(metrics=())
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy")
    plain = model.fit(x, y, batch_size=16, epochs=1, verbose=0).history["loss"][0]
    doubled = model.fit(x, y, batch_size=16, epochs=1, verbose=0,
                        class_weight={0: 2.0, 1: 2.0}).history["loss"][0]
    np.testing.assert_allclose(doubled, 2 * plain, rtol=1e-5)


def test_validation_freq_initial_epoch_and_steps_per_epoch():
    x, y = _data(64)
    model = _model()
    history = model.fit(x, y, epochs=4, initial_epoch=1, validation_data=(x, y),
                        validation_freq=2, verbose=0, batch_size=8, steps_per_epoch=2)
    assert history.epoch == [1, 2, 3]
    # Keras validates when (epoch + 1) % validation_freq == 0: epochs 1 and 3.
    assert len(history.history["val_loss"]) == 2
    assert len(history.history["loss"]) == 3


def test_callback_hooks_called_in_order():
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin_{epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch", batch, round(logs["loss"], 6) > 0))

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end_{epoch}:{sorted(logs)}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            events.append("train_end")

    x, y = _data(16)
    _model().fit(x, y, epochs=5, batch_size=8, callbacks=[Recorder()], verbose=0)
    assert events == ["train_begin", "epoch_begin_0", ("batch", 0, True), ("batch", 1, True),
                      "epoch_end_0:['accuracy', 'loss']", "epoch_begin_1", ("batch", 0, True),
                      ("batch", 1, True), "epoch_end_1:['accuracy', 'loss']", "train_end"]


def test_shuffle_draws_a_new_permutation_each_epoch():
    seen = []

    class Spy(keras.layers.Layer):
        def call(self, inputs):
            seen.append(inputs[:, 0].detach().cpu().numpy().copy())
            return inputs

    x = np.arange(8, dtype="float32").reshape(8, 1)
    model = keras.Sequential([keras.Input((1,)), Spy(), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    torch.manual_seed(0)
    model.fit(x, x, batch_size=8, epochs=3, verbose=0)
    orders = [tuple(s) for s in seen[-3:]]
    assert all(sorted(o) == list(range(8)) for o in orders)
    assert len(set(orders)) > 1
    seen.clear()
    model.fit(x, x, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert tuple(seen[-1]) == tuple(range(8))


def test_multi_output_loss_weights_and_history_keys():
    inputs = keras.Input((4,))
    a = keras.layers.Dense(1, name="a")(inputs)
    b = keras.layers.Dense(2, activation="softmax", name="b")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "sparse_categorical_crossentropy"},
                  loss_weights={"a": 0.5, "b": 2.0}, metrics={"b": ["accuracy"]})
    x, _ = _data(16)
    ya, yb = x.sum(axis=1), (x[:, 0] > 0.5).astype("int64")
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "a_loss", "b_loss", "b_accuracy"]
    np.testing.assert_allclose(logs["loss"], 0.5 * logs["a_loss"] + 2.0 * logs["b_loss"],
                               rtol=1e-5)
    history = model.fit(x, {"a": ya, "b": yb}, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "a_loss", "b_loss", "b_accuracy"]
    pa, pb = model.predict(x, verbose=0)
    assert pa.shape == (16, 1) and pb.shape == (16, 2)


def test_regularization_losses_are_added():
    x, y = _data(8)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(4,),
                                                 kernel_regularizer=keras.regularizers.l2(0.5),
                                                 kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    plain = float(np.mean((x.sum(axis=1, keepdims=True) - y[:, None]) ** 2))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0, batch_size=8),
                               plain + 0.5 * 4, rtol=1e-5)


# ----------------------------------------------------------------------- errors
def test_fit_before_compile():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="You must compile your model before training"):
        model.fit(np.zeros((2, 2)), np.zeros((2, 1)))


def test_x_y_length_mismatch():
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        _model().fit(np.zeros((10, 4)), np.zeros((9,)), verbose=0)


def test_unknown_fit_argument_suggests_near_name():
    with pytest.raises(TypeError, match="Did you mean 'epochs'"):
        _model().fit(np.zeros((4, 4)), np.zeros(4), epoch=10)


def test_unknown_identifiers_list_valid_values():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'.*Did you mean 'adam'"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="Unknown loss function.*Valid values"):
        model.compile(optimizer="adam", loss="mean_squred_error")
    with pytest.raises(ValueError, match="Unknown activation function"):
        keras.layers.Dense(1, activation="rellu")


def test_bad_batch_size_and_validation_split():
    x, y = _data(8)
    with pytest.raises(ValueError, match="batch_size"):
        _model().fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        _model().fit(x, y, validation_split=1.5, verbose=0)


def test_fit_without_loss():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss found"):
        model.fit(np.zeros((2, 2)), np.zeros((2, 1)), verbose=0)


def test_activity_regularizer_of_any_layer_is_added_per_batch():
    # Keras 2: activity_regularizer(outputs) / batch_size joins the loss (Layer.__call__).
    model = keras.Sequential([
        keras.layers.Dense(4, input_shape=(3,), kernel_initializer="ones",
                           activity_regularizer=keras.regularizers.l1(0.1)),
        keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((2, 3), dtype="float32"), np.zeros((2, 1), dtype="float32")
    # mse: (4 * 3)^2 = 144; activity: 0.1 * sum|3| over 2 x 4 outputs / 2 samples = 1.2
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=2, verbose=0), 145.2, rtol=1e-6)
    functional_in = keras.Input((3,))
    hidden = keras.layers.Dense(4, kernel_initializer="ones",
                                activity_regularizer=keras.regularizers.l1(0.1))(functional_in)
    functional = keras.Model(functional_in, keras.layers.Dense(1, kernel_initializer="ones")(hidden))
    functional.compile(optimizer="sgd", loss="mse")
    np.testing.assert_allclose(functional.evaluate(x, y, batch_size=2, verbose=0), 145.2,
                               rtol=1e-6)


def test_one_callback_object_is_accepted_as_in_keras():
    """tf-keras flattens `callbacks`: `callbacks=cb` works like `callbacks=[cb]` in fit,
    evaluate and predict (and nested lists are flattened)."""
    x = np.random.default_rng(0).random((12, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")

    class Counter(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_train_end(self, logs=None):
            self.calls.append("fit")

        def on_test_end(self, logs=None):
            self.calls.append("evaluate")

        def on_predict_end(self, logs=None):
            self.calls.append("predict")

    counter = Counter()
    model.fit(x, y, epochs=1, verbose=0, callbacks=counter)
    model.evaluate(x, y, verbose=0, callbacks=counter)
    model.predict(x, verbose=0, callbacks=counter)
    assert counter.calls == ["fit", "evaluate", "predict"]
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=0)
    nested = Counter()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[[nested], stopper])
    assert nested.calls == ["fit"] and stopper.model is model
    callbacks = [Counter()]
    model.fit(x, y, epochs=1, verbose=0, callbacks=callbacks)
    assert len(callbacks) == 1  # the user's list is not extended with History/ProgbarLogger
    assert keras.callbacks.CallbackList(counter, model=model).callbacks == [counter]
