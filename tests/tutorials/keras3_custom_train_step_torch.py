# In the style of keras.io "Customizing what happens in fit() with PyTorch" (Keras 3, torch
# backend): train_step with self.compute_loss, self.zero_grad(), loss.backward(),
# v.value.grad and self.optimizer.apply; Mean trackers listed in `metrics`; sample_weight;
# test_step; a small GAN with two optimizers and keras.random.SeedGenerator.
import os

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import torch
import keras
from keras import layers

keras.utils.set_random_seed(3)


class CustomModel(keras.Model):
    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


x = np.random.random((256, 8)).astype("float32")
y = x @ np.linspace(-1, 1, 8).reshape(8, 1).astype("float32")
sw = np.random.random((256, 1)).astype("float32")

inputs = keras.Input(shape=(8,))
model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
history = model.fit(x, y, epochs=3, verbose=0)
print("custom step keys:", sorted(history.history))
print("custom step loss falls:", history.history["loss"][-1] < history.history["loss"][0])
history = model.fit(x, y, sample_weight=sw, epochs=1, verbose=0)
print("sample_weight keys:", sorted(history.history))
result = model.evaluate(x, y, verbose=0, return_dict=True)
print("evaluate keys:", sorted(result))


class TrackerModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.steps_seen = keras.metrics.Sum(name="steps")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.loss_fn(y, y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        self.steps_seen.update_state(1.0)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result(),
                "steps": self.steps_seen.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric, self.steps_seen]


inputs = keras.Input(shape=(8,))
model = TrackerModel(inputs, keras.layers.Dense(1)(inputs))
model.compile(optimizer="adam")
history = model.fit(x, y, batch_size=64, epochs=3, verbose=0)
print("steps per epoch (reset each epoch):", history.history["steps"])
print("metrics_names:", model.metrics_names)
print("metrics result:", sorted(model.get_metrics_result()))
model.reset_metrics()
print("after reset_metrics:", float(model.steps_seen.result()))

discriminator = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ],
    name="discriminator",
)
latent_dim = 4
generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        layers.Dense(4 * 4 * 8),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((4, 4, 8)),
        layers.Conv2DTranspose(8, (4, 4), strides=(2, 2), padding="same"),
        layers.Conv2D(1, (3, 3), padding="same", activation="sigmoid"),
    ],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = real_images.shape[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.generator(random_latent_vectors)
        combined_images = torch.concat([generated_images, real_images], axis=0)
        labels = torch.concat([torch.ones((batch_size, 1)), torch.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * keras.random.uniform(labels.shape, seed=self.seed_generator)
        self.zero_grad()
        predictions = self.discriminator(combined_images)
        d_loss = self.loss_fn(labels, predictions)
        d_loss.backward()
        grads = [v.value.grad for v in self.discriminator.trainable_weights]
        with torch.no_grad():
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = torch.zeros((batch_size, 1))
        self.zero_grad()
        predictions = self.discriminator(self.generator(random_latent_vectors))
        g_loss = self.loss_fn(misleading_labels, predictions)
        g_loss.backward()
        grads = [v.value.grad for v in self.generator.trainable_weights]
        with torch.no_grad():
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


digits = np.random.random((64, 8, 8, 1)).astype("float32")
dataset = torch.utils.data.TensorDataset(torch.from_numpy(digits), torch.from_numpy(digits))
dataloader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True)
kernel = discriminator.layers[0].kernel
before = kernel.numpy().copy()
gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
history = gan.fit(dataloader, epochs=1, verbose=0)
print("gan keys:", sorted(history.history))
print("conv kernel trained:", bool(np.abs(kernel.numpy() - before).max() > 0))
print("optimizer iterations:", int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations))
