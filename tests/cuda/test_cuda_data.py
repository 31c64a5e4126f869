"""tf.data on a CUDA device: ``prefetch`` pins batches in its background thread and fit copies
them to the GPU without blocking. Skips on a machine without CUDA."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.backend import device as device_module
from torchkeras.data import Dataset
from torchkeras.engine import data as data_module

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(autouse=True)
def _restore_device():
    yield
    device_module.set_device(None)


def _pipeline(x, y):
    return Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a * 1.0, b)).batch(16).prefetch(2)


def test_prefetch_pins_and_fit_copies_to_the_gpu_non_blocking(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")[:, None]
    batch_x, _ = next(iter(_pipeline(x, y)))
    assert batch_x.is_pinned()  # pinned by prefetch's background thread
    copies = []
    original = torch.Tensor.to

    def spy(self, *args, **kwargs):
        copies.append(kwargs.get("non_blocking", False))
        return original(self, *args, **kwargs)

    batch = data_module.IterableData(_pipeline(x, y), None, False, torch.device("cuda"))
    monkeypatch.setattr(torch.Tensor, "to", spy)
    bx, by, _ = next(iter(batch.batches(1)))
    monkeypatch.undo()
    assert bx.device.type == "cuda" and by.device.type == "cuda"
    assert copies and all(copies)  # every host-to-GPU copy was non-blocking

    losses = {}
    for name in ("cpu", "cuda"):
        device_module.set_device(name)
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(4,))])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
        losses[name] = model.fit(_pipeline(x, y), epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(losses["cuda"], losses["cpu"], rtol=1e-4)
