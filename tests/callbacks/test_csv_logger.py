import numpy as np

from torchkeras.callbacks import CSVLogger
from _helpers import data, model


def test_header_rows_and_append(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    model().fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(str(path))])
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1"]
    assert lines[1].endswith(",NA,NA")
    model().fit(x, y, epochs=1, verbose=0, validation_split=0.25,
                callbacks=[CSVLogger(str(path), separator=";", append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[3].startswith("0;") and "NA" not in lines[3]


def test_values_are_the_history_floats(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    h = model().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(str(path))])
    row = path.read_text().splitlines()[1].split(",")
    assert row[2] == repr(h.history["loss"][0])
