"""GRU: reset_after layouts, torch's r,z,n reorder, fused == per-step, reset_after=False."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

X = np.random.RandomState(2).uniform(-1, 1, (3, 6, 4)).astype("float32")


@pytest.mark.parametrize("reset_after, bias_shape", [(True, (2, 9)), (False, (9,))])
def test_layer_test(reset_after, bias_shape):
    layer_test(keras.layers.GRU, {"units": 3, "reset_after": reset_after},
               input_shape=(2, 5, 4), expected_output_shape=(None, 3),
               expected_weight_shapes=[(4, 9), (3, 9), bias_shape])


def test_fused_matches_per_step(monkeypatch):
    fused = keras.layers.GRU(4, return_sequences=True, return_state=True)
    fused(X)
    rs = np.random.RandomState(0)
    fused.set_weights([rs.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in fused.get_weights()])
    general = keras.layers.RNN(keras.layers.GRUCell(4), return_sequences=True,
                               return_state=True)
    general(X)
    general.set_weights(fused.get_weights())
    calls = []
    original = torch.gru
    monkeypatch.setattr(torch, "gru", lambda *a: calls.append(1) or original(*a))
    x = torch.tensor(X)
    out_f, out_g = fused(x), general(x)
    assert calls
    for a, b in zip(out_f, out_g):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-6)
    out_f[0].pow(2).sum().backward()
    out_g[0].pow(2).sum().backward()
    for wf, wg in zip(fused.trainable_weights, general.trainable_weights):
        np.testing.assert_allclose(wf.tensor.grad.numpy(), wg.tensor.grad.numpy(), atol=1e-5)


def test_torch_mapping_matches_nn_gru():
    layer = keras.layers.GRU(3, return_sequences=True)
    layer(X)
    reference = torch.nn.GRU(4, 3, batch_first=True)
    w_ih, w_hh, b_ih, b_hh = layer.cell.torch_params()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(w_ih)
        reference.weight_hh_l0.copy_(w_hh)
        reference.bias_ih_l0.copy_(b_ih)
        reference.bias_hh_l0.copy_(b_hh)
    expected = reference(torch.tensor(X))[0].detach().numpy()
    np.testing.assert_allclose(np.asarray(layer(X)), expected, atol=1e-6)


def test_reset_after_false_runs_per_step(monkeypatch):
    calls = []
    monkeypatch.setattr(torch, "gru", lambda *a: calls.append(1))
    out = keras.layers.GRU(3, reset_after=False)(X)
    assert out.shape == (3, 3) and not calls


def test_config():
    config = keras.layers.GRU(3, reset_after=False).get_config()
    assert config["reset_after"] is False and "cell" not in config
    assert keras.layers.GRU.from_config(config).reset_after is False
    model = keras.Sequential([keras.Input((10, 8)), keras.layers.GRU(16)])
    assert model.count_params() == 3 * 16 * (8 + 16 + 2)  # Keras: 1248 (reset_after=True)
