"""Ctrl-C during fit: stops after the step, keeps History, leaves the model usable; an
interrupted save never corrupts the existing file."""
import os
import signal

import numpy as np
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.registry import atomic


def _model():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(1)])
    model.compile("adam", "mse")
    return model


@pytest.fixture(autouse=True)
def _python_sigint_handler():
    """Run as in an interactive session: CI runners may start Python with SIGINT ignored
    (SIG_IGN), and fit only installs its handler over Python's default one."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


X = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


class _InterruptAt(keras.callbacks.Callback):
    def __init__(self, epoch, batch, use_signal=False):
        super().__init__()
        self.at = (epoch, batch)
        self.use_signal = use_signal
        self.epoch = 0
        self.ended = False
        self.steps_after = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            if self.use_signal:
                os.kill(os.getpid(), signal.SIGINT)  # deferred to the end of this step
            else:
                raise KeyboardInterrupt
        elif (self.epoch, batch) > self.at:
            self.steps_after += 1

    def on_train_end(self, logs=None):
        self.ended = True


@pytest.mark.parametrize("use_signal", [False, True])
def test_interrupt_keeps_history_and_model_usable(use_signal):
    model = _model()
    callback = _InterruptAt(epoch=2, batch=1, use_signal=use_signal)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=5, verbose=0, callbacks=[callback])
    assert callback.steps_after == 0 and callback.ended
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not model.training
    history = model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    assert history.epoch == [0, 1] and np.isfinite(history.history["loss"]).all()
    assert model.predict(X, verbose=0).shape == (64, 1)


def test_interrupt_in_first_epoch_gives_empty_history():
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=3, verbose=0,
                  callbacks=[_InterruptAt(epoch=0, batch=0)])
    assert model.history.epoch == [] and model.history.history == {}


def test_sigint_during_last_epoch_is_not_swallowed():
    model = _model()

    class Late(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            os.kill(os.getpid(), signal.SIGINT)  # after the last step of the last epoch

    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0, callbacks=[Late()])
    assert model.history.epoch == [0]


@pytest.mark.parametrize("name", ["m.h5", "m.keras", "w.weights.h5"])
def test_interrupted_save_leaves_old_file(tmp_path, monkeypatch, name):
    model = _model()
    model.fit(X, Y, epochs=1, verbose=0)
    path = tmp_path / name
    save = model.save_weights if "weights" in name else model.save
    save(path)
    good = path.read_bytes()
    model.set_weights([w + 1 for w in model.get_weights()])

    real = atomic.atomic_write.__wrapped__

    def interrupted(filepath):
        generator = real(filepath)
        tmp = next(generator)
        yield tmp
        with open(tmp, "ab") as handle:  # half-written data in the temporary file
            handle.write(b"partial")
        generator.throw(KeyboardInterrupt)

    import contextlib
    from torchkeras.saving import hdf5_format, keras_zip
    patched = contextlib.contextmanager(interrupted)
    monkeypatch.setattr(keras_zip, "atomic_write", patched)
    monkeypatch.setattr(hdf5_format, "atomic_write", patched, raising=False)
    with pytest.raises(KeyboardInterrupt):
        save(path)
    assert path.read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == [name]  # no temporary file left behind


class _InterruptValidationAt(keras.callbacks.Callback):
    """Ctrl-C (SIGINT, or a KeyboardInterrupt raised) on validation batch ``batch`` of
    epoch ``epoch``; counts the validation and training batches run after it."""

    def __init__(self, epoch, batch, use_signal):
        super().__init__()
        self.at = (epoch, batch)
        self.use_signal = use_signal
        self.epoch = 0
        self.signalled = False
        self.test_batches_after = 0
        self.train_batches_after = 0
        self.ended = False

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_test_batch_end(self, batch, logs=None):
        if self.signalled:
            self.test_batches_after += 1
        elif (self.epoch, batch) == self.at:
            self.signalled = True
            if self.use_signal:
                os.kill(os.getpid(), signal.SIGINT)  # deferred to the end of this step
            else:
                raise KeyboardInterrupt

    def on_train_batch_end(self, batch, logs=None):
        if self.signalled:
            self.train_batches_after += 1

    def on_train_end(self, logs=None):
        self.ended = True


@pytest.mark.parametrize("use_signal", [False, True])
def test_interrupt_during_validation_stops_within_one_batch(use_signal):
    model = _model()
    big_x = np.repeat(X, 50, axis=0)  # 400 validation batches of 8
    callback = _InterruptValidationAt(epoch=1, batch=2, use_signal=use_signal)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=4, verbose=0, callbacks=[callback],
                  validation_data=(big_x, big_x.sum(axis=1, keepdims=True)))
    assert callback.signalled and callback.ended
    assert callback.test_batches_after <= 1 and callback.train_batches_after == 0
    assert model.history.epoch == [0]  # the interrupted epoch never ended
    assert "val_loss" in model.history.history
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not model.training
    assert model.evaluate(X, Y, verbose=0) >= 0  # the model is usable afterwards


def test_interrupt_from_validation_generator_stops_fit():
    """A data source raising KeyboardInterrupt mid-validation ends fit at once."""
    model = _model()
    served = []

    def validation_batches():
        for index in range(100):
            if index == 3:
                raise KeyboardInterrupt
            served.append(index)
            yield X[:8], Y[:8]

    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=8, epochs=2, verbose=0,
                  validation_data=validation_batches(), validation_steps=50)
    assert served == [0, 1, 2]
    assert model.history.epoch == []
