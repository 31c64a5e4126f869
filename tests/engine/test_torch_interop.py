"""A torchkeras model used from plain torch code, and torch-style code inside Keras models."""
import warnings

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

import torchkeras as keras


def _mlp(seed=0):
    torch.manual_seed(seed)
    # Layer names are torch submodule names: fixed names give equal state_dict keys.
    return keras.Sequential([keras.Input((4,)),
                             keras.layers.Dense(8, activation="tanh", name="hidden"),
                             keras.layers.Dense(1, name="out")])


def _data(n=40):
    rng = np.random.RandomState(0)
    x = rng.rand(n, 4).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) - 2).astype("float32")


# ----------------------------------------------------------------- torch uses Keras
def test_call_on_tensors_is_differentiable():
    model = _mlp()
    x = torch.randn(5, 4, requires_grad=True)
    out = model(x)
    assert out.requires_grad and type(out) is torch.Tensor
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert all(p.grad is not None for p in model.parameters())
    assert len(list(model.parameters())) == len(model.trainable_weights) == 4


def test_state_dict_round_trip_and_dtype_device_moves():
    model, other = _mlp(0), _mlp(1)
    x = torch.randn(3, 4)
    assert not torch.allclose(model(x), other(x))
    assert list(model.state_dict()) == ["hidden.kernel", "hidden.bias", "out.kernel",
                                        "out.bias"]
    other.load_state_dict(model.state_dict())
    torch.testing.assert_close(other(x), model(x))
    model.to("cpu").double()
    assert model(x.double()).dtype == torch.float64
    model.half()
    assert model(x.half()).dtype == torch.float16
    model.float()
    torch.testing.assert_close(model(x), other(x), rtol=1e-3, atol=1e-3)


def test_hooks_and_functional_call():
    model = _mlp()
    seen = []
    handle = model.layers[0].register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    model(torch.randn(5, 4))
    handle.remove()
    assert seen == [(5, 8)]
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, name="hidden")
    functional = keras.Model(inputs, keras.layers.Dense(1)(hidden(inputs)))
    hidden.register_forward_pre_hook(lambda m, args: seen.append("pre"))
    functional.compile(optimizer="sgd", loss="mse")
    functional.fit(np.ones((4, 4)), np.ones((4, 1)), batch_size=2, verbose=0)
    assert seen == [(5, 8), "pre", "pre"]  # hooks run inside fit's plan too
    zeros = {name: torch.zeros_like(p) for name, p in model.named_parameters()}
    out = torch.func.functional_call(model, zeros, (torch.randn(2, 4),))
    assert torch.equal(out, torch.zeros(2, 1))
    grads = torch.func.grad(lambda p: torch.func.functional_call(
        model, p, (torch.ones(2, 4),)).sum())(dict(model.named_parameters()))
    assert set(grads) == {"hidden.kernel", "hidden.bias", "out.kernel", "out.bias"}


def test_torch_compile():
    model = _mlp()
    x = torch.randn(6, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = torch.compile(model, backend="eager")
        torch.testing.assert_close(compiled(x), model(x))


@pytest.mark.parametrize("optimizer", ["torch_sgd", "keras_sgd"])
def test_hand_written_loop_equals_fit(optimizer):
    x, y = _data()
    fitted, looped = _mlp(), _mlp()
    fitted.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    fitted.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    if optimizer == "torch_sgd":
        opt = torch.optim.SGD(looped.parameters(), lr=0.05)
    else:
        opt = keras.optimizers.SGD(0.05)
        opt.build(looped.trainable_weights)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    looped.train()
    for _ in range(3):
        for start in range(0, len(x), 8):
            pred = looped(xt[start:start + 8])
            loss = torch.nn.functional.mse_loss(pred, yt[start:start + 8])
            opt.zero_grad()
            loss.backward()
            opt.step()
    for a, b in zip(fitted.get_weights(), looped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(fitted.get_weights()[0], _mlp().get_weights()[0])


# ------------------------------------------------------------ torch-style inside Keras
class Gated(keras.layers.Layer):
    """A layer written torch-style: weights in build, computation in forward."""

    def build(self, input_shape):
        self.gate = self.add_weight("gate", (input_shape[-1],), initializer="ones")
        super().build(input_shape)

    def forward(self, x):
        return torch.cat([x * torch.sigmoid(self.gate), x], dim=-1)


def test_forward_style_layer_in_sequential_and_functional():
    x, y = _data()
    seq = keras.Sequential([keras.Input((4,)), Gated(), keras.layers.Dense(1)])
    assert seq.layers[0].output_shape == (None, 8)
    inputs = keras.Input((4,))
    func = keras.Model(inputs, keras.layers.Dense(1)(Gated()(inputs)))
    for model in (seq, func):
        model.compile(optimizer="sgd", loss="mse")
        before = model.layers[-2].get_weights()[0].copy()
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
        assert not np.allclose(model.layers[-2].get_weights()[0], before)
        assert model.predict(x[:3], verbose=0).shape == (3, 1)


class GAN(keras.Model):
    """Keras's GAN example: two sub-models, two optimizers, a custom train_step."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def _update(self, loss, model, optimizer):
        variables = model.trainable_weights
        grads = torch.autograd.grad(loss, [v.tensor for v in variables])
        optimizer.apply_gradients(zip(grads, variables))

    def train_step(self, real):
        batch = real.shape[0]
        fake = self.generator(torch.randn(batch, self.latent_dim))
        labels = torch.cat([torch.ones(batch, 1), torch.zeros(batch, 1)])
        d_loss = self.loss_fn(labels, self.discriminator(torch.cat([fake.detach(), real])))
        self._update(d_loss, self.discriminator, self.d_optimizer)
        fake = self.generator(torch.randn(batch, self.latent_dim))
        g_loss = self.loss_fn(torch.zeros(batch, 1), self.discriminator(fake))
        self._update(g_loss, self.generator, self.g_optimizer)
        return {"d_loss": d_loss, "g_loss": g_loss}


def test_gan_two_optimizer_train_step_trains():
    torch.manual_seed(0)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(2)], name="generator")
    discriminator = keras.Sequential([keras.Input((2,)),
                                      keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)], name="discriminator")
    gan = GAN(discriminator, generator, latent_dim=4)
    gan.compile(keras.optimizers.Adam(5e-3), keras.optimizers.Adam(5e-3),
                keras.losses.BinaryCrossentropy(from_logits=True))
    target = np.array([2.0, -1.0], dtype="float32")
    real = (np.random.RandomState(0).randn(256, 2) * 0.1 + target).astype("float32")
    noise = np.random.RandomState(1).randn(200, 4).astype("float32")
    d_before = discriminator.get_weights()
    distance_before = np.abs(generator.predict(noise, verbose=0).mean(0) - target).sum()
    history = gan.fit(real, batch_size=64, epochs=12, verbose=0)
    assert list(history.history) == ["d_loss", "g_loss"]
    assert len(history.history["d_loss"]) == 12
    assert all(np.isfinite(history.history["g_loss"]))
    assert all(not np.allclose(a, b) for a, b in zip(d_before, discriminator.get_weights()))
    distance_after = np.abs(generator.predict(noise, verbose=0).mean(0) - target).sum()
    # seed 0: 0.595 of the distance before, at 1 and 2 intra-op threads alike; seeds 0-7
    # give 0.21-1.23 (GAN training oscillates), so the old 0.6 sat 1% from the edge
    assert distance_after < 0.8 * distance_before
    assert gan.d_optimizer.iterations == gan.g_optimizer.iterations == 12 * 4


# ------------------------------------------------------------------ torch data in fit
class _DictDataset(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"a": self.x[i, :2], "b": self.x[i, 2:]}, self.y[i]


def _two_input_model():
    torch.manual_seed(0)
    a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    model = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def test_fit_on_dataloaders_matches_arrays():
    x, y = _data()
    w = np.linspace(0.5, 1.5, len(x)).astype("float32")
    reference = _mlp()
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    expected = reference.fit(x, y, sample_weight=w, batch_size=8, epochs=2, shuffle=False,
                             verbose=0).history["loss"]
    triples = TensorDataset(torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(w))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pin_memory without an accelerator
        loader = DataLoader(triples, batch_size=8, num_workers=2, pin_memory=True,
                            persistent_workers=False)
        model = _mlp()
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        history = model.fit(loader, epochs=2, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-5)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fit_on_dataset_of_dicts_matches_arrays():
    x, y = _data()
    reference = _two_input_model()
    expected = reference.fit({"a": x[:, :2], "b": x[:, 2:]}, y, batch_size=8, epochs=2,
                             shuffle=False, verbose=0).history["loss"]
    model = _two_input_model()
    history = model.fit(_DictDataset(x, y), batch_size=8, shuffle=False, epochs=2, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-5)
    loader = DataLoader(_DictDataset(x, y), batch_size=8)
    assert model.predict(loader, verbose=0).shape == (40, 1)
    assert np.isfinite(model.evaluate(loader, verbose=0))
