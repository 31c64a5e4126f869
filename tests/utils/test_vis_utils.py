"""plot_model/model_to_dot with a stand-in pydot; the message when pydot is missing."""
import sys
import types

import pytest

import torchkeras as keras
from torchkeras.utils import vis_utils


class _FakeDot:
    def __init__(self):
        self.nodes, self.edges, self.written = [], [], None

    def set(self, *args):
        pass

    def set_node_defaults(self, **kwargs):
        pass

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def create(self):
        return b""

    def write(self, path, format="png"):
        self.written = (path, format)


@pytest.fixture
def fake_pydot(monkeypatch):
    module = types.SimpleNamespace(
        Dot=_FakeDot, Node=lambda name, label: (name, label), Edge=lambda a, b: (a, b))
    monkeypatch.setitem(sys.modules, "pydot", module)
    return module


def _functional():
    inputs = keras.Input((3,), name="x")
    a = keras.layers.Dense(2, name="a")(inputs)
    b = keras.layers.Dense(2, name="b")(inputs)
    out = keras.layers.Concatenate(name="c")([a, b])
    return keras.Model(inputs, out)


def test_model_to_dot_nodes_and_edges(fake_pydot):
    dot = vis_utils.model_to_dot(_functional(), show_shapes=True)
    labels = [label for _, label in dot.nodes]
    assert any(label.startswith("a: Dense") for label in labels)
    assert any("output: (None, 4)" in label for label in labels)
    names = {node_id: label.split(":")[0] for node_id, label in dot.nodes}
    edges = {(names[a], names[b]) for a, b in dot.edges}
    assert edges == {("x", "a"), ("x", "b"), ("a", "c"), ("b", "c")}


def test_plot_model_writes_file(fake_pydot, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", None)  # outside a notebook: nothing to show
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1)])
    assert vis_utils.plot_model(model, to_file=str(tmp_path / "m.svg")) is None


def test_plot_model_shows_svg_in_ipython(fake_pydot, tmp_path):
    display = pytest.importorskip("IPython.display")
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1)])
    (tmp_path / "m.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')  # what dot writes
    shown = vis_utils.plot_model(model, to_file=str(tmp_path / "m.svg"))
    assert isinstance(shown, display.SVG)


def test_plot_model_without_pydot(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    monkeypatch.setitem(sys.modules, "pydot_ng", None)
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    with pytest.raises(ImportError, match="You must install pydot"):
        keras.utils.plot_model(model)
