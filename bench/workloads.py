"""The benchmark workloads: each pairs a torchkeras run with the equivalent hand-written
torch loop (same architecture, optimizer, batch size, per-epoch shuffling)."""
from __future__ import annotations

import time
from typing import Callable, Dict, Optional

import numpy as np
import torch
import torch.nn.functional as F

import torchkeras as keras


def time_call(fn: Callable[[], object], device: torch.device) -> float:
    """Seconds ``fn()`` takes, the device's queued work included."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


class Workload:
    description = ""
    steps = 0

    def warm_up(self) -> None:
        self.torchkeras()
        self.torch()

    def torchkeras(self) -> None:
        raise NotImplementedError

    def torch(self) -> None:
        raise NotImplementedError


def _torch_epoch(module: torch.nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                 y: torch.Tensor, batch_size: int, loss_fn: Callable,
                 compute: Optional[Callable] = None) -> float:
    """One shuffled epoch of a plain torch loop; the loss is accumulated on the device and
    read once, as a careful hand-written loop does. ``compute(x, y)``, when given, is the
    forward and loss in one call (a compiled one)."""
    module.train()
    order = torch.randperm(x.shape[0], device=x.device)
    total = torch.zeros((), device=x.device)
    for start in range(0, x.shape[0], batch_size):
        index = order[start:start + batch_size]
        loss = loss_fn(module(x[index]), y[index]) if compute is None else \
            compute(x[index], y[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach() * index.shape[0]
    return float(total)


def _adam(module: torch.nn.Module) -> torch.optim.Optimizer:
    return torch.optim.Adam(module.parameters(), lr=1e-3, eps=1e-7, foreach=True)


class MLP(Workload):
    def __init__(self, smoke: bool, device: torch.device, samples: int = 60000):
        samples = 1024 if smoke else samples
        rng = np.random.RandomState(0)
        self.x = rng.rand(samples, 784).astype("float32")
        self.y = rng.randint(0, 10, samples).astype("int64")
        self.xt = torch.from_numpy(self.x).to(device)
        self.yt = torch.from_numpy(self.y).to(device)
        self.batch_size = 128
        self.steps = -(-samples // self.batch_size)
        self.description = f"MLP 784-128-10, Adam, batch 128, {samples} samples, 1 epoch"
        self.device = device

    def torchkeras(self) -> None:
        model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, verbose=0)

    def torch(self) -> None:
        net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                  torch.nn.Linear(128, 10)).to(self.device)
        _torch_epoch(net, _adam(net), self.xt, self.yt, self.batch_size, F.cross_entropy)


class Predict(MLP):
    def __init__(self, smoke: bool, device: torch.device):
        super().__init__(smoke, device)
        self.model = keras.Sequential([
            keras.layers.Dense(128, activation="relu", input_shape=(784,)),
            keras.layers.Dense(10, activation="softmax")])
        self.net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                       torch.nn.Linear(128, 10), torch.nn.Softmax(-1))
        self.net.to(device).eval()
        self.steps = -(-len(self.x) // 32)
        self.description = f"predict, MLP 784-128-10, {len(self.x)} samples, batch 32"

    def torchkeras(self) -> None:
        self.model.predict(self.x, verbose=0)

    def torch(self) -> None:
        x = torch.from_numpy(self.x).to(self.device)  # the loop starts from NumPy too
        outputs = []
        with torch.inference_mode():
            for start in range(0, x.shape[0], 32):
                outputs.append(self.net(x[start:start + 32]))
        torch.cat(outputs).cpu().numpy()


class XOR(Workload):
    def __init__(self, smoke: bool, device: torch.device):
        self.x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
        self.y = np.array([[0], [1], [1], [0]], dtype="float32")
        self.epochs = 25 if smoke else 500
        self.steps = 4 * self.epochs
        self.description = f"XOR 2-2-1, SGD(0.1), batch_size=1, {self.epochs} epochs"
        self.device = device

    def torchkeras(self) -> None:
        model = keras.Sequential([keras.layers.Dense(2, input_dim=2, activation="tanh"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy",
                      optimizer=keras.optimizers.SGD(learning_rate=0.1))
        model.fit(self.x, self.y, batch_size=1, epochs=self.epochs, verbose=0)

    def torch(self) -> None:
        net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(),
                                  torch.nn.Linear(2, 1)).to(self.device)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1, foreach=True)
        x = torch.from_numpy(self.x).to(self.device)
        y = torch.from_numpy(self.y).to(self.device)
        for _ in range(self.epochs):
            _torch_epoch(net, optimizer, x, y, 1, F.binary_cross_entropy_with_logits)


class CNN(Workload):
    def __init__(self, smoke: bool, device: torch.device):
        samples = 512 if smoke else (60000 if device.type == "cuda" else 6016)
        rng = np.random.RandomState(0)
        self.x = rng.rand(samples, 28, 28, 1).astype("float32")
        self.y = rng.randint(0, 10, samples).astype("int64")
        # An NCHW view of the NumPy data (no copy; C=1 makes it contiguous as it is).
        self.xt = torch.from_numpy(self.x).permute(0, 3, 1, 2).to(device)
        self.yt = torch.from_numpy(self.y).to(device)
        self.steps = -(-samples // 128)
        self.description = (f"CNN 28x28x1: Conv2D(32,3)+MaxPool+Conv2D(64,3)+MaxPool+Dense(10), "
                            f"Adam, batch 128, {samples} samples")
        self.device = device

    def torchkeras(self) -> None:
        layers = keras.layers
        model = keras.Sequential([
            layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(self.x, self.y, batch_size=128, epochs=1, verbose=0)

    def torch(self) -> None:
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(64 * 5 * 5, 10)).to(self.device)
        _torch_epoch(net, _adam(net), self.xt, self.yt, 128, F.cross_entropy)


class _TorchLSTMClassifier(torch.nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, 32)
        self.lstm = torch.nn.LSTM(32, 32, batch_first=True)
        self.dense = torch.nn.Linear(32, 1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(self.embedding(ids))  # h: (1, batch, 32)
        return self.dense(h[0])


class LSTM(Workload):
    def __init__(self, smoke: bool, device: torch.device):
        samples = 256 if smoke else (25000 if device.type == "cuda" else 2048)
        rng = np.random.RandomState(0)
        self.vocab = 2000
        self.x = rng.randint(1, self.vocab, size=(samples, 80)).astype("int64")
        self.y = rng.randint(0, 2, size=(samples, 1)).astype("float32")
        self.xt = torch.from_numpy(self.x).to(device)
        self.yt = torch.from_numpy(self.y).to(device)
        self.steps = -(-samples // 64)
        self.description = (f"Embedding({self.vocab},32)+LSTM(32)+Dense(1), 80 steps, Adam, "
                            f"batch 64, {samples} samples")
        self.device = device

    def torchkeras(self) -> None:
        layers = keras.layers
        model = keras.Sequential([layers.Embedding(self.vocab, 32, input_length=80),
                                  layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(self.x, self.y, batch_size=64, epochs=1, verbose=0)

    def torch(self) -> None:
        net = _TorchLSTMClassifier(self.vocab).to(self.device)
        _torch_epoch(net, _adam(net), self.xt, self.yt, 64, F.binary_cross_entropy_with_logits)


class _TorchNormMLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.LayerNorm(256, eps=1e-3),
            torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.LayerNorm(256, eps=1e-3),
            torch.nn.Linear(256, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class JitMLP(Workload):
    """``compile(jit_compile=True)`` against the eager hand-written loop, on a model whose
    elementwise work (bias, ReLU, LayerNormalization) torch.compile can fuse on a CPU too.
    ``torch_compiled`` is the hand-written loop with its forward and loss compiled: what
    torch.compile itself gains here, for reference."""

    def __init__(self, smoke: bool, device: torch.device):
        samples = 1024 if smoke else 16384
        rng = np.random.RandomState(0)
        self.x = rng.rand(samples, 64).astype("float32")
        self.y = rng.randint(0, 10, samples).astype("int64")
        self.xt = torch.from_numpy(self.x).to(device)
        self.yt = torch.from_numpy(self.y).to(device)
        self.steps = -(-samples // 256)
        self.description = (f"jit_compile=True: MLP 64-256-LN-256-LN-10 (ReLU), Adam, batch 256, "
                            f"{samples} samples, vs the eager loop")
        self.device = device
        self.model = self._model()
        self.net = _TorchNormMLP().to(device)
        self.optimizer = _adam(self.net)
        self.compiled_net = _TorchNormMLP().to(device)
        self.compiled_optimizer = _adam(self.compiled_net)
        self.compiled_loss = torch.compile(
            lambda x, y: F.cross_entropy(self.compiled_net(x), y))

    @staticmethod
    def _model() -> "keras.Model":
        layers = keras.layers
        model = keras.Sequential([
            layers.Dense(256, activation="relu", input_shape=(64,)),
            layers.LayerNormalization(), layers.Dense(256, activation="relu"),
            layers.LayerNormalization(), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      jit_compile=True)
        return model

    def warm_up(self) -> None:  # compiles both (two epochs: the first one traces)
        for _ in range(2):
            self.torchkeras()
            self.torch()
            self.torch_compiled()

    def torchkeras(self) -> None:  # one compiled model, kept: compiling is a one-time cost
        self.model.fit(self.x, self.y, batch_size=256, epochs=1, verbose=0)

    def torch(self) -> None:
        _torch_epoch(self.net, self.optimizer, self.xt, self.yt, 256, F.cross_entropy)

    def torch_compiled(self) -> None:
        _torch_epoch(self.compiled_net, self.compiled_optimizer, self.xt, self.yt, 256,
                     F.cross_entropy, compute=self.compiled_loss)


def _needs(*names: str) -> Callable:
    def wrap(cls: type) -> Callable:
        def make(smoke: bool, device: torch.device) -> Optional[Workload]:
            if not all(hasattr(keras.layers, n) for n in names):
                return None
            return cls(smoke, device)
        return make
    return wrap


WORKLOADS: Dict[str, Callable] = {
    "mlp": _needs()(MLP),
    "cnn": _needs("Conv2D", "MaxPooling2D")(CNN),
    "lstm": _needs("Embedding", "LSTM")(LSTM),
    "xor": _needs()(XOR),
    "predict": _needs()(Predict),
    "jit": _needs("LayerNormalization")(JitMLP),
}
