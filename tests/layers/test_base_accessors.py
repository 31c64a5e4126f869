"""The public accessors other packages use instead of a layer's private attributes
(issue 16): layers.weights.is_model/weight_spec, KerasVariable.spec, layers.base.
build_input_shape, layers.embedding.accepts_integer_inputs, layers.autocast.autocast_dtype_of,
losses.base.wrapped_fn_kwargs."""
import torch

import torchkeras as keras
from torchkeras.layers.autocast import autocast_dtype_of
from torchkeras.layers.base import build_input_shape
from torchkeras.layers.embedding import accepts_integer_inputs
from torchkeras.layers.weights import is_model, weight_spec
from torchkeras.losses.base import wrapped_fn_kwargs


def test_is_model_tells_models_from_layers():
    dense = keras.layers.Dense(2)
    assert is_model(keras.Sequential([dense]))
    assert not is_model(dense) and not is_model(torch.nn.Linear(2, 2)) and not is_model(None)


def test_build_input_shape_is_none_until_built():
    dense = keras.layers.Dense(2)
    assert build_input_shape(dense) is None
    dense.build((None, 3))
    assert tuple(build_input_shape(dense)) == (None, 3)
    assert build_input_shape(object()) is None


def test_accepts_integer_inputs_only_for_embedding():
    assert accepts_integer_inputs(keras.layers.Embedding(5, 2))
    assert not accepts_integer_inputs(keras.layers.Dense(2))
    assert not accepts_integer_inputs(None)


def test_weight_spec_of_a_keras_variable_and_of_a_tensor():
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    kernel = dense.weights[0]
    assert kernel.spec is weight_spec(kernel) and kernel.spec.keras_shape == (3, 2)
    assert weight_spec(kernel.tensor) is None


def test_autocast_dtype_of_follows_the_policy():
    assert autocast_dtype_of(keras.layers.Dense(2)) is None
    assert autocast_dtype_of(keras.layers.Dense(2, dtype="mixed_float16")) is torch.float16
    assert autocast_dtype_of(object()) is None


def test_wrapped_fn_kwargs_of_a_wrapper_and_of_another_loss():
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert wrapped_fn_kwargs(loss)["ignore_class"] == -1
    assert wrapped_fn_kwargs(keras.losses.sparse_categorical_crossentropy) == {}
