"""The logs each hook receives, as tf-keras 2.21 hands them (recorded with a callback that
overrides every hook and adds a key to each dict it gets)."""
import _helpers

import torchkeras as keras

# on_train_batch_begin is left to the base class, which calls on_batch_begin (its alias).
_BEGIN_HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_begin", "on_test_begin",
                "on_test_batch_begin", "on_predict_begin", "on_predict_batch_begin")


class _Recorder(keras.callbacks.Callback):
    """Records the logs of every begin hook, then adds a key to them."""

    def __init__(self):
        super().__init__()
        self.seen = {}

    def _record(self, hook, logs):
        self.seen.setdefault(hook, []).append(None if logs is None else dict(logs))
        if logs is not None:
            logs[hook] = logs.get(hook, 0) + 1  # must not reach the next batch


def _hook(name, batch_hook):
    if batch_hook:
        return lambda self, index, logs=None: self._record(name, logs)
    return lambda self, logs=None: self._record(name, logs)


for _name in _BEGIN_HOOKS + ("on_predict_end",):
    setattr(_Recorder, _name, _hook(_name, "batch" in _name or "epoch" in _name))


class _SeesSameCall(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.keys = []

    def on_train_batch_begin(self, batch, logs=None):
        self.keys.append(sorted(logs))


def test_begin_hooks_get_a_fresh_empty_dict():
    # tf-keras: `{}` for every begin hook (and on_predict_end), a new one for each call.
    model = _helpers.model()
    x, y = _helpers.data(16)
    recorder, second = _Recorder(), _SeesSameCall()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[recorder, second])
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[recorder])
    model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])
    counts = {hook: len(logs) for hook, logs in recorder.seen.items()}
    assert counts == {"on_train_begin": 1, "on_epoch_begin": 2, "on_batch_begin": 8,
                      "on_test_begin": 1, "on_test_batch_begin": 4, "on_predict_begin": 1,
                      "on_predict_batch_begin": 4, "on_predict_end": 1}
    assert all(logs == {} for seen in recorder.seen.values() for logs in seen)
    # Callbacks later in the list see what an earlier one added in the same call (tf-keras).
    assert second.keys == [["on_batch_begin"]] * 8


def test_fit_validation_runs_the_test_hooks_as_tf_keras():
    # Recorded from tf_keras 2.21 with this same script (a Callback recording every hook
    # with the sorted keys of its logs; Dense(1) on 10 samples, batch_size=4, epochs=2,
    # validation_split=0.4, validation_freq=2, metrics=["mae"]).
    import numpy as np
    import torchkeras as keras
    calls = []

    class Recorder(keras.callbacks.Callback):
        pass

    for hook in ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                 "on_test_begin", "on_test_end", "on_train_batch_begin", "on_train_batch_end",
                 "on_test_batch_begin", "on_test_batch_end"]:
        def record(self, *args, _hook=hook):
            calls.append((_hook,) + args[:-1] + (sorted(args[-1]),))
        setattr(Recorder, hook, record)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.random.rand(10, 2).astype("float32")
    model.fit(x, x[:, :1], batch_size=4, epochs=2, validation_split=0.4, verbose=0,
              callbacks=[Recorder()], validation_freq=2)
    train_epoch = [("on_train_batch_begin", 0, []), ("on_train_batch_end", 0, ["loss", "mae"]),
                   ("on_train_batch_begin", 1, []), ("on_train_batch_end", 1, ["loss", "mae"])]
    assert calls == (
        [("on_train_begin", []), ("on_epoch_begin", 0, [])] + train_epoch +
        [("on_epoch_end", 0, ["loss", "mae"]), ("on_epoch_begin", 1, [])] + train_epoch +
        [("on_test_begin", []), ("on_test_batch_begin", 0, []),
         ("on_test_batch_end", 0, ["loss", "mae"]), ("on_test_end", ["loss", "mae"]),
         ("on_epoch_end", 1, ["loss", "mae", "val_loss", "val_mae"]),
         ("on_train_end", ["loss", "mae", "val_loss", "val_mae"])])


def test_loops_skip_batch_hooks_no_callback_implements():
    from torchkeras.callbacks.base import CallbackList
    from torchkeras.engine.batch_hooks import BatchHooks, NoBatchHooks, batch_hooks

    class PredictBatches(keras.callbacks.Callback):
        def on_predict_batch_begin(self, batch, logs=None):
            pass

    def noop(step):
        pass

    plain = CallbackList([keras.callbacks.History()])
    assert isinstance(batch_hooks(plain, "train", 1, noop, noop), NoBatchHooks)
    lam = CallbackList([keras.callbacks.LambdaCallback(on_batch_end=lambda b, l: None)])
    assert isinstance(batch_hooks(lam, "train", 1, noop, noop), BatchHooks)  # the alias
    assert isinstance(batch_hooks(lam, "test", 1, noop, noop), NoBatchHooks)
    mine = CallbackList([PredictBatches()])
    assert isinstance(batch_hooks(mine, "predict", 1, noop, noop), BatchHooks)
    assert isinstance(batch_hooks(mine, "test", 1, noop, noop), NoBatchHooks)
