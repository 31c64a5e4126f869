"""``tf.GradientTape``: gradients in Keras layout, recording of layers called on NumPy."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.compat import GradientTape


def test_model_gradients_match_fit_step():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(3, activation="tanh", input_shape=(4,)),
                              keras.layers.Dense(1)])
    x = np.random.RandomState(0).normal(size=(8, 4)).astype("float32")
    y = np.ones((8, 1), "float32")
    loss_fn = keras.losses.MeanSquaredError()
    with GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    assert [tuple(g.shape) for g in grads] == [v.shape for v in model.trainable_weights]
    # Reference: torch autograd on the same computation.
    w0, b0, w1, b1 = [torch.tensor(v.numpy(), requires_grad=True) for v in model.trainable_weights]
    ref = ((torch.tanh(torch.from_numpy(x) @ w0 + b0) @ w1 + b1 - 1) ** 2).mean()
    ref.backward()
    for g, r in zip(grads, (w0, b0, w1, b1)):
        assert np.allclose(g.numpy(), r.grad.numpy(), atol=1e-6)
    before = model.get_weights()
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    after = model.get_weights()
    assert np.allclose(after[0], before[0] - 0.1 * grads[0].numpy(), atol=1e-6)


def test_numpy_call_outside_tape_does_not_record():
    layer = keras.layers.Dense(2)
    out = layer(np.ones((1, 3), "float32"))
    assert not out.requires_grad
    with GradientTape():
        assert layer(np.ones((1, 3), "float32")).requires_grad


def test_watch_persistent_and_unconnected():
    x = torch.tensor(3.0)
    unused = torch.tensor(1.0, requires_grad=True)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).item() == 6.0
    assert tape.gradient(y, [x, unused])[1] is None
    assert tape.gradient(y, {"a": unused}, unconnected_gradients="zero")["a"].item() == 0.0
    with GradientTape() as tape:
        tape.watch(x)
        z = x * 2
    tape.gradient(z, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.gradient(z, x)


def test_two_tapes_share_one_graph():
    w = torch.tensor(2.0, requires_grad=True)
    with GradientTape() as t1, GradientTape() as t2:
        shared = w * 3
        a, b = shared * 2, shared * 5
    assert t1.gradient(a, w).item() == 6.0
    assert t2.gradient(b, w).item() == 15.0
