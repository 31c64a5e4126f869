from torchkeras.callbacks import CallbackList, LambdaCallback
from _helpers import data, model


def test_calls_given_functions_in_fit():
    x, y = data()
    seen = []
    cb = LambdaCallback(on_train_begin=lambda logs: seen.append("begin"),
                        on_epoch_end=lambda epoch, logs: seen.append((epoch, sorted(logs))),
                        on_batch_end=lambda batch, logs: seen.append(("batch", batch)),
                        on_train_end=lambda logs: seen.append("end"))
    model().fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[cb])
    assert seen == ["begin", ("batch", 0), ("batch", 1), (0, ["accuracy", "loss"]), "end"]


def test_batch_logs_only_when_a_batch_function_is_given():
    assert not CallbackList([LambdaCallback(on_epoch_end=lambda e, l: None)]).needs_batch_logs()
    assert CallbackList([LambdaCallback(on_batch_end=lambda b, l: None)]).needs_batch_logs()
