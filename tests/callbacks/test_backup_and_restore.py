import os

import numpy as np
import pytest

from torchkeras.callbacks import BackupAndRestore, Callback
from torchkeras.callbacks.backup_and_restore import resumed_epoch
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


class _Plant:
    """Unpickling this runs ``open(marker, 'w')`` (what a planted backup would do)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def _fit_with_backup(folder):
    x, y = data()
    model().fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(str(folder))])


def _expect_start_over_error(folder, match):
    with pytest.raises(ValueError, match=match) as info:
        _fit_with_backup(folder)
    message = str(info.value)
    assert str(folder / "training_state.pt") in message
    assert f"delete the directory backup_dir='{folder}'" in message
    return message


@pytest.mark.parametrize("writer", ["torch.save", "pickle"])
def test_planted_backup_runs_no_code(tmp_path, writer):
    import pickle
    import torch
    folder = tmp_path / "bk"
    folder.mkdir()
    marker, control = tmp_path / "marker", tmp_path / "control"
    path = folder / "training_state.pt"
    if writer == "torch.save":
        torch.save({"weights": [_Plant(marker)], "epoch": 0}, path)
        torch.save(_Plant(control), tmp_path / "control.pt")
        torch.load(tmp_path / "control.pt", weights_only=False)
        assert control.exists()  # the planted kind of file really runs code when trusted
    else:
        path.write_bytes(pickle.dumps({"weights": [_Plant(marker)]}, protocol=2))
    message = _expect_start_over_error(folder, "cannot restore the training state")
    assert "weights_only=False" not in message  # torch's advice to trust the file is dropped
    assert not marker.exists()


def test_damaged_or_foreign_backup_is_a_clear_error(tmp_path):
    import torch
    folder = tmp_path / "bk"
    x, y = data()
    model().fit(x, y, epochs=1, verbose=0,
                callbacks=[BackupAndRestore(str(folder), delete_checkpoint=False)])
    path = folder / "training_state.pt"
    good = path.read_bytes()
    path.write_bytes(good[:len(good) // 2])
    _expect_start_over_error(folder, "RuntimeError")
    path.write_bytes(b"not a backup" * 10)
    _expect_start_over_error(folder, "cannot restore the training state")
    torch.save({"conv.weight": torch.zeros(2)}, path)
    _expect_start_over_error(folder, "does not hold a training state")
    torch.save({"weights": [torch.zeros(7)], "optimizer": None, "epoch": 0,
                "epoch_completed": True}, path)
    _expect_start_over_error(folder, "does not match this model")


def test_backup_loads_with_weights_only_and_resumes_adam_exactly(tmp_path):
    import torch
    import torchkeras as keras
    x, y = data()
    reference = model(optimizer=keras.optimizers.Adam(0.01))
    start = reference.get_weights()
    full = reference.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)

    m = model(optimizer=keras.optimizers.Adam(0.01))
    m.set_weights(start)
    with pytest.raises(RuntimeError):
        m.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
              callbacks=[BackupAndRestore(str(tmp_path / "bk")), _Interrupt(2)])
    state = torch.load(tmp_path / "bk" / "training_state.pt", weights_only=True)
    assert state["epoch"] == 1 and state["epoch_completed"] is True
    assert all(isinstance(w, torch.Tensor) for w in state["weights"])
    assert state["optimizer"]["keras"]["iterations"] == 8  # Adam's moments and step count

    resumed = model(optimizer=keras.optimizers.Adam(0.01))
    h = resumed.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                    callbacks=[BackupAndRestore(str(tmp_path / "bk"))])
    assert h.epoch == [2]
    np.testing.assert_allclose(h.history["loss"], full.history["loss"][2:], rtol=1e-6)
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_resumed_epoch_is_read_from_the_callback_once(tmp_path):
    x, y = data()
    m = model(lr=0.1)
    backup = BackupAndRestore(str(tmp_path / "bk"), delete_checkpoint=False)
    m.fit(x, y, epochs=2, shuffle=False, verbose=0, callbacks=[backup])
    again = BackupAndRestore(str(tmp_path / "bk"))
    again.set_model(m)
    again.on_train_begin()
    assert resumed_epoch([Callback(), again]) == 2  # the epoch after the last completed
    assert resumed_epoch([again]) is None  # consumed: only that fit resumes
    assert not hasattr(m, "_initial_epoch_override")  # the model carries no resume state
