"""plot_model/model_to_dot with a stand-in pydot; the message when pydot is missing."""
import sys
import types

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.utils import vis_utils


class _FakeDot:
    def __init__(self, **attributes):
        self.attributes = dict(attributes)
        self.nodes, self.edges, self.subgraphs, self.written = [], [], [], None

    def set(self, key, value):
        self.attributes[key] = value

    def set_node_defaults(self, **kwargs):
        pass

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def add_subgraph(self, graph):
        self.subgraphs.append(graph)

    def create(self):
        return b""

    def write(self, path, format="png"):
        self.written = (path, format)


@pytest.fixture
def fake_pydot(monkeypatch):
    module = types.SimpleNamespace(
        Dot=_FakeDot, Cluster=_FakeDot, Node=lambda name, label: (name, label),
        Edge=lambda a, b: (a, b))
    monkeypatch.setitem(sys.modules, "pydot", module)
    return module


def _labels(dot):
    """node id -> label, over the graph and its clusters."""
    labels = dict(dot.nodes)
    for cluster in dot.subgraphs:
        labels.update(_labels(cluster))
    return labels


def _named_edges(dot):
    """Edges as (first label field, first label field) pairs, over the graph and clusters."""
    labels = {node_id: label.lstrip("{").split("|")[0] for node_id, label in
              _labels(dot).items()}
    edges = [(labels[a], labels[b]) for a, b in dot.edges]
    for cluster in dot.subgraphs:
        edges += _named_edges_in(cluster, labels)
    return edges


def _named_edges_in(cluster, labels):
    edges = [(labels[a], labels[b]) for a, b in cluster.edges]
    for inner in cluster.subgraphs:
        edges += _named_edges_in(inner, labels)
    return edges


def _functional():
    inputs = keras.Input((3,), name="x")
    a = keras.layers.Dense(2, name="a")(inputs)
    b = keras.layers.Dense(2, name="b")(inputs)
    out = keras.layers.Concatenate(name="c")([a, b])
    return keras.Model(inputs, out)


def test_model_to_dot_nodes_and_edges(fake_pydot):
    dot = vis_utils.model_to_dot(_functional(), show_shapes=True)
    labels = [label for _, label in dot.nodes]
    assert labels == [  # tf-keras's record labels: name|class, then input/output columns
        "{x|InputLayer}|{input:|output:}|{{[(None, 3)]}|{[(None, 3)]}}",
        "{a|Dense}|{input:|output:}|{{(None, 3)}|{(None, 2)}}",
        "{b|Dense}|{input:|output:}|{{(None, 3)}|{(None, 2)}}",
        "{c|Concatenate}|{input:|output:}|{{[(None, 2), (None, 2)]}|{(None, 4)}}"]
    assert set(_named_edges(dot)) == {("x", "a"), ("x", "b"), ("a", "c"), ("b", "c")}
    assert len(dot.edges) == 4
    assert dot.attributes["rankdir"] == "TB" and dot.attributes["dpi"] == 96


def test_sequential_gets_its_input_layer_node(fake_pydot):
    model = keras.Sequential([keras.Input((3,), name="inp"), keras.layers.Dense(2, name="d1"),
                              keras.layers.Dense(1, name="d2")])
    dot = vis_utils.model_to_dot(model, rankdir="LR")
    assert [label for _, label in dot.nodes] == ["inp|InputLayer", "d1|Dense", "d2|Dense"]
    assert _named_edges(dot) == [("inp", "d1"), ("d1", "d2")]
    assert dot.attributes["rankdir"] == "LR"


def test_label_options_follow_tf_keras(fake_pydot):
    model = keras.Sequential([keras.Input((3,), name="inp"),
                              keras.layers.Dense(2, activation="relu", name="d1")])
    model.layers[0].trainable = False
    dot = vis_utils.model_to_dot(model, show_dtype=True, show_layer_activations=True,
                                 show_trainable=True)
    assert dot.nodes[1][1] == "NT|d1|{Dense|relu}|float32"
    assert dot.nodes[0][1] == "T|inp|InputLayer|float32"
    dot = vis_utils.model_to_dot(model, show_layer_names=False, show_shapes=True)
    assert dot.nodes[1][1] == "{Dense}|{input:|output:}|{{(None, 3)}|{(None, 2)}}"


def _nested():
    inner_in = keras.Input((3,), name="inner_in")
    inner = keras.Model(inner_in, keras.layers.Dense(2, name="inner_dense")(inner_in),
                        name="inner")
    inputs = keras.Input((3,), name="outer_in")
    outputs = keras.layers.Dense(1, name="head")(inner(inputs))
    return keras.Model(inputs, outputs, name="outer")


def test_expand_nested_draws_a_dashed_cluster(fake_pydot):
    model = _nested()
    flat = vis_utils.model_to_dot(model)
    assert [label for _, label in flat.nodes] == ["outer_in|InputLayer", "inner|Functional",
                                                  "head|Dense"]
    assert not flat.subgraphs
    dot = vis_utils.model_to_dot(model, expand_nested=True)
    assert [label for _, label in dot.nodes] == ["outer_in|InputLayer", "head|Dense"]
    (cluster,) = dot.subgraphs
    assert cluster.attributes == {"style": "dashed", "graph_name": "inner", "label": "inner",
                                  "labeljust": "l"}
    assert [label for _, label in cluster.nodes] == ["inner_in|InputLayer",
                                                     "inner_dense|Dense"]
    assert set(_named_edges(dot)) == {("outer_in", "inner_in"), ("inner_in", "inner_dense"),
                                      ("inner_dense", "head")}


def test_nested_sequential_and_subclassed_model(fake_pydot):
    inner = keras.Sequential([keras.Input((3,), name="seq_in"),
                              keras.layers.Dense(2, name="seq_dense")], name="seq")
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, keras.layers.Dense(1, name="out")(inner(inputs)))
    dot = vis_utils.model_to_dot(model, expand_nested=True)
    assert [label for _, label in dot.subgraphs[0].nodes] == ["seq_in|InputLayer",
                                                              "seq_dense|Dense"]
    assert set(_named_edges(dot)) == {("x", "seq_in"), ("seq_in", "seq_dense"),
                                      ("seq_dense", "out")}

    class Small(keras.Model):
        def __init__(self):
            super().__init__(name="small")
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    small = Small()
    small(np.zeros((1, 3), "float32"))
    assert [label for _, label in vis_utils.model_to_dot(small).nodes] == ["small"]


def test_layer_range_selects_layers(fake_pydot):
    dot = vis_utils.model_to_dot(_functional(), layer_range=["a", "b"])
    assert [label for _, label in dot.nodes] == ["a|Dense", "b|Dense"]
    with pytest.raises(ValueError, match="do not match the layer names"):
        vis_utils.model_to_dot(_functional(), layer_range=["nope", "b"])


def test_real_pydot_dot_source():
    pydot = pytest.importorskip("pydot")
    assert pydot
    source = vis_utils.model_to_dot(_nested(), show_shapes=True,
                                    expand_nested=True).to_string()
    assert "subgraph cluster_inner" in source
    assert "style=dashed" in source
    assert "{outer_in|InputLayer}|{input:|output:}|{{[(None, 3)]}|{[(None, 3)]}}" in source


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
