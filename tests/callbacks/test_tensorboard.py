import glob
import importlib.util
import json
import os
import warnings

import numpy as np
import pytest

import torchkeras as keras

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
        self.scalars, self.histograms, self.graphs = [], [], []
        RecordingWriter.instances.append(self)

    def add_graph(self, model, inputs):
        self.graphs.append((model, inputs))

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
    # tf-keras's tags: <layer>/<weight>_0/histogram
    assert {tag for tag, _, _ in train.histograms} >= {"dense/kernel_0/histogram",
                                                       "dense/bias_0/histogram"}


def _recording(monkeypatch):
    RecordingWriter.instances = []
    monkeypatch.setattr(tensorboard_module, "_summary_writer_class", lambda: RecordingWriter)


def _writers(tmp_path):
    return {os.path.basename(w.log_dir): w for w in RecordingWriter.instances}


def test_evaluation_scalars_vs_iterations(tmp_path, monkeypatch):
    _recording(monkeypatch)
    x, y = data()
    net = model()
    net.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_split=0.25,
            callbacks=[TensorBoard(log_dir=str(tmp_path))])
    val = _writers(tmp_path)["validation"]
    # 24 training samples, batch 8: 3 steps per epoch; validation after each epoch
    assert [(t, s) for t, _, s in val.scalars if t == "evaluation_loss_vs_iterations"] == \
        [("evaluation_loss_vs_iterations", 3), ("evaluation_loss_vs_iterations", 6)]
    assert any(t == "evaluation_accuracy_vs_iterations" for t, _, _ in val.scalars)
    _recording(monkeypatch)
    result = net.evaluate(x, y, verbose=0, return_dict=True,
                          callbacks=[TensorBoard(log_dir=str(tmp_path))])
    assert ("evaluation_loss_vs_iterations", round(result["loss"], 6), 6) in \
        _writers(tmp_path)["validation"].scalars


def test_write_graph_traces_the_model_once(tmp_path, monkeypatch):
    _recording(monkeypatch)
    x, y = data()
    net = model()
    net.fit(x, y, epochs=2, verbose=0, callbacks=[TensorBoard(log_dir=str(tmp_path))])
    ((traced, inputs),) = _writers(tmp_path)["train"].graphs
    assert traced is net and tuple(inputs[0].shape) == (1, 3)
    _recording(monkeypatch)
    net.fit(x, y, verbose=0, callbacks=[TensorBoard(log_dir=str(tmp_path), write_graph=False)])
    assert not _writers(tmp_path)["train"].graphs


def test_profile_batch_writes_a_torch_profiler_trace(tmp_path, monkeypatch):
    _recording(monkeypatch)
    x, y = data()
    callback = TensorBoard(log_dir=str(tmp_path), profile_batch=(2, 3))
    model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[callback])
    traces = glob.glob(os.path.join(str(tmp_path), "plugins", "profile", "*.pt.trace.json"))
    assert len(traces) == 1
    with open(traces[0]) as handle:
        assert json.load(handle)["traceEvents"]


def test_profile_batch_values_as_tf_keras():
    assert tensorboard_module.parse_profile_batch(0) == (0, 0)
    assert tensorboard_module.parse_profile_batch(5) == (5, 5)
    assert tensorboard_module.parse_profile_batch("10,20") == (10, 20)
    assert tensorboard_module.parse_profile_batch([2, 4]) == (2, 4)
    for bad in (-1, (5, 2), "a,b", 1.5):
        with pytest.raises(ValueError, match="profile_batch must be a non-negative integer"):
            tensorboard_module.parse_profile_batch(bad)


def test_unsupported_arguments_warn_naming_them(tmp_path, monkeypatch):
    _recording(monkeypatch)
    with pytest.warns(UserWarning, match="write_images"):
        TensorBoard(log_dir=str(tmp_path), write_images=True)
    with pytest.warns(UserWarning, match="embeddings_freq"):
        TensorBoard(log_dir=str(tmp_path), embeddings_freq=1)
    with pytest.warns(UserWarning, match="`batch_size` is no longer needed"):
        TensorBoard(log_dir=str(tmp_path), batch_size=32)
    with pytest.raises(ValueError, match="Unrecognized arguments in `TensorBoard` Callback"):
        TensorBoard(log_dir=str(tmp_path), histogram_frequency=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TensorBoard(log_dir=str(tmp_path))  # the defaults warn about nothing


def test_learning_rate_schedule_is_logged(tmp_path, monkeypatch):
    _recording(monkeypatch)
    x, y = data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    net = model(optimizer=keras.optimizers.SGD(learning_rate=schedule))
    net.fit(x, y, epochs=1, batch_size=16, verbose=0,
            callbacks=[TensorBoard(log_dir=str(tmp_path))])
    assert ("epoch_learning_rate", 0.025, 0) in _writers(tmp_path)["train"].scalars


@pytest.mark.skipif(not HAS_TB, reason="needs the tensorboard package (optional)")
def test_writes_real_event_files(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    x, y = data()
    history = model().fit(x, y, epochs=2, verbose=0, validation_split=0.25,
                          callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    train = EventAccumulator(str(tmp_path / "train"))
    train.Reload()
    validation = EventAccumulator(str(tmp_path / "validation"))
    validation.Reload()
    assert {"epoch_loss", "epoch_accuracy"} <= set(train.Tags()["scalars"])
    assert {"dense/kernel_0/histogram", "dense/bias_0/histogram",
            "dense_1/kernel_0/histogram"} <= set(train.Tags()["histograms"])
    assert train.Tags()["graph"]  # the Graphs tab
    assert {"epoch_loss", "evaluation_loss_vs_iterations",
            "evaluation_accuracy_vs_iterations"} <= set(validation.Tags()["scalars"])
    assert [e.step for e in validation.Scalars("epoch_loss")] == [0, 1]
    np.testing.assert_allclose([e.value for e in train.Scalars("epoch_loss")],
                               history.history["loss"], rtol=1e-6)
