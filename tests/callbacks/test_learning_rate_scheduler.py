import numpy as np
import pytest
import torch

from torchkeras.callbacks import LearningRateScheduler
from _helpers import data, model


def test_two_and_one_argument_schedules():
    x, y = data()
    m = model(lr=0.1)
    h = m.fit(x, y, epochs=3, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch, lr: lr * 0.5)])
    np.testing.assert_allclose(h.history["lr"], [0.05, 0.025, 0.0125])
    h = m.fit(x, y, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))])
    np.testing.assert_allclose(h.history["lr"], [0.01, 0.02])
    assert m.optimizer.param_groups[0]["lr"] == pytest.approx(0.02)


def test_works_on_a_plain_torch_optimizer_and_rejects_non_floats():
    x, y = data()
    m = model(lr=0.1)
    sched = LearningRateScheduler(lambda epoch: "fast")
    with pytest.raises(ValueError, match='The output of the "schedule" function should be float'):
        m.fit(x, y, epochs=1, verbose=0, callbacks=[sched])
