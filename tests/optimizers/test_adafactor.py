"""Adafactor: a numpy reference of Keras's formula (factored over Keras's last two axes),
the Keras variable list, config, and registration."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import optimizers


def _reference_step(var, grad, r, c, v, t, lr=0.01, decay=-0.8, eps1=1e-30, eps2=1e-3,
                    clip=1.0, relative=True):
    """tf-keras Adafactor.update_step in float64 numpy (``var`` in Keras layout)."""
    if relative:
        lr = min(lr, 1 / np.sqrt(t))
    rho = min(lr, 1 / np.sqrt(t))
    alpha = max(eps2, np.sqrt(np.mean(var ** 2))) * rho
    g2 = grad ** 2 + eps1
    beta = 1 - t ** decay
    if var.ndim >= 2:
        r[:] = beta * r + (1 - beta) * g2.mean(-1)
        c[:] = beta * c + (1 - beta) * g2.mean(-2)
        v[:] = (r / r.mean(-1, keepdims=True))[..., None] * c[..., None, :]
    else:
        v[:] = beta * v + (1 - beta) * g2
    u = grad / np.sqrt(v)
    u = u / max(1.0, np.sqrt(np.mean(u ** 2)) / clip)
    return var - alpha * u


def test_matches_reference_on_a_dense_layer():
    rs = np.random.RandomState(0)
    layer = keras.layers.Dense(3, input_shape=(5,))
    layer.build((None, 5))
    kernel, bias = [w.astype(np.float64) for w in layer.get_weights()]
    bias = bias + rs.rand(3) * 0.1
    layer.set_weights([kernel, bias])
    opt = optimizers.Adafactor(learning_rate=0.05)
    opt.build(layer.trainable_weights)
    state = {"k": [np.zeros(5), np.zeros(3), np.zeros((5, 3))],
             "b": [None, None, np.zeros(3)]}
    for t in range(1, 4):
        gk, gb = rs.randn(5, 3), rs.randn(3)
        opt.apply_gradients([(torch.tensor(gk, dtype=torch.float32), layer.trainable_weights[0]),
                             (torch.tensor(gb, dtype=torch.float32), layer.trainable_weights[1])])
        kernel = _reference_step(kernel, gk, *state["k"], t=t, lr=0.05)
        bias = _reference_step(bias, gb, *state["b"], t=t, lr=0.05)
    got_kernel, got_bias = layer.get_weights()
    np.testing.assert_allclose(got_kernel, kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_bias, bias, rtol=1e-5, atol=1e-6)
    # Keras's variable list: iterations, r/c/v for the kernel, v only for the bias
    shapes = [tuple(v.shape) for v in opt.variables]
    assert shapes == [(), (5,), (3,), (5, 3), (3,)]


def test_plain_torch_parameters_and_torch_style_construction():
    p = torch.nn.Parameter(torch.ones(4, 2))
    opt = optimizers.Adafactor([p], learning_rate=0.1, relative_step=False)
    p.grad = torch.full_like(p, 0.5)
    opt.step()
    assert torch.all(p < 1) and opt.iterations == 1


def test_config_and_lookup():
    opt = optimizers.get("adafactor")
    assert isinstance(opt, optimizers.Adafactor)
    config = optimizers.Adafactor(beta_2_decay=-0.5, clip_threshold=2.0).get_config()
    assert config["beta_2_decay"] == -0.5 and config["clip_threshold"] == 2.0
    clone = optimizers.deserialize(optimizers.serialize(optimizers.Adafactor(0.02)))
    assert clone.learning_rate == pytest.approx(0.02)
