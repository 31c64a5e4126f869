"""MultiHeadAttention, Attention, AdditiveAttention, EinsumDense: shapes, Keras 2 weight
layout, masks, config round trip, training, and save/load inside a functional model."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

RNG = np.random.RandomState(0)
Q = RNG.uniform(-1, 1, (2, 5, 8)).astype("float32")
V = RNG.uniform(-1, 1, (2, 3, 8)).astype("float32")


def test_einsum_dense_layer_test():
    layer_test(keras.layers.EinsumDense,
               {"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "de"},
               input_shape=(2, 5, 8), expected_output_shape=(None, 5, 2, 4),
               expected_weight_shapes=[(8, 2, 4), (2, 4)])


def test_einsum_dense_bad_equation():
    with pytest.raises(ValueError, match="Invalid einsum equation 'ab->b'"):
        keras.layers.EinsumDense("ab->b", output_shape=3)(np.ones((2, 3)))


def test_mha_weights_match_keras2_layout():
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3,
                                            output_shape=6)
    layer(Q, V)
    assert [w.name for w in layer.weights] == [
        f"multi_head_attention/{p}/{k}:0" for p in ("query", "key", "value", "attention_output")
        for k in ("kernel", "bias")]
    assert [tuple(w.shape) for w in layer.get_weights()] == [
        (8, 2, 4), (2, 4), (8, 2, 4), (2, 4), (8, 2, 3), (2, 3), (2, 3, 6), (6,)]


def test_mha_fast_path_equals_einsum_path_with_mask():
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    mask = RNG.uniform(size=(2, 5, 3)) > 0.4
    fast = np.asarray(layer(Q, V, attention_mask=mask))
    slow, scores = layer(Q, V, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(fast, np.asarray(slow), atol=1e-6)
    assert scores.shape == (2, 2, 5, 3)
    np.testing.assert_allclose(np.asarray(scores).sum(-1), 1.0, atol=1e-6)
    masked = ~mask[:, None].repeat(2, axis=1) & mask.any(-1)[:, None, :, None]
    assert np.all(np.asarray(scores)[masked] < 1e-6)


def test_mha_causal_scores_are_lower_triangular():
    layer = keras.layers.MultiHeadAttention(num_heads=1, key_dim=2)
    _, scores = layer(Q, Q, use_causal_mask=True, return_attention_scores=True)
    upper = np.triu(np.ones((5, 5), dtype=bool), 1)
    assert np.all(np.asarray(scores)[:, 0][:, upper] == 0)


def test_mha_config_round_trip_builds_weights():
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)
    out = np.asarray(layer(Q, V))
    config = layer.get_config()
    assert config["query_shape"][1:] == [5, 8] and config["value_shape"][1:] == [3, 8]
    clone = keras.layers.MultiHeadAttention.from_config(config)
    assert len(clone.weights) == 8  # built from the recorded shapes, as Keras 2
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(Q, V)), out, atol=1e-6)
    assert type(keras.layers.deserialize(keras.layers.serialize(layer))) is type(layer)


def test_mha_dropout_only_when_training():
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5)
    a, b = np.asarray(layer(Q, V)), np.asarray(layer(Q, V))
    np.testing.assert_array_equal(a, b)
    c = np.asarray(layer(Q, V, training=True))
    assert not np.allclose(a, c)


def test_mha_missing_value_and_shape_mismatch():
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'value'"):
        layer(Q)
    with pytest.raises(ValueError, match="last dimension of `query_shape` and `value_shape`"):
        layer.compute_output_shape((None, 5, 8), (None, 3, 7))


def _transformer_model():
    inputs = keras.Input((5, 8))
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(inputs,
                                                                                   inputs)
    added = keras.layers.Add()([inputs, attended])
    normed = keras.layers.LayerNormalization(epsilon=1e-6)(added)
    pooled = keras.layers.GlobalAveragePooling1D()(normed)
    outputs = keras.layers.Dense(2, activation="softmax")(pooled)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_mha_model_trains_saves_and_loads(tmp_path, suffix):
    model = _transformer_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = model.get_layer("mha").get_weights()[0].copy()
    model.fit(Q, np.array([0, 1]), epochs=2, verbose=0)
    assert not np.allclose(before, model.get_layer("mha").get_weights()[0])
    path = str(tmp_path / f"model{suffix}")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(Q, verbose=0), model.predict(Q, verbose=0),
                               atol=1e-6)


def test_attention_layers_shapes_masks_and_config():
    for cls, n_weights in ((keras.layers.Attention, 0), (keras.layers.AdditiveAttention, 1)):
        layer = cls()
        q_mask = torch.tensor([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
        out, scores = layer([Q, V], mask=[q_mask, None], return_attention_scores=True)
        assert out.shape == (2, 5, 8) and scores.shape == (2, 5, 3)
        assert np.all(np.asarray(out)[0, 2:] == 0)  # masked queries give zeros, as Keras
        assert len(layer.weights) == n_weights
        clone = cls.from_config(layer.get_config())
        clone([Q, V])
        clone.set_weights(layer.get_weights())
        np.testing.assert_allclose(np.asarray(clone([Q, V])), np.asarray(layer([Q, V])),
                                   atol=1e-6)
        symbolic = layer([keras.Input((5, 8)), keras.Input((3, 8))])
        assert tuple(symbolic.shape) == (None, 5, 8)


def test_attention_rejects_single_input_and_bad_score_mode():
    with pytest.raises(ValueError, match="must be called on a list of inputs"):
        keras.layers.Attention()(Q)
    with pytest.raises(ValueError, match="score_mode=bad"):
        keras.layers.Attention(score_mode="bad")


def test_mha_takes_embedding_masks_in_functional_model():
    # Keras: the query/value Keras masks (Embedding(mask_zero=True)) become the attention
    # mask (batch, T, S) = query_mask[:, :, None] & value_mask[:, None, :].
    tokens = np.array([[3, 4, 5, 0, 0], [1, 2, 0, 0, 0]])
    inputs = keras.Input((5,), dtype="int32")
    embedding = keras.layers.Embedding(10, 8, mask_zero=True)
    mha = keras.layers.MultiHeadAttention(2, 4)
    embedded = embedding(inputs)
    model = keras.Model(inputs, mha(embedded, embedded))
    emb = np.asarray(embedding(tokens))
    mask = tokens != 0
    expected = np.asarray(mha(emb, emb, attention_mask=mask[:, :, None] & mask[:, None, :]))
    unmasked = np.asarray(mha(emb, emb))
    np.testing.assert_allclose(model.predict(tokens, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(tokens)), expected, rtol=1e-5, atol=1e-6)
    assert np.abs(expected - unmasked).max() > 1e-3


def test_mha_keras3_gate_and_sliding_window():
    layer = keras.layers.MultiHeadAttention(2, 4, use_gate=True, sliding_window=2)
    out, scores = layer(Q, Q, return_attention_scores=True)
    fast = layer(Q, Q)
    np.testing.assert_allclose(np.asarray(out), np.asarray(fast), rtol=1e-5, atol=1e-6)
    assert [w.name.split("/")[1] for w in layer.weights][::2] == [
        "query", "key", "gate", "value", "attention_output"]
    rows, cols = np.indices((5, 5))
    assert np.all(np.asarray(scores)[..., np.abs(rows - cols) >= 2] < 1e-6)
    config = layer.get_config()
    assert config["use_gate"] is True and config["sliding_window"] == 2
    assert "use_gate" not in keras.layers.MultiHeadAttention(2, 4).get_config()  # tf-keras
    with pytest.raises(ValueError, match="`sliding_window` must be `None` or a positive"):
        keras.layers.MultiHeadAttention(2, 4, sliding_window=-1)
