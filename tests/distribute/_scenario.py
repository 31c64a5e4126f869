"""The training scenario run both in one process (the reference) and under torchrun."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
import torch

import torchkeras
from torchkeras import layers


def arrays():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(11, 4)).astype("float32")  # 11 = 4 + 4 + 3: an uneven last batch
    y = (x @ rng.normal(size=(4, 1)) + 0.1).astype("float32")
    x_val = rng.normal(size=(5, 4)).astype("float32")  # 5 = 4 + 1: a process gets nothing
    y_val = rng.normal(size=(5, 1)).astype("float32")
    return x, y, x_val, y_val


def build_model():
    torchkeras.backend.set_random_seed(0)
    model = torchkeras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                                   layers.Dense(1)])
    model.compile(optimizer=torchkeras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    return model


def train(callbacks: List[Any] = (), verbose: int = 0) -> Dict[str, Any]:
    """fit (shuffle=False) + evaluate + predict; every result as NumPy."""
    x, y, x_val, y_val = arrays()
    model = build_model()
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=verbose,
                        validation_data=(x_val, y_val), callbacks=list(callbacks))
    result = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    result.update({f"history_{k}": np.asarray(v) for k, v in history.history.items()})
    result["evaluate"] = np.asarray(model.evaluate(x_val, y_val, batch_size=4, verbose=0))
    result["predict"] = model.predict(x, batch_size=4, verbose=0)
    result["predict_val"] = model.predict(x_val, batch_size=4, verbose=0)
    batches = (x[i:i + 4] for i in range(0, 11, 4))  # a generator: shared per batch
    result["predict_generator"] = model.predict(batches, steps=3, verbose=0)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
    result["evaluate_dataset"] = np.asarray(model.evaluate(dataset, batch_size=4, verbose=0))
    # The last batch of 1 sample leaves one process empty during training too.
    model.fit(x[:9], y[:9], batch_size=4, epochs=1, shuffle=False, verbose=0)
    result.update({f"after_empty_w{i}": w for i, w in enumerate(model.get_weights())})
    return result


class TorchStyleStep(torchkeras.Model):
    """A custom train_step with loss.backward() and optimizer.step()."""

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return self.compute_metrics(x, y, y_pred)


class MinimizeStep(torchkeras.Model):
    """A custom train_step through optimizer.minimize (apply_gradients)."""

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred)
        self.optimizer.minimize(loss, self.trainable_weights)
        return self.compute_metrics(x, y, y_pred)


def train_custom_steps() -> Dict[str, Any]:
    """Custom train_steps on even shares (8 samples, global batch 4)."""
    x, y = arrays()[:2]
    result = {}
    for cls in (TorchStyleStep, MinimizeStep):
        torchkeras.backend.set_random_seed(1)
        inputs = torchkeras.Input((4,))
        model = cls(inputs, layers.Dense(1)(layers.Dense(8, activation="tanh")(inputs)))
        model.compile(optimizer=torchkeras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
        history = model.fit(x[:8], y[:8], batch_size=4, epochs=2, shuffle=False, verbose=0)
        result.update({f"{cls.__name__}_w{i}": w for i, w in enumerate(model.get_weights())})
        result[f"{cls.__name__}_loss"] = np.asarray(history.history["loss"])
    return result
