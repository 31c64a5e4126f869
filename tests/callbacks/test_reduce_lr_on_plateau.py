import numpy as np
import pytest

from torchkeras.callbacks import ReduceLROnPlateau
from _helpers import data, model


def test_reduces_to_min_lr_and_logs_lr():
    x, y = data()
    m = model(lr=0.0)
    # min_delta=10: after the first epoch nothing counts as an improvement
    cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10, min_lr=0.25)
    m.compile(m.optimizer, "binary_crossentropy")
    m.optimizer.learning_rate = 0.8
    h = m.fit(x, y, epochs=6, verbose=0, callbacks=[cb])
    assert list(h.history) == ["loss", "lr"]
    assert h.history["lr"] == [np.float32(v) for v in (0.8, 0.8, 0.4, 0.25, 0.25, 0.25)]
    assert isinstance(h.history["lr"][0], np.float32)


def test_min_lr_floor_and_errors():
    cb = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0, min_lr=0.05)

    class Opt:
        lr = 0.1
        learning_rate = 0.1

    class M:
        optimizer = Opt()
    cb.set_model(M())
    cb.on_train_begin()
    for epoch in range(3):
        cb.on_epoch_end(epoch, {"loss": 1.0})
    assert M.optimizer.learning_rate == pytest.approx(0.05)
    with pytest.raises(ValueError, match="does not support a factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)
