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


class _EvalPredictRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_test_batch_begin(self, batch, logs=None):
        self.events.append(("begin", batch, None))

    def on_test_batch_end(self, batch, logs=None):
        self.events.append(("end", batch, logs))

    def on_predict_batch_begin(self, batch, logs=None):
        self.events.append(("begin", batch, None))

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("end", batch, logs))


def _eval_model(steps_per_execution):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.compile("sgd", "mse", metrics=["mae"], steps_per_execution=steps_per_execution)
    x = np.arange(90, dtype="float32").reshape(30, 3) / 90
    return model, x, np.ones((30, 2), "float32")


# Recorded from tf-keras 2.21: 10 batches, steps_per_execution=3 (and steps=5).
_KERAS_BATCHES = [("begin", 0), ("end", 2), ("begin", 3), ("end", 5), ("begin", 6),
                  ("end", 8), ("begin", 9), ("end", 9)]
_KERAS_BATCHES_5_STEPS = [("begin", 0), ("end", 2), ("begin", 3), ("end", 4)]


@pytest.mark.parametrize("steps, expected", [(None, _KERAS_BATCHES),
                                              (5, _KERAS_BATCHES_5_STEPS)])
def test_evaluate_hooks_once_per_execution_as_keras(steps, expected):
    model, x, y = _eval_model(3)
    recorder = _EvalPredictRecorder()
    result = model.evaluate(x, y, batch_size=3, steps=steps, verbose=0,
                            callbacks=[recorder], return_dict=True)
    assert [(kind, batch) for kind, batch, _ in recorder.events] == expected
    last_logs = recorder.events[-1][2]
    assert last_logs == pytest.approx(result)  # the running metrics, as Keras passes them
    plain, _, _ = _eval_model(1)
    assert plain.evaluate(x, y, batch_size=3, steps=steps, verbose=0,
                          return_dict=True) == result


@pytest.mark.parametrize("steps, expected", [(None, _KERAS_BATCHES),
                                              (5, _KERAS_BATCHES_5_STEPS)])
def test_predict_hooks_once_per_execution_as_keras(steps, expected):
    model, x, _ = _eval_model(3)
    recorder = _EvalPredictRecorder()
    predictions = model.predict(x, batch_size=3, steps=steps, verbose=0, callbacks=[recorder])
    assert [(kind, batch) for kind, batch, _ in recorder.events] == expected
    ends = [(batch, logs) for kind, batch, logs in recorder.events if kind == "end"]
    start = 0
    for batch, logs in ends:  # Keras: the outputs of the execution's batches
        rows = (batch + 1) * 3
        np.testing.assert_array_equal(logs["outputs"], predictions[start:rows])
        start = rows
    assert start == len(predictions)


def test_evaluate_progress_bar_counts_steps(capsys):
    model, x, y = _eval_model(3)
    model.evaluate(x, y, batch_size=3, verbose=1)
    assert "10/10 [" in capsys.readouterr().out
