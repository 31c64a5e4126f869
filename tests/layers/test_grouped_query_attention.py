"""GroupQueryAttention (Keras 3): weight layout, the SDPA path equals the scores path, Keras
masks and explicit masks, causal and sliding-window masks, errors, config, training."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras

L = keras.layers
RNG = np.random.RandomState(0)
Q = RNG.uniform(-1, 1, (2, 5, 8)).astype("float32")
V = RNG.uniform(-1, 1, (2, 4, 8)).astype("float32")


def _layer(**kwargs):
    return L.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, **kwargs)


def test_weights_follow_keras3_layout():
    layer = _layer(use_gate=True)
    layer(Q, V)
    assert [tuple(w.shape) for w in layer.get_weights()] == [
        (8, 4, 4), (4, 4), (8, 2, 4), (2, 4), (8, 4, 4), (4, 4), (8, 2, 4), (2, 4),
        (4, 4, 8), (8,)]
    assert L.GroupedQueryAttention is L.GroupQueryAttention


def test_fast_path_equals_scores_path_with_masks():
    layer = _layer()
    q_mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    v_mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=torch.bool)
    fast = layer(Q, V, query_mask=q_mask, value_mask=v_mask)
    slow, scores = layer(Q, V, query_mask=q_mask, value_mask=v_mask,
                         return_attention_scores=True)
    np.testing.assert_allclose(np.asarray(fast)[q_mask.numpy()],
                               np.asarray(slow)[q_mask.numpy()], rtol=1e-5, atol=1e-6)
    assert tuple(scores.shape) == (2, 4, 5, 4)
    assert float(scores[0, :, :, 2:].abs().max()) == 0.0  # masked keys get no weight
    explicit = layer(Q, V, attention_mask=q_mask[:, :, None] & v_mask[:, None, :])
    np.testing.assert_allclose(np.asarray(explicit), np.asarray(fast), rtol=1e-6)


def test_keras_masks_flow_in_a_functional_model():
    tokens = np.array([[3, 4, 5, 0, 0], [1, 2, 0, 0, 0]])
    inputs = keras.Input((5,), dtype="int32")
    embedded = L.Embedding(10, 8, mask_zero=True)(inputs)
    gqa = _layer()
    model = keras.Model(inputs, gqa(embedded, embedded))
    mask = torch.as_tensor(tokens != 0)
    emb = torch.as_tensor(np.asarray(model.layers[1](tokens)))
    expected = gqa(emb, emb, query_mask=mask, value_mask=mask).detach()
    np.testing.assert_allclose(model.predict(tokens, verbose=0), expected.numpy(),
                               rtol=1e-5, atol=1e-6)


def test_causal_and_sliding_window():
    layer = _layer(sliding_window=2)
    _, scores = layer(Q, Q, use_causal_mask=True, return_attention_scores=True)
    rows, cols = np.indices((5, 5))
    allowed = (rows >= cols) & (np.abs(rows - cols) < 2)
    assert np.all(np.asarray(scores)[..., ~allowed] == 0)


def test_errors_config_and_training():
    with pytest.raises(ValueError, match="`num_query_heads` must be divisible by "
                                         "`num_key_value_heads`"):
        L.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="`sliding_window` must be `None` or a positive"):
        _layer(sliding_window=0)
    layer = _layer(dropout=0.1)
    clone = L.GroupQueryAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    q_in, v_in = keras.Input((5, 8)), keras.Input((4, 8))
    model = keras.Model([q_in, v_in], layer(q_in, v_in))
    model.compile("sgd", "mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit([Q, V], np.zeros((2, 5, 8)), epochs=1, verbose=0)
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
