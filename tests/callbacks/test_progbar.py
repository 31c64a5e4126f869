import re

import numpy as np

import torchkeras as keras
from torchkeras.callbacks.progbar import format_logs, format_value


def _fit(verbose, capsys, **kwargs):
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.RandomState(0).rand(40, 3).astype("float32")
    y = (x[:, 0] > 0.5).astype("float32")
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=verbose, **kwargs)
    return history, capsys.readouterr().out


def test_value_format_follows_keras():
    assert format_value(0.123456) == "0.1235"
    assert format_value(0.0001234) == "1.2340e-04"
    assert format_logs({"loss": 0.5, "acc": 1.0}) == " - loss: 0.5000 - acc: 1.0000"


def test_verbose_1_prints_epochs_steps_and_metrics(capsys):
    history, out = _fit(1, capsys, validation_split=0.2)
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    lines = [l for l in out.splitlines() if l.startswith("2/2")]
    assert len(lines) == 2
    final = history.history
    expected = (f" - loss: {final['loss'][-1]:.4f} - accuracy: {final['accuracy'][-1]:.4f}"
                f" - val_loss: {final['val_loss'][-1]:.4f}")
    assert expected in lines[-1]
    assert re.search(r"\[=+\] - \d+s \d+(ms|us|s)/step", lines[-1])


def test_verbose_2_prints_one_line_per_epoch(capsys):
    _, out = _fit(2, capsys)
    assert out.count("Epoch ") == 2
    assert len(re.findall(r"^3/3 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - "
                          r"\d+(s|ms|us)/epoch - \d+(s|ms|us)/step$", out, flags=re.M)) == 2


_TIMES = r" - \d+(s|ms|us)/epoch - \d+(s|ms|us)/step"


def test_verbose_2_evaluate_and_predict_print_one_line(capsys):
    # tf-keras 2.21, stdout to a file: '4/4 - 0s - loss: 0.7763 - accuracy: 0.2600 -
    # 51ms/epoch - 13ms/step' and '4/4 - 0s - 122ms/epoch - 30ms/step'.
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.RandomState(0).rand(100, 3).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")
    loss, accuracy = model.evaluate(x, y, verbose=2)
    model.predict(x, verbose=2)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert re.fullmatch(rf"4/4 - \d+s - loss: {loss:.4f} - accuracy: {accuracy:.4f}{_TIMES}",
                        out[0]), out[0]
    assert re.fullmatch(rf"4/4 - \d+s{_TIMES}", out[1]), out[1]


def test_verbose_2_prints_negative_values_in_e_format(capsys):
    # tf-keras's verbose=2 line tests `avg > 1e-3` (no abs): a cosine loss of -1 prints
    # as -1.0000e+00 there and as -1.0000 in the verbose=1 bar.
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="cosine_similarity")
    x = np.random.RandomState(0).rand(8, 3).astype("float32")
    target = model.predict(x, verbose=0)
    model.evaluate(x, target, verbose=2)
    model.evaluate(x, target, verbose=1)
    out = capsys.readouterr().out.splitlines()
    assert " - loss: -1.0000e+00 - " in out[0] and out[1].endswith(" - loss: -1.0000")


def test_a_single_epoch_prints_no_epoch_line(capsys):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    for verbose in (1, 2):
        model.fit(np.zeros((4, 3)), np.zeros(4), epochs=1, verbose=verbose)
    assert "Epoch" not in capsys.readouterr().out


def test_verbose_0_prints_nothing(capsys):
    _, out = _fit(0, capsys)
    assert out == ""


def test_evaluate_and_predict_bars(capsys):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    model.evaluate(np.zeros((10, 3)), np.zeros(10), batch_size=4)
    model.predict(np.zeros((10, 3)), batch_size=4)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3/3 [==============================]") and "loss: 0.0000e+00" in out[0]
    assert out[1].startswith("3/3 [==============================]")


def test_history_attached_to_model():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.zeros((4, 3)), np.zeros(4), epochs=2, verbose=0)
    assert model.history is history
    assert isinstance(history.history["loss"][0], float)
