import numpy as np

from torchkeras.callbacks import TerminateOnNaN
from _helpers import data, model


def test_stops_at_the_first_nan_batch(capsys):
    x, y = data()
    x[5] = np.nan
    m = model()
    h = m.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0,
              callbacks=[TerminateOnNaN()])
    assert len(h.epoch) == 1 and m.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_finite_losses_do_not_stop():
    x, y = data()
    h = model().fit(x, y, epochs=2, verbose=0, callbacks=[TerminateOnNaN()])
    assert len(h.epoch) == 2
