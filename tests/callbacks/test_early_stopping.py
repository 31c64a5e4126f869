import numpy as np
import pytest

from torchkeras.callbacks import EarlyStopping
from _helpers import data, model


class _Fake:
    stop_training = False

    def __init__(self):
        self.weights = [np.zeros(1)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = weights


def _drive(callback, values, key="val_loss"):
    fake = _Fake()
    callback.set_model(fake)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        fake.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {key: value})
        if fake.stop_training:
            break
    callback.on_train_end()
    return fake, epoch


def test_stops_after_patience_and_restores_best():
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    fake, last = _drive(stop, [1.0, 0.5, 0.6, 0.7, 0.4])
    assert last == 3 and stop.stopped_epoch == 3 and stop.best_epoch == 1
    assert fake.weights[0][0] == 1.0


def test_mode_auto_maximises_accuracy_and_min_delta():
    stop = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    _, last = _drive(stop, [0.5, 0.52, 0.9], key="val_accuracy")
    assert last == 1  # +0.02 is not an improvement of more than 0.05


def test_baseline_and_start_from_epoch():
    stop = EarlyStopping(monitor="loss", patience=1, baseline=0.1)
    _, last = _drive(stop, [0.5, 0.4, 0.45, 0.3], key="loss")
    assert last == 2  # improvements never beat the baseline, so the wait is never reset
    late = EarlyStopping(monitor="loss", patience=0, start_from_epoch=2)
    _, last = _drive(late, [0.5, 0.6, 0.7, 0.8], key="loss")
    assert last == 3


def test_in_fit_and_missing_monitor_warns(caplog):
    x, y = data()
    m = model(lr=0.0)  # no progress: stops after patience + 1 epochs
    h = m.fit(x, y, epochs=10, shuffle=False, verbose=0,
              callbacks=[EarlyStopping(monitor="loss", patience=2)])
    assert len(h.epoch) == 3 and m.stop_training
    m.fit(x, y, epochs=1, verbose=0, callbacks=[EarlyStopping(monitor="val_nope")])
    assert "val_nope" in caplog.text
