import importlib.util

import pytest

from torchkeras.callbacks import TensorBoard
from torchkeras.callbacks import tensorboard as tensorboard_module
from _helpers import data, model

HAS_TB = importlib.util.find_spec("tensorboard") is not None


@pytest.mark.skipif(HAS_TB, reason="tensorboard is installed")
def test_clear_import_error_without_tensorboard():
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoard(log_dir="logs")


class RecordingWriter:
    """Stands in for torch.utils.tensorboard.SummaryWriter (same methods)."""
    instances = []

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.scalars, self.histograms = [], []
        RecordingWriter.instances.append(self)

    def add_scalar(self, tag, value, step):
        self.scalars.append((tag, round(value, 6), step))

    def add_histogram(self, tag, values, step):
        self.histograms.append((tag, values.shape, step))

    def flush(self):
        pass

    def close(self):
        pass


def test_writes_train_and_validation_scalars_and_histograms(tmp_path, monkeypatch):
    RecordingWriter.instances = []
    monkeypatch.setattr(tensorboard_module, "_summary_writer_class", lambda: RecordingWriter)
    x, y = data()
    history = model().fit(x, y, epochs=2, verbose=0, validation_split=0.25,
                          callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    writers = {w.log_dir: w for w in RecordingWriter.instances}
    train, val = writers[str(tmp_path / "train")], writers[str(tmp_path / "validation")]
    assert ("epoch_loss", round(history.history["loss"][1], 6), 1) in train.scalars
    assert ("epoch_loss", round(history.history["val_loss"][0], 6), 0) in val.scalars
    assert {tag for tag, _, _ in train.histograms} >= {"dense/kernel_0", "dense/bias_0"}


@pytest.mark.skipif(not HAS_TB, reason="needs the tensorboard package (optional)")
def test_writes_real_event_files(tmp_path):
    x, y = data()
    model().fit(x, y, epochs=2, verbose=0, validation_split=0.25,
                callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    assert (tmp_path / "train").is_dir() and (tmp_path / "validation").is_dir()
