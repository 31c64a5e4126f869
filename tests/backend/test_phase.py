"""The enclosing call's `training` is per thread: threads calling models at once must not
leave one another's value behind (it once leaked `False` into later calls)."""
import threading

import numpy as np

import torchkeras as keras
from torchkeras.backend import phase


def test_threads_calling_models_leave_no_training_value_behind():
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    x = np.ones((16, 3), "float32")
    seen = []

    def run(training: bool) -> None:
        for _ in range(30):
            model(x, training=training)
        seen.append(phase.call_training())

    threads = [threading.Thread(target=run, args=(i % 2 == 0,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [None] * 8
    assert phase.call_training() is None


def test_each_thread_sees_its_own_enclosing_training():
    barrier = threading.Barrier(2)
    seen = {}

    def run(value: bool) -> None:
        previous = phase.enter_call_training(value)
        barrier.wait()  # both threads inside their call at once
        seen[value] = phase.call_training()
        barrier.wait()
        phase.exit_call_training(previous)

    threads = [threading.Thread(target=run, args=(v,)) for v in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {True: True, False: False}
