import importlib.util

import pytest

from torchkeras.callbacks import TensorBoard
from _helpers import data, model

HAS_TB = importlib.util.find_spec("tensorboard") is not None


@pytest.mark.skipif(HAS_TB, reason="tensorboard is installed")
def test_clear_import_error_without_tensorboard():
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoard(log_dir="logs")


@pytest.mark.skipif(not HAS_TB, reason="needs the tensorboard package")
def test_writes_train_and_validation_events(tmp_path):
    x, y = data()
    model().fit(x, y, epochs=2, verbose=0, validation_split=0.25,
                callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    assert (tmp_path / "train").is_dir() and (tmp_path / "validation").is_dir()
