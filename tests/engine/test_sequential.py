import numpy as np
import pytest

import torchkeras as keras


def _model():
    return keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                             keras.layers.Dense(1, activation="sigmoid")])


def test_list_constructor_builds_with_input_shape():
    model = _model()
    assert model.built
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 1)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.count_params() == 4 * 8 + 8 + 8 + 1
    assert [w.name for w in model.weights] == ["dense/kernel:0", "dense/bias:0",
                                               "dense_1/kernel:0", "dense_1/bias:0"]


def test_add_pop_and_get_layer():
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(keras.layers.Dense(5, name="hidden"))
    model.add(keras.layers.Dense(2))
    assert model.output_shape == (None, 2)
    assert model.get_layer("hidden") is model.layers[0]
    assert model.get_layer(index=1) is model.layers[1]
    popped = model.pop()
    assert popped.name == "dense"
    assert model.output_shape == (None, 5)
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_lazy_model_builds_on_first_call_and_build():
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    assert not model.layers[0].built
    out = model(np.ones((2, 7), dtype="float32"))
    assert tuple(out.shape) == (2, 1)
    assert model.layers[0].get_weights()[0].shape == (7, 3)
    other = keras.Sequential([keras.layers.Dense(3)])
    other.build((None, 5))
    assert other.output_shape == (None, 3)


def test_shape_error_when_adding_incompatible_layer_input():
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(5,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 5, "
                                         r"but received input with shape \(None, 4\)"):
        model.fit(np.zeros((2, 4)), np.zeros((2, 4)), verbose=0)


def test_duplicate_names_rejected():
    with pytest.raises(ValueError, match="unique names"):
        keras.Sequential([keras.layers.Dense(2, name="a", input_shape=(2,)),
                          keras.layers.Dense(2, name="a")])


def test_eager_call_on_numpy_returns_values_without_graph():
    model = _model()
    out = model(np.ones((3, 4)))
    assert not out.requires_grad
    assert np.asarray(out).shape == (3, 1)
    assert "tensor(" in repr(out)


def test_call_on_torch_tensor_keeps_autograd():
    import torch
    model = _model()
    out = model(torch.ones(3, 4))
    out.sum().backward()
    assert model.layers[0].kernel.grad is not None


def test_config_round_trip():
    model = _model()
    clone = keras.Sequential.from_config(model.get_config())
    assert [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    clone.set_weights(model.get_weights())
    x = np.random.RandomState(0).rand(5, 4).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_trainable_false_freezes_weights():
    model = _model()
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 2
    before = model.layers[0].get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 4)), np.ones((4, 1)), verbose=0)
    for a, b in zip(before, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_set_weights_errors():
    model = _model()
    with pytest.raises(ValueError, match="was expecting 4 weights"):
        model.set_weights([np.zeros((4, 8))])
    weights = model.get_weights()
    weights[0] = np.zeros((8, 4))
    with pytest.raises(ValueError, match=r"weight shape \(4, 8\) is not compatible with "
                                         r"provided weight shape \(8, 4\)"):
        model.set_weights(weights)


def test_clear_session_resets_names():
    keras.layers.Dense(1)
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"


def test_sequential_input_conforms_and_its_shape_error_is_tf_keras_s():
    import numpy as np
    import pytest
    import torchkeras as keras
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros(8, "float32"), np.zeros((8, 2)), verbose=0)  # (batch,) -> (batch, 1)
    assert tuple(model(np.zeros(4, "float32")).shape) == (4, 2)
    flat = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r'Input 0 of layer "sequential.*" is incompatible with '
                       r"the layer: expected shape=\(None, 28, 28\), found shape=\(None, 784\)"):
        flat.predict(np.zeros((4, 784), "float32"), verbose=0)


def _fitted_without_input(layers, shape):
    model = keras.Sequential(layers)
    model.compile(loss="mse", optimizer="adam")
    x = np.random.RandomState(0).randn(16, *shape).astype("float32")
    model.fit(x, np.zeros((16,) + model.compute_output_shape((16,) + shape)[1:], "float32"),
              epochs=1, verbose=0)
    return model


def test_no_input_sequential_relaxes_its_inferred_shape_on_a_novel_input():
    # tf-keras 2: (None, 1, 19) then (32, 24, 19) rebuilds for (None, None, 19).
    model = _fitted_without_input([keras.layers.Dense(1)], (1, 19))
    assert model.input_spec is None
    out = model(np.zeros((32, 24, 19), "float32"))
    assert tuple(out.shape) == (32, 24, 1)
    assert model.input_shape == (None, None, 19)
    assert model.output_shape == (None, None, 1)
    assert tuple(model(np.zeros((4, 1, 19), "float32")).shape) == (4, 1, 1)


def test_no_input_sequential_novel_shape_raises_the_layers_own_error():
    model = _fitted_without_input([keras.layers.Flatten(), keras.layers.Dense(4, name="hidden"),
                                   keras.layers.Reshape([1, -1])], (3, 19))
    with pytest.raises(ValueError, match='Input 0 of layer "hidden" is incompatible with the '
                       "layer: expected axis -1 of input shape to have value 57, but received "
                       r"input with shape \(32, 456\)"):
        model(np.zeros((32, 24, 19), "float32"))
    assert tuple(model(np.zeros((2, 3, 19), "float32")).shape) == (2, 1, 4)


def test_no_input_sequential_fits_on_a_novel_shape():
    model = _fitted_without_input([keras.layers.Dense(1)], (1, 19))
    history = model.fit(np.zeros((8, 24, 19), "float32"), np.zeros((8, 24, 1), "float32"),
                        epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert model.input_shape == (None, None, 19)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 19"):
        model.fit(np.zeros((8, 24, 7), "float32"), np.zeros((8, 24, 1), "float32"), verbose=0)


def test_sequential_with_an_input_keeps_checking_its_shape():
    model = keras.Sequential([keras.Input((3, 19)), keras.layers.Dense(1)], name="fixed")
    with pytest.raises(ValueError, match=r'Input 0 of layer "fixed" is incompatible with the '
                       r"layer: expected shape=\(None, 3, 19\), found shape=\(32, 24, 19\)"):
        model(np.zeros((32, 24, 19), "float32"))
    assert model.input_shape == (None, 3, 19)


class _FixedSteps(keras.layers.Layer):
    """Flattens (batch, steps, features); its output shape needs a known step count."""

    def call(self, inputs):
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape):
        if input_shape[1] is None:
            raise ValueError("_FixedSteps needs a known number of steps.")
        return (input_shape[0], input_shape[1] * input_shape[2])


def test_no_input_sequential_whose_relaxed_rebuild_fails_runs_its_layers_eagerly():
    # tf-keras 2's "legacy deferred" mode: the old graph stays, the layers run on the input.
    model = _fitted_without_input([_FixedSteps(), keras.layers.Dense(2, name="head")], (3, 4))
    with pytest.raises(ValueError, match='Input 0 of layer "head" is incompatible'):
        model(np.zeros((5, 6, 4), "float32"))
    assert model.input_shape == (None, 3, 4)
    assert tuple(model(np.zeros((5, 3, 4), "float32")).shape) == (5, 2)
