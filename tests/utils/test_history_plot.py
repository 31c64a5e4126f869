"""plot_history: curves through matplotlib (a stand-in here), a clear error without it."""
import sys
import types

import pytest

from torchkeras.utils import plot_history


class _Axis:
    def __init__(self, calls):
        self.calls = calls

    def plot(self, x, y, label):
        self.calls.append((label, list(y)))

    def set_xlabel(self, *a):
        pass

    def set_title(self, *a):
        pass

    def legend(self):
        pass


def test_plot_history_draws_each_quantity(monkeypatch, tmp_path):
    calls, saved = [], []

    class Figure:
        def tight_layout(self):
            pass

        def suptitle(self, text):
            pass

        def savefig(self, path, dpi):
            saved.append(path)

    def subplots(rows, cols, figsize, squeeze):
        return Figure(), [[_Axis(calls) for _ in range(cols)]]

    pyplot = types.SimpleNamespace(subplots=subplots, close=lambda fig: None)
    matplotlib = types.SimpleNamespace(use=lambda *a, **k: None, pyplot=pyplot)
    monkeypatch.setitem(sys.modules, "matplotlib", matplotlib)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)
    history = {"loss": [1.0, 0.5], "acc": [0.5, 0.9], "val_loss": [1.1, 0.7]}
    path = plot_history(history, str(tmp_path / "h.png"))
    assert saved == [path]
    assert calls == [("loss", [1.0, 0.5]), ("val_loss", [1.1, 0.7]), ("acc", [0.5, 0.9])]
    with pytest.raises(ValueError, match="Unknown history keys"):
        plot_history(history, metrics=["nope"])


def test_plot_history_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_history({"loss": [1.0]})
