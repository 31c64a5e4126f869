import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.graph.keras_tensor import KerasTensor


def test_single_input_output_model():
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    assert model.name == "model"
    assert [l.name for l in model.layers] == ["input_1", "dense", "dense_1"]
    assert model.output_shape == (None, 2)
    pred = model.predict(np.ones((3, 4)), verbose=0)
    np.testing.assert_allclose(pred.sum(axis=1), 1.0, rtol=1e-6)


def test_layers_and_weights_follow_keras_depth_order():
    a = keras.Input((4,))
    b = keras.Input((3,), name="b")
    x = keras.layers.Dense(2)(a)
    y = keras.layers.Dense(2)(b)
    z = keras.layers.Concatenate()([x, y])
    out = keras.layers.Dense(1, name="out")(z)
    model = keras.Model([a, b], [out, x])
    # Recorded from tf_keras 2.21 for the same graph:
    assert [l.name for l in model.layers] == ["input_1", "b", "dense", "dense_1",
                                              "concatenate", "out"]
    assert model.output_names == ["out", "dense"]
    assert [w.name for w in model.weights] == ["dense/kernel:0", "dense/bias:0",
                                               "dense_1/kernel:0", "dense_1/bias:0",
                                               "out/kernel:0", "out/bias:0"]


def test_dict_inputs_and_outputs():
    a = keras.Input((2,), name="a")
    b = keras.Input((3,), name="b")
    merged = keras.layers.concatenate([a, b])
    model = keras.Model({"a": a, "b": b}, {"sum": keras.layers.Dense(1, name="sum")(merged),
                                           "vec": keras.layers.Dense(2, name="vec")(merged)})
    out = model.predict({"a": np.ones((4, 2)), "b": np.ones((4, 3))}, verbose=0)
    assert set(out) == {"sum", "vec"}
    assert out["vec"].shape == (4, 2)


def test_dict_outputs_keep_the_users_key_order():
    # tf_keras 2.21 (compat/fixtures/dict_outputs.json): model(x), predict and the model
    # rebuilt from its config keep the dict's order; output_names and loss names are sorted
    inputs = keras.Input((3,))
    model = keras.Model(inputs, {"zeta": keras.layers.Dense(2, name="zeta")(inputs),
                                 "alpha": keras.layers.Dense(1, name="alpha")(inputs)})
    x = np.ones((4, 3), "float32")
    called, predicted = model(x), model.predict(x, verbose=0)
    assert list(called) == list(predicted) == ["zeta", "alpha"]
    assert model.output_names == ["alpha", "zeta"]
    np.testing.assert_allclose(predicted["zeta"], called["zeta"].detach().numpy(), rtol=1e-6)
    rebuilt = keras.Model.from_config(model.get_config())
    assert list(model.get_config()["output_layers"]) == ["zeta", "alpha"]
    assert list(rebuilt(x)) == ["zeta", "alpha"]
    model.compile("sgd", loss={"zeta": "mse", "alpha": "mae"})
    history = model.fit(x, {"zeta": np.zeros((4, 2)), "alpha": np.ones((4, 1))}, verbose=0)
    assert list(history.history) == ["loss", "alpha_loss", "zeta_loss"]


def test_dict_output_keys_other_than_layer_names():
    # tf_keras 2.21 (compat/fixtures/dict_outputs.json): names from the layers, data by key
    inputs = keras.Input((3,))
    model = keras.Model(inputs, {"zz": keras.layers.Dense(2, name="d1")(inputs),
                                 "aa": keras.layers.Dense(1, name="d2")(inputs)})
    assert model.output_names == ["d2", "d1"]
    x, y = np.ones((4, 3), "float32"), {"zz": np.zeros((4, 2)), "aa": np.ones((4, 1))}
    model.compile("sgd", loss={"zz": "mse", "aa": "mae"}, metrics={"zz": "mae"})
    history = model.fit(x, y, verbose=0)
    assert list(history.history) == ["loss", "d2_loss", "d1_loss", "d1_mae"]
    with pytest.raises(ValueError, match=r"Found unexpected keys .*\['d1', 'd2'\]. "
                                         r"Expected: \['aa', 'zz'\]"):
        model.fit(x, {"d1": y["zz"], "d2": y["aa"]}, verbose=0)


def test_list_inputs_accept_dict_data_by_name():
    a = keras.Input((2,), name="left")
    b = keras.Input((2,), name="right")
    model = keras.Model([a, b], keras.layers.Subtract()([a, b]))
    out = model.predict({"left": np.ones((1, 2)), "right": np.zeros((1, 2))}, verbose=0)
    np.testing.assert_array_equal(out, [[1.0, 1.0]])
    with pytest.raises(ValueError, match="Missing data for input \"right\""):
        model.predict({"left": np.ones((1, 2))}, verbose=0)


def test_shared_layer_and_model_as_layer():
    shared = keras.layers.Dense(3)
    a, b = keras.Input((4,)), keras.Input((4,))
    model = keras.Model([a, b], keras.layers.add([shared(a), shared(b)]))
    assert len(model.weights) == 2
    x = np.random.RandomState(0).rand(2, 4).astype("float32")
    kernel, bias = shared.get_weights()
    np.testing.assert_allclose(model.predict([x, x], verbose=0), 2 * (x @ kernel + bias),
                               rtol=1e-5, atol=1e-6)  # random kernel: sums may be near 0
    inner = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    outer_in = keras.Input((4,))
    outer = keras.Model(outer_in, inner(keras.layers.Dense(3)(outer_in)))
    assert outer.output_shape == (None, 2)
    assert len(outer.weights) == 4
    outer.compile("adam", "mse")
    outer.fit(np.ones((8, 4)), np.ones((8, 2)), verbose=0)


def test_inputs_must_come_from_input():
    # a layer's output is accepted (a new Input, as Keras); a tensor of no layer is not
    orphan = KerasTensor((None, 2))
    with pytest.raises(ValueError, match="keras.Input.*missing previous layer metadata"):
        keras.Model(orphan, keras.layers.Dense(1)(keras.Input((2,))))


def test_graph_disconnected():
    a, b = keras.Input((2,)), keras.Input((2,))
    out = keras.layers.add([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)


def test_subclassed_model_trains():
    class TwoLayer(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation="relu")
            self.out = keras.layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.RandomState(0).rand(32, 3).astype("float32")
    history = model.fit(x, x.sum(axis=1), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert len(model.weights) == 4
    assert [l.name for l in model.layers] == ["dense", "dense_1"]
    assert model.predict(x, verbose=0).shape == (32, 1)


def test_misspelt_method_gets_did_you_mean():
    import subprocess
    import sys
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(AttributeError) as info:
        model.predixt
    assert info.value.name == "predixt" and info.value.obj is model
    # Python prints its own hint from name/obj (3.11 does it in the interpreter's printer).
    script = ("import torchkeras as keras\n"
              "m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])\nm.predixt\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "Did you mean: 'predict'?" in result.stderr


def test_summary_functional_matches_keras_layout(capsys):
    a = keras.Input((4,))
    x = keras.layers.Dense(2)(a)
    y = keras.layers.Dense(3)(a)
    model = keras.Model(a, keras.layers.concatenate([x, y]))
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "model"' in text
    assert "Connected to" in text
    assert " input_1 (InputLayer)        [(None, 4)]                  0         []" in text
    assert "['dense[0][0]'," in text
    assert "Total params: 25 (100.00 Byte)" in text


def test_a_rank_short_input_meets_an_input_of_last_dimension_one():
    """tf-keras's _conform_to_reference_input: (batch,) feeds Input((1,)); (batch, 3, 1)
    feeds Input((3,)). Tabular tutorials pass DataFrame columns as 1-D arrays."""
    import numpy as np
    import torchkeras as keras
    inputs = {name: keras.Input(shape=(1,), name=name) for name in ("age", "fee")}
    merged = keras.layers.concatenate(list(inputs.values()))
    model = keras.Model(inputs, keras.layers.Dense(1)(merged))
    model.compile(optimizer="sgd", loss="mse")
    columns = {"age": np.arange(8, dtype="float32"), "fee": np.ones(8, dtype="float32")}
    model.fit(columns, np.zeros(8), batch_size=4, verbose=0)
    one_d = model.predict(columns, verbose=0)
    two_d = model.predict({k: v[:, None] for k, v in columns.items()}, verbose=0)
    np.testing.assert_array_equal(one_d, two_d)
    x = keras.Input(shape=(3,))
    squeezer = keras.Model(x, keras.layers.Dense(2)(x))
    assert tuple(squeezer(np.zeros((2, 3, 1), "float32")).shape) == (2, 2)


def test_a_graph_deeper_than_the_recursion_limit_builds():
    # ResNetRS270 and deeper chain ~1500+ layers; the graph walk must not recurse per layer.
    import sys
    depth = sys.getrecursionlimit() + 200
    inputs = keras.Input((2,))
    x = inputs
    for _ in range(depth):
        x = keras.layers.Activation("linear")(x)
    branch = keras.layers.Dense(3)(inputs)
    outputs = keras.layers.Concatenate()([x, branch])
    model = keras.Model(inputs, outputs)
    assert len(model.layers) == depth + 3  # input, the chain, dense, concatenate
    assert model.layers[0] is inputs._keras_history[0]
    assert type(model.layers[-1]).__name__ == "Concatenate"
    out = model.predict(np.ones((1, 2), "float32"), verbose=0)
    np.testing.assert_allclose(out[:, :2], np.ones((1, 2)))


# ------------------------------------------------- nested models called on symbolic inputs
def _string_head():
    """The csv tutorial's head in small: a dict of a string and a float Input."""
    inputs = {"s": keras.Input(shape=(1,), name="s", dtype="string"),
              "a": keras.Input(shape=(1,), name="a")}
    codes = keras.layers.StringLookup(vocabulary=["x", "y"])(inputs["s"])
    one_hot = keras.layers.CategoryEncoding(num_tokens=3)(codes)
    return inputs, keras.Model(inputs, keras.layers.Concatenate()([inputs["a"], one_hot]))


def test_nested_model_with_string_inputs_is_called_on_the_outer_inputs():
    inputs, head = _string_head()
    features = head(inputs)  # used to probe the head with float zeros: StringLookup refused
    assert features.shape == (None, 4) and features.dtype == "float32"
    outer = keras.Model(inputs, keras.layers.Dense(1)(features))
    data = {"s": np.array(["x", "y", "z"]), "a": np.array([1.0, 2.0, 3.0])}
    np.testing.assert_allclose(head(data).numpy(),
                               [[1, 0, 1, 0], [2, 0, 0, 1], [3, 1, 0, 0]])
    assert outer.predict(data, verbose=0).shape == (3, 1)


def test_nested_model_outputs_keep_the_inner_graphs_dtypes():
    inputs = keras.Input(shape=(2,), dtype="string")
    indices = keras.Model(inputs, keras.layers.StringLookup(vocabulary=["x"])(inputs))
    outer_input = keras.Input(shape=(2,), dtype="string")
    out = indices(outer_input)
    assert out.dtype == "int64" and out.shape == (None, 2)


class _NeedsIntegers(keras.layers.Layer):
    """A layer with no compute_output_shape whose call rejects non-integer inputs."""

    def call(self, inputs):
        if inputs.dtype != torch.int64:
            raise ValueError(f"Layer {self.name} wants int64 inputs, got {inputs.dtype}")
        return torch.nn.functional.one_hot(inputs[:, 0], 5).float()


def test_shape_probe_runs_layers_on_inputs_of_the_inputs_dtypes():
    ids = keras.Input(shape=(1,), dtype="int64")
    assert _NeedsIntegers()(ids).shape == (None, 5)  # the default probe, integer zeros
    inner = keras.Input(shape=(1,), dtype="int64")
    model = keras.Model(inner, _NeedsIntegers()(inner))
    outer = keras.Input(shape=(1,), dtype="int64")
    assert model(outer).shape == (None, 5)


def test_nested_model_on_other_shapes_goes_through_its_graph():
    inner = keras.Input(shape=(None, 3))
    model = keras.Model(inner, [keras.layers.Dense(2)(inner),
                                keras.layers.GlobalAveragePooling1D()(inner)])
    sequence, pooled = model(keras.Input(shape=(7, 3)))  # not the recorded (None, None, 3)
    assert sequence.shape == (None, 7, 2) and pooled.shape == (None, 3)
    assert model.compute_output_shape((None, 5, 3)) == [(None, 5, 2), (None, 3)]
    strings = keras.Input(shape=(None,), dtype="string")
    lookup = keras.Model(strings, keras.layers.StringLookup(vocabulary=["x"])(strings))
    assert lookup(keras.Input(shape=(4,), dtype="string")).shape == (None, 4)
    with pytest.raises(ValueError, match="expects 1 input tensors"):
        lookup.compute_output_shape([(None, 4), (None, 4)])


# ------------------------------------------------------- dict inputs through saving
@pytest.mark.parametrize("how", ["keras", "h5", "json"])
def test_dict_inputs_survive_saving(tmp_path, how):
    inputs = {"b": keras.Input(shape=(1,), name="b"), "a": keras.Input(shape=(2,), name="a")}
    model = keras.Model(inputs, keras.layers.Dense(1)(
        keras.layers.Concatenate()([inputs["a"], inputs["b"]])))
    data = {"a": np.ones((3, 2), "float32"), "b": np.arange(3, dtype="float32")}  # b: (batch,)
    if how == "json":
        loaded = keras.models.model_from_json(model.to_json())
        loaded.set_weights(model.get_weights())
    else:
        model.save(tmp_path / f"m.{how}")
        loaded = keras.models.load_model(tmp_path / f"m.{how}")
    assert isinstance(loaded.input, dict) and sorted(loaded.input) == ["a", "b"]
    assert loaded.input_names == ["a", "b"]
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_model_calling_a_string_head_survives_saving(tmp_path, ext):
    inputs, head = _string_head()
    outer = keras.Model(inputs, keras.layers.Dense(1)(head(inputs)))
    data = {"s": np.array(["y", "x"]), "a": np.array([1.0, 2.0])}
    outer.save(tmp_path / f"m.{ext}")
    loaded = keras.models.load_model(tmp_path / f"m.{ext}")
    assert isinstance(loaded.layers[-2].input, dict)  # the head, reloaded, takes the dict
    np.testing.assert_allclose(loaded.predict(data, verbose=0), outer.predict(data, verbose=0),
                               rtol=1e-6)


def test_a_layer_output_as_model_input_becomes_a_new_input():
    # Keras 2/3 clone_graph_nodes (keras.io structured_data_classification_from_scratch):
    # the Normalization output is the model's input, so the normalization is not applied
    raw = keras.Input(shape=(1,))
    normalized = keras.layers.Normalization(mean=2.0, variance=4.0)(raw)
    dense = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    out = dense(normalized)
    model = keras.Model(normalized, out)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    assert model.inputs[0] is not normalized and tuple(model.inputs[0].shape) == (None, 1)
    np.testing.assert_allclose(model.predict(np.array([[6.0]]), verbose=0), [[6.0]])
    full = keras.Model(raw, out)  # the original graph is unchanged
    np.testing.assert_allclose(full.predict(np.array([[6.0]]), verbose=0), [[2.0]])
