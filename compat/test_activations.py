"""Case 1: every activation through Dense(4) with fixed weights, and activations.get(name)
on a grid over [-6, 6], against tf_keras (see compat/README.md)."""

import numpy as np
import pytest
import torch

import torchkeras as keras
from compat_case import assert_close, load_case, weights

ARRAYS, META = load_case("activations")
SUPPORTED = META["outputs"]["supported"]  # the names tf_keras accepts


def test_records_cover_requested_activations():
    # the list; tf_keras 2 accepts all of them (silu is an alias of swish)
    assert set(META["config"]["activations"]) <= set(SUPPORTED)


@pytest.mark.parametrize("name", SUPPORTED)
def test_dense_activation(name):
    model = keras.Sequential([keras.layers.Dense(4, activation=name, input_shape=(3,))])
    model.set_weights(weights(ARRAYS, META, "init"))
    out = model.predict(ARRAYS["x"], verbose=0)
    assert np.shape(out) == (6, 4)
    assert_close(out, ARRAYS[f"dense__{name}"], f"Dense(4, activation={name!r})")


@pytest.mark.parametrize("name", SUPPORTED)
def test_activation_function(name):
    fn = keras.activations.get(name)
    out = fn(torch.from_numpy(ARRAYS["grid"]))
    assert_close(out, ARRAYS[f"fn__{name}"], f"activations.get({name!r})(grid)")
