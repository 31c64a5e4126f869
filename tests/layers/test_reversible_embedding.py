"""ReversibleEmbedding: both directions, tied/untied weights, soft cap, symbolic use."""
from __future__ import annotations

import numpy as np
import torch

import torchkeras as keras
from tests.layer_test import layer_test


def test_layer_contract_forward():
    layer_test(keras.layers.ReversibleEmbedding, {"input_dim": 10, "output_dim": 4,
                                                  "tie_weights": False},
               input_data=np.array([[1, 2, 3], [4, 5, 0]]), expected_output_shape=(None, 3, 4),
               expected_weight_shapes=[(10, 4), (4, 10)], run_training=False)


def test_reverse_uses_transposed_embeddings_and_soft_cap():
    layer = keras.layers.ReversibleEmbedding(6, 3, logit_soft_cap=0.5)
    layer(np.array([[1]]))
    hidden = torch.randn(2, 3)
    logits = layer(hidden, reverse=True)
    expected = torch.tanh(hidden @ layer.embeddings.detach().t() / 0.5) * 0.5
    assert torch.allclose(logits, expected, atol=1e-6)
    assert float(logits.abs().max()) <= 0.5


def test_tied_language_model_trains_end_to_end():
    ids = keras.Input((5,), dtype="int32")
    embedding = keras.layers.ReversibleEmbedding(12, 8, mask_zero=True)
    hidden = keras.layers.Dense(8)(embedding(ids))
    logits = embedding(hidden, reverse=True)
    assert tuple(logits.shape) == (None, 5, 12)
    model = keras.Model(ids, logits)
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = np.random.RandomState(0).randint(1, 12, (16, 5))
    before = model.get_weights()[0].copy()
    model.fit(data, data, epochs=1, verbose=0)
    assert not np.allclose(before, model.get_weights()[0])
    assert len(model.weights) == 3  # one shared embedding + the Dense kernel and bias
