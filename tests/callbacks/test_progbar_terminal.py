"""The verbose=1 line in a terminal, as tf-keras's Progbar draws it: redrawn in place with
``\\r``, ``[=====>....]`` (width 30) and ``ETA:`` while running, and a final line per epoch
that keeps every metric however narrow the terminal is."""
import io
import re
import sys

import numpy as np

import torchkeras as keras
from torchkeras.callbacks.progbar import ProgbarLogger, bar_text, eta_text, format_logs


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def use_tty80(monkeypatch):
    """stdout as an 80-column terminal (patched in the test body: pytest's capture
    re-installs its own stdout between a fixture's setup and the test)."""
    stream = FakeTTY()
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(ProgbarLogger, "refresh_interval", 0.0)  # draw every step
    return stream


def _screen_lines(text):
    """What stays on screen: each line's last ``\\r`` segment."""
    return [line.split("\r")[-1].rstrip() for line in text.split("\n")]


def _fit(epochs=2):
    keras.utils.set_random_seed(0)
    rs = np.random.RandomState(0)
    x = rs.rand(200, 3).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.Precision(), keras.metrics.Recall()])
    return model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, verbose=1)


def test_keras_bar_and_eta_formats():
    assert bar_text(7, 32) == " 7/32 [=====>........................]"
    assert bar_text(1, 40) == " 1/40 [..............................]"
    assert bar_text(32, 32) == "32/32 [==============================]"
    assert bar_text(12, None) == "     12/Unknown"
    assert [eta_text(s) for s in (3.7, 125, 3723)] == ["3s", "2:05", "1:02:03"]


def test_final_epoch_line_keeps_every_metric_on_an_80_column_terminal(monkeypatch):
    tty80 = use_tty80(monkeypatch)
    history = _fit()
    finals = [line for line in _screen_lines(tty80.getvalue()) if line.startswith("10/10 [")
              and "/step" in line]
    assert len(finals) == 2
    logs = {key: values[-1] for key, values in history.history.items()}
    assert finals[-1].endswith(format_logs(logs)), finals[-1]
    assert "val_recall" in finals[-1] and len(finals[-1]) > 80  # not cut to the width
    assert re.match(r"10/10 \[={30}\] - \d+s \d+(ms|us|s)/step - loss: ", finals[-1])


def test_running_lines_show_eta_and_keras_glyphs_within_the_width(monkeypatch):
    tty80 = use_tty80(monkeypatch)
    _fit(epochs=1)
    text = tty80.getvalue()
    running = [segment for segment in re.split(r"[\r\n]", text) if "ETA:" in segment]
    assert len(running) >= 9  # one per step (refresh_interval 0)
    assert any(re.match(r" 2/10 \[=====>\.{24}\] - ETA: \d+s - loss: \d\.\d{4}", line)
               for line in running), running
    assert all(len(line) <= 79 for line in running)  # redraws in place, no wrapped rows
    assert text.count("\n") == 1  # one finished line for the epoch, the rest redrawn


def test_metrics_are_read_only_when_the_line_refreshes(monkeypatch):
    tty80 = use_tty80(monkeypatch)
    monkeypatch.setattr(ProgbarLogger, "refresh_interval", 1e9)
    reads = []
    bar = ProgbarLogger()
    bar.set_params({"verbose": 1, "epochs": 1, "steps": 100})
    bar.read_logs = lambda: reads.append(1) or {"loss": 0.5}
    bar.on_epoch_begin(0)
    for step in range(100):
        bar.on_train_batch_end(step)
    bar.on_epoch_end(0, {"loss": 0.25})
    assert len(reads) == 1  # the first step draws; then the throttle holds
    assert _screen_lines(tty80.getvalue())[0].startswith("100/100 [")
    assert _screen_lines(tty80.getvalue())[0].endswith(" - loss: 0.2500")


def test_predict_line_shows_no_metrics(monkeypatch):
    tty80 = use_tty80(monkeypatch)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    model.evaluate(np.zeros((8, 3)), np.zeros(8), batch_size=4)
    tty80.truncate(0)
    tty80.seek(0)
    model.predict(np.zeros((8, 3)), batch_size=4)
    assert "loss" not in tty80.getvalue()
    assert re.fullmatch(r"2/2 \[={30}\] - \d+s \d+(ms|us|s)/step",
                        _screen_lines(tty80.getvalue())[0])


def test_an_imported_ipykernel_outside_a_kernel_keeps_piped_output_plain(monkeypatch, capsys):
    # A process that merely imports ipykernel (a test runner, a library) is not a notebook:
    # its piped stdout gets final lines only, no \r redraws.
    monkeypatch.setitem(sys.modules, "ipykernel", type(sys)("ipykernel"))
    monkeypatch.setattr(ProgbarLogger, "refresh_interval", 0.0)
    _fit(epochs=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "ETA:" not in out
    assert re.fullmatch(r"10/10 \[={30}\] - \d+s \d+(ms|us|s)/step - loss: .* - val_recall: "
                        r"\S+\n", out)
