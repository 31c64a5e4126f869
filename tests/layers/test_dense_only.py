"""TensorFlow-only output kinds are refused Keras-style (as Keras 3 on torch): a ValueError
naming the layer, the argument and the received value."""
from __future__ import annotations

import pytest

import torchkeras as keras
from torchkeras.layers.dense_only import refuse_tensor_kind

SPARSE_LAYERS = [
    ("CategoryEncoding", {"num_tokens": 3, "output_mode": "multi_hot"}),
    ("Hashing", {"num_bins": 3, "output_mode": "one_hot"}),
    ("HashedCrossing", {"num_bins": 3}),
    ("Discretization", {"bin_boundaries": [0.0, 1.0], "output_mode": "count"}),
    ("StringLookup", {"vocabulary": ["a"], "output_mode": "multi_hot"}),
    ("IntegerLookup", {"vocabulary": [1], "output_mode": "count"}),
    ("TextVectorization", {"output_mode": "multi_hot"}),
]


@pytest.mark.parametrize("cls,kwargs", SPARSE_LAYERS)
def test_sparse_true_is_refused_naming_the_layer(cls, kwargs):
    with pytest.raises(ValueError) as info:
        getattr(keras.layers, cls)(sparse=True, name="my_layer", **kwargs)
    message = str(info.value)
    assert message.startswith(f"Layer 'my_layer' ({cls}): `sparse=True` can only be used "
                              "with the TensorFlow backend")
    assert message.endswith("Received: sparse=True")


@pytest.mark.parametrize("cls,kwargs", SPARSE_LAYERS)
def test_sparse_false_builds(cls, kwargs):
    layer = getattr(keras.layers, cls)(sparse=False, **kwargs)
    assert layer.get_config()["sparse"] is False


def test_ragged_true_is_refused_and_the_helper_names_its_argument():
    with pytest.raises(ValueError, match=r"^Layer 'text_vectorization\w*' \(TextVectorization"
                                         r"\): `ragged=True`.*Received: ragged=True$"):
        keras.layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="Layer 'x' \\(Foo\\): `ragged=True`"):
        refuse_tensor_kind("Foo", "x", "ragged")
