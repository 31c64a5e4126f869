"""In a notebook the verbose=1 line is plain text redrawn with ``\\r`` (as tf-keras's Progbar
under ipykernel), not a widget: the saved notebook keeps each epoch's full line."""
import importlib.util
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
if importlib.util.find_spec("ipykernel") is None:  # not imported here: it is the kernel's
    pytest.skip("ipykernel is not installed", allow_module_level=True)

ROOT = str(Path(__file__).resolve().parents[2])

SETUP = f"""
import sys
sys.path.insert(0, {ROOT!r})
import numpy as np
import torchkeras as keras
keras.callbacks.ProgbarLogger.refresh_interval = 0.0  # draw every step
"""

FIT = """
rs = np.random.RandomState(0)
x = rs.rand(200, 3).astype("float32")
y = (x[:, :1] > 0.5).astype("float32")
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=2, batch_size=16, validation_split=0.2)
from torchkeras.callbacks.progbar import format_logs
print("LOGS" + format_logs({k: v[-1] for k, v in history.history.items()}))
"""


def test_saved_notebook_keeps_each_epochs_full_line(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(FIT)]
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    path = tmp_path / "run.ipynb"
    nbformat.write(notebook, str(path))
    outputs = nbformat.read(str(path), as_version=4).cells[1].outputs
    assert all(output.output_type == "stream" for output in outputs)  # no widget
    text = "".join(output.text for output in outputs if output.name == "stdout")
    assert "\r" in text and "ETA:" in text  # redrawn in place while running
    lines = [line.split("\r")[-1].rstrip() for line in text.split("\n")]
    logs = next(line for line in lines if line.startswith("LOGS - "))[len("LOGS"):]
    finals = [line for line in lines if re.match(r"10/10 \[={30}\] - \d+s \d+(ms|us|s)/step",
                                                 line)]
    assert len(finals) == 2
    assert finals[-1].endswith(logs)
    assert "val_accuracy" in finals[-1]
    assert [line for line in lines if line.startswith("Epoch ")] == ["Epoch 1/2", "Epoch 2/2"]
