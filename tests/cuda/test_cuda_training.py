"""On a CUDA device: the same numbers as on the CPU, no host synchronisation inside the
training steps, mixed precision with loss scaling, streamed data, jit_compile and cuDNN
recurrent layers. Every test here skips on a machine without CUDA."""
import contextlib

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras import mixed_precision
from torchkeras.backend import device as device_module

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(autouse=True)
def _restore_device_and_policy():
    yield
    device_module.set_device(None)
    mixed_precision.set_global_policy(None)


def _data(samples=256):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(samples, 12)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 0)


def _train(device, epochs=3, jit_compile=None, **fit_kwargs):
    device_module.set_device(device)
    keras.utils.set_random_seed(11)
    model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(12,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    x, y = _data()
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=False,
                        **fit_kwargs)
    return model, history.history


def test_fit_on_cuda_matches_cpu():
    cpu_model, cpu_history = _train("cpu")
    cuda_model, cuda_history = _train("cuda")
    assert next(cuda_model.parameters()).device.type == "cuda"
    for key in cpu_history:  # TF32 is off for float32 matmuls by default in torch
        np.testing.assert_allclose(cuda_history[key], cpu_history[key], rtol=1e-4, atol=1e-5)
    for a, b in zip(cuda_model.get_weights(), cpu_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    x, _ = _data()
    np.testing.assert_allclose(cuda_model.predict(x, verbose=0), cpu_model.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-5)


@contextlib.contextmanager
def _no_host_sync():
    torch.cuda.set_sync_debug_mode("error")
    try:
        yield
    finally:
        torch.cuda.set_sync_debug_mode("default")


def test_train_steps_do_not_synchronise_with_the_host():
    model, _ = _train("cuda", epochs=1)  # built, optimizer state created
    x, y = _data()
    xt = torch.from_numpy(x).cuda()
    yt = torch.from_numpy(y).cuda()
    from torchkeras.engine import trainer
    runner = trainer.StepRunner(model)
    with _no_host_sync():  # raises on .item(), .cpu(), nonzero(), ...
        for start in range(0, 256, 32):
            runner.dispatch_train_step(xt[start:start + 32], yt[start:start + 32], None)
    torch.cuda.synchronize()


def test_streamed_host_data_gives_the_same_training(monkeypatch):
    _, resident = _train("cuda")
    monkeypatch.setenv("TORCHKERAS_DEVICE_DATA_MB", "0")  # batches copied from pinned memory
    _, streamed = _train("cuda")
    for key in resident:
        np.testing.assert_allclose(streamed[key], resident[key], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_trains_on_cuda(policy):
    _, reference = _train("cuda")
    mixed_precision.set_global_policy(policy)
    model, history = _train("cuda")
    assert model.layers[0].compute_dtype == policy.split("_")[1]
    assert all(w.dtype == np.float32 for w in model.get_weights())
    np.testing.assert_allclose(history["loss"], reference["loss"], atol=5e-2)
    if policy == "mixed_float16":
        assert isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)


def test_jit_compile_on_cuda_matches_eager():
    _, eager = _train("cuda")
    model, compiled = _train("cuda", jit_compile=True)
    assert not model.compiled.jit_step.failed
    for key in eager:
        np.testing.assert_allclose(compiled[key], eager[key], rtol=1e-4, atol=1e-5)


def test_cudnn_lstm_matches_cpu():
    def run(device):
        device_module.set_device(device)
        keras.utils.set_random_seed(4)
        model = keras.Sequential([keras.layers.Embedding(50, 8, input_length=10),
                                  keras.layers.LSTM(16), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy")
        rng = np.random.default_rng(1)
        ids = rng.integers(1, 50, (64, 10))
        labels = rng.integers(0, 2, (64, 1)).astype("float32")
        history = model.fit(ids, labels, epochs=2, batch_size=16, verbose=0, shuffle=False)
        return history.history["loss"], model.predict(ids, verbose=0)
    cpu_loss, cpu_pred = run("cpu")
    cuda_loss, cuda_pred = run("cuda")
    np.testing.assert_allclose(cuda_loss, cpu_loss, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(cuda_pred, cpu_pred, rtol=1e-4, atol=1e-5)
