import os

import pytest

import torchkeras
from torchkeras.callbacks import CallbackList, ModelCheckpoint
from _helpers import data, model


def _recording(m, attr):
    calls = []
    setattr(m, attr, lambda path, **kw: calls.append(os.path.basename(path)))
    return calls


def test_epoch_templates_and_save_best_only(tmp_path):
    x, y = data()
    m = model(lr=0.5)
    calls = _recording(m, "save_weights")
    cb = ModelCheckpoint(str(tmp_path / "w-{epoch:02d}-{loss:.2f}.h5"), monitor="loss",
                         save_weights_only=True, save_best_only=True)
    h = m.fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    expected = [f"w-{e + 1:02d}-{loss:.2f}.h5" for e, loss in enumerate(h.history["loss"])]
    best, kept = float("inf"), []
    for name, loss in zip(expected, h.history["loss"]):
        if loss < best:
            best, kept = loss, kept + [name]
    assert calls == kept


def test_batch_frequency_and_full_model_save(tmp_path):
    x, y = data()
    m = model()
    calls = _recording(m, "save")
    cb = ModelCheckpoint(str(tmp_path / "m-{epoch}-{batch}.keras"), save_freq=3)
    assert CallbackList([cb]).needs_batch_logs()
    m.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[cb])  # 2 batches per epoch
    assert calls == ["m-2-1.keras"]
    assert not CallbackList([ModelCheckpoint("x.h5")]).needs_batch_logs()


def test_threshold_mode_and_errors(tmp_path):
    cb = ModelCheckpoint("a.h5", monitor="val_accuracy", save_best_only=True,
                         initial_value_threshold=0.9)
    assert cb.best == 0.9 and cb.monitor_op.__name__ == "greater"
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("a.h5", save_freq="batch")
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        ModelCheckpoint("{nope}.h5")._get_file_path(0, None, {})


@pytest.mark.skipif(not hasattr(torchkeras, "saving") or
                    not hasattr(torchkeras.saving, "save_weights"),
                    reason="torchkeras.saving.save_weights not available yet")
def test_real_weight_files(tmp_path):
    x, y = data()
    m = model()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[
        ModelCheckpoint(str(tmp_path / "w{epoch}.weights.h5"), save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["w1.weights.h5", "w2.weights.h5"]
    fresh = model()
    fresh.load_weights(str(tmp_path / "w2.weights.h5"))
    for a, b in zip(fresh.get_weights(), m.get_weights()):
        assert (a == b).all()
