"""LSTM: Keras weight layout, fused torch kernel == per-step path (values and gradients)."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

X = np.random.RandomState(1).uniform(-1, 1, (3, 6, 4)).astype("float32")


def test_layer_test():
    layer_test(keras.layers.LSTM, {"units": 3}, input_shape=(2, 5, 4),
               expected_output_shape=(None, 3), expected_weight_shapes=[(4, 12), (3, 12), (12,)])
    layer_test(keras.layers.LSTM, {"units": 2, "return_sequences": True, "go_backwards": True},
               input_shape=(2, 5, 4), expected_output_shape=(None, 5, 2))


def test_cell_layer_test():
    layer_test(keras.layers.RNN, {"cell": keras.layers.LSTMCell(3), "return_sequences": True},
               input_shape=(2, 4, 3), expected_output_shape=(None, 4, 3))


def test_initial_weights_follow_keras():
    layer = keras.layers.LSTM(5)
    layer(X)
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(5), atol=1e-5)  # orthogonal
    limit = np.sqrt(6 / (4 + 20))
    assert np.abs(kernel).max() <= limit
    assert keras.layers.LSTM(5, unit_forget_bias=False, bias_initializer="ones").cell \
        .unit_forget_bias is False


def _pair(**kwargs):
    fused = keras.layers.LSTM(4, return_sequences=True, return_state=True, **kwargs)
    fused(X)
    general = keras.layers.RNN(keras.layers.LSTMCell(4), return_sequences=True,
                               return_state=True, go_backwards=kwargs.get("go_backwards", False))
    general(X)
    general.set_weights(fused.get_weights())
    return fused, general


@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_matches_per_step_values_and_gradients(go_backwards, monkeypatch):
    fused, general = _pair(go_backwards=go_backwards)
    calls = []
    original = torch.lstm
    monkeypatch.setattr(torch, "lstm", lambda *a: calls.append(1) or original(*a))
    x = torch.tensor(X)
    h0, c0 = torch.rand(3, 4), torch.rand(3, 4)
    out_f = fused(x, initial_state=[h0, c0])
    assert calls, "the fused kernel was not used"
    out_g = general(x, initial_state=[h0, c0])
    for a, b in zip(out_f, out_g):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-6)
    sum(o.sum() for o in out_f).backward()
    sum(o.sum() for o in out_g).backward()
    for wf, wg in zip(fused.trainable_weights, general.trainable_weights):
        np.testing.assert_allclose(wf.tensor.grad.numpy(), wg.tensor.grad.numpy(), atol=1e-5)


def test_paths_chosen_by_configuration(monkeypatch):
    calls = []
    original = torch.lstm
    monkeypatch.setattr(torch, "lstm", lambda *a: calls.append(1) or original(*a))
    x = torch.tensor(X)
    full = torch.ones(3, 6, dtype=torch.bool)
    keras.layers.LSTM(2)(x, mask=full)  # an all-true mask changes nothing: fused
    assert len(calls) == 1
    partial = full.clone()
    partial[0, 4:] = False
    keras.layers.LSTM(2)(x, mask=partial)
    keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")(x)
    keras.layers.LSTM(2, recurrent_dropout=0.3)(x, training=True)
    assert len(calls) == 1
    keras.layers.LSTM(2, recurrent_dropout=0.3)(x, training=False)  # inactive: fused
    assert len(calls) == 2


def test_use_bias_false_and_weights_view():
    layer = keras.layers.LSTM(3, use_bias=False)
    layer(X)
    assert [w.shape for w in layer.get_weights()] == [(4, 12), (3, 12)]
    assert layer.cell.torch_params()[0].data_ptr() == layer.cell.kernel.data_ptr()  # no copy


def test_config_keys_and_round_trip():
    layer = keras.layers.LSTM(3, dropout=0.1, return_sequences=True, name="enc")
    config = layer.get_config()
    for key in ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                "bias_constraint", "dropout", "recurrent_dropout", "implementation",
                "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                "time_major"):
        assert key in config, key
    assert "cell" not in config
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    clone = keras.layers.LSTM.from_config(config)
    assert clone.units == 3 and clone.dropout == 0.1 and clone.return_sequences


def test_summary_param_count():
    model = keras.Sequential([keras.Input((10, 8)), keras.layers.LSTM(16)])
    assert model.count_params() == 4 * 16 * (8 + 16 + 1)  # Keras: 1600


def test_regularizer_and_constraint_apply_to_keras_layout():
    layer = keras.layers.LSTM(2, kernel_regularizer=keras.regularizers.l2(0.1))
    layer(X)
    expected = 0.1 * np.sum(layer.get_weights()[0] ** 2)
    np.testing.assert_allclose(float(sum(layer.losses).detach()), expected, rtol=1e-5)
