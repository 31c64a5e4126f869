"""compile(steps_per_execution=N): batch hooks once per N steps, the same training."""
import numpy as np
import pytest

import torchkeras as keras


@pytest.fixture(autouse=True)
def _keep_global_rng():
    """set_random_seed below must not change the random state later test files see."""
    import random
    import torch
    states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
    yield
    torch.set_rng_state(states[0])
    np.random.set_state(states[1])
    random.setstate(states[2])


class _Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.begins, self.ends = [], []

    def on_train_batch_begin(self, batch, logs=None):
        self.begins.append(batch)

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append((batch, None if logs is None else logs.get("loss")))


def _fit(steps_per_execution, epochs=2):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=steps_per_execution)
    recorder = _Recorder()
    history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, shuffle=False,
                        callbacks=[recorder])
    return history.history, model.get_weights(), recorder


def test_hooks_every_n_steps_as_keras():
    _, _, recorder = _fit(4, epochs=1)  # 10 steps: executions [0-3], [4-7], [8-9]
    assert recorder.begins == [0, 4, 8]
    assert [batch for batch, _ in recorder.ends] == [3, 7, 9]
    assert all(loss is not None for _, loss in recorder.ends)


def test_same_numbers_as_one_step_per_execution():
    history, weights, recorder = _fit(1)
    grouped_history, grouped_weights, _ = _fit(3)
    assert recorder.begins == list(range(10)) * 2
    assert grouped_history == history
    for a, b in zip(grouped_weights, weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("value", [0, -2, 1.5, "4"])
def test_invalid_value(value):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="`steps_per_execution` must be a positive integer"):
        model.compile("sgd", "mse", steps_per_execution=value)
