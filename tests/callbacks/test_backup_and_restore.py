import os

import numpy as np
import pytest

from torchkeras.callbacks import BackupAndRestore, Callback
from _helpers import data, model


class _Interrupt(Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("interrupted")


def test_resumes_at_the_next_epoch_with_the_same_numbers(tmp_path):
    x, y = data()
    reference = model(optimizer=None, lr=0.1)
    start = reference.get_weights()
    full = reference.fit(x, y, epochs=4, shuffle=False, verbose=0)

    m = model(lr=0.1)
    m.set_weights(start)
    backup = BackupAndRestore(str(tmp_path / "bk"))
    with pytest.raises(RuntimeError):
        m.fit(x, y, epochs=4, shuffle=False, verbose=0, callbacks=[backup, _Interrupt(2)])
    assert os.path.exists(tmp_path / "bk" / "training_state.pt")

    resumed = model(lr=0.1)  # a new process: fresh model and optimizer
    h = resumed.fit(x, y, epochs=4, shuffle=False, verbose=0,
                    callbacks=[BackupAndRestore(str(tmp_path / "bk"))])
    assert h.epoch == [2, 3]
    np.testing.assert_allclose(h.history["loss"], full.history["loss"][2:], rtol=1e-6)
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert not os.path.exists(tmp_path / "bk" / "training_state.pt")  # deleted at the end


def test_keep_checkpoint_and_errors(tmp_path):
    x, y = data()
    model().fit(x, y, epochs=1, verbose=0,
                callbacks=[BackupAndRestore(str(tmp_path), delete_checkpoint=False)])
    assert os.path.exists(tmp_path / "training_state.pt")
    with pytest.raises(ValueError, match="Either `save_freq` or `save_before_preemption`"):
        BackupAndRestore(str(tmp_path), save_freq=False)
