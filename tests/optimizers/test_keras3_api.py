"""Keras 3's optimizer API on torchkeras optimizers: ``apply``, ``build`` then ``apply``,
``gradient_accumulation_steps``, a settable ``learning_rate``, ``iterations``, config."""
import numpy as np
import pytest
import torch

import torchkeras as keras


def _params():
    return [torch.nn.Parameter(torch.tensor([[1.0, -2.0], [0.5, 3.0]])),
            torch.nn.Parameter(torch.tensor([0.25, -0.75]))]


def test_apply_equals_apply_gradients_on_keras_variables_of_a_conv_layer():
    layers = [keras.layers.Conv2D(2, 3), keras.layers.Conv2D(2, 3)]
    x = torch.rand(1, 5, 5, 1)
    for layer in layers:
        layer(x)
    layers[1].set_weights(layers[0].get_weights())
    grads = [np.random.RandomState(0).normal(size=v.shape).astype("float32")
             for v in layers[0].trainable_weights]
    a, b = keras.optimizers.Adam(0.1), keras.optimizers.Adam(0.1)
    a.apply([torch.tensor(g) for g in grads], layers[0].trainable_weights)
    b.apply_gradients(zip([torch.tensor(g) for g in grads], layers[1].trainable_weights))
    for va, vb in zip(layers[0].get_weights(), layers[1].get_weights()):
        np.testing.assert_array_equal(va, vb)
    assert int(a.iterations) == 1


def test_value_grad_is_the_gradient_in_keras_layout():
    layer = keras.layers.Conv2D(3, 2)
    out = layer(torch.rand(2, 4, 4, 5))
    out.sum().backward()
    kernel = layer.trainable_weights[0]
    grad = kernel.value.grad
    assert tuple(grad.shape) == kernel.shape == (2, 2, 5, 3)
    storage = kernel.tensor.grad  # torch layout (out, in, kh, kw)
    assert tuple(storage.shape) == (3, 5, 2, 2)
    torch.testing.assert_close(grad, storage.permute(2, 3, 1, 0))


def test_gradient_accumulation_applies_the_average_every_n_calls():
    params = _params()
    start = [p.detach().clone() for p in params]
    opt = keras.optimizers.SGD(learning_rate=0.1, gradient_accumulation_steps=2)
    g1 = [torch.ones(2, 2), torch.ones(2)]
    g2 = [torch.full((2, 2), 3.0), torch.full((2,), -1.0)]
    opt.apply(g1, params)
    assert all(torch.equal(p, s) for p, s in zip(params, start))  # stored, not applied
    assert int(opt.iterations) == 0
    opt.apply(g2, params)
    for p, s, a, b in zip(params, start, g1, g2):
        torch.testing.assert_close(p.detach(), s - 0.1 * (a + b) / 2)
    assert int(opt.iterations) == 1
    assert opt.get_config()["gradient_accumulation_steps"] == 2


def test_gradient_accumulation_in_fit_counts_updates():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    opt = keras.optimizers.SGD(0.01, gradient_accumulation_steps=4)
    model.compile(optimizer=opt, loss="mse")
    model.fit(np.ones((32, 3)), np.ones((32, 1)), batch_size=4, epochs=1, verbose=0)
    assert int(opt.iterations) == 2


def test_apply_without_variables_needs_a_built_optimizer():
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([torch.ones(2)])
    params = _params()
    opt.build(params)
    opt.apply([torch.ones(2, 2), torch.ones(2)])
    assert int(opt.iterations) == 1
    assert not torch.equal(params[1].detach(), torch.tensor([0.25, -0.75]))


def test_learning_rate_is_settable_and_reads_like_a_variable():
    opt = keras.optimizers.Lamb(learning_rate=0.01)
    opt.build(_params())
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    opt.learning_rate.assign(0.25)
    assert opt.learning_rate.numpy() == np.float32(0.25)
    assert opt.param_groups[0]["lr"] == 0.25
    assert len(opt.variables) == 1 + 2 * 2  # iterations, then momentum/velocity per variable


@pytest.mark.parametrize("name", ["Lamb", "Muon", "ScheduleFreeAdamW"])
def test_keras3_optimizers_resolve_by_name(name):
    opt = keras.optimizers.get(name.lower())
    assert type(opt).__name__ == name
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert again.get_config() == opt.get_config()


def test_variables_list_the_gradient_accumulators_before_the_slots():
    var = keras.Variable(np.ones((3,), "float32"))
    plain, accumulating = keras.optimizers.Adam(), keras.optimizers.Adam(
        gradient_accumulation_steps=2)
    plain.build([var])
    accumulating.build([var])
    assert len(accumulating.variables) == len(plain.variables) + 1
    accumulating.apply([torch.full((3,), 2.0)], [var])  # accumulated, not applied
    np.testing.assert_allclose(accumulating.variables[1].numpy(), [2.0, 2.0, 2.0])
    weights = accumulating.get_weights()
    accumulating.set_weights(weights)  # the same count round-trips
    assert len(accumulating.get_weights()) == len(weights)


def test_stateless_apply_returns_new_values_and_leaves_the_state_alone():
    var = keras.Variable(np.ones((3,), "float32"))
    opt = keras.optimizers.SGD(0.1, momentum=0.5)
    opt.build([var])
    state = [v.detach().clone() for v in opt.variables]
    params, new_state = opt.stateless_apply(state, [torch.ones(3)], [torch.full((3,), 2.0)])
    np.testing.assert_allclose(params[0].numpy(), [1.9, 1.9, 1.9], rtol=1e-6)
    assert int(new_state[0]) == 1 and int(opt.iterations) == 0
    np.testing.assert_allclose(var.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(new_state[1].numpy(), [-0.1, -0.1, -0.1], rtol=1e-6)  # momentum
    np.testing.assert_allclose(opt.variables[1].numpy(), [0.0, 0.0, 0.0])


def test_stateless_apply_checks_its_arguments():
    opt = keras.optimizers.SGD(0.1)
    with pytest.raises(ValueError, match="must be built"):
        opt.stateless_apply([], [torch.ones(1)], [torch.ones(1)])
    var = keras.Variable(np.ones((3,), "float32"))
    opt.build([var])
    with pytest.raises(ValueError, match="corresponding 1:1 to SGD\\(\\).variables"):
        opt.stateless_apply([], [torch.ones(3)], [torch.ones(3)])
    with pytest.raises(ValueError, match="whereas the optimizer was built with 1 variables"):
        opt.stateless_apply([v for v in opt.variables], [torch.ones(3)], [])
