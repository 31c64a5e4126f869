"""Launched by test_fault.py under torchrun: rank 1 dies in the middle of fit."""
import os

import numpy as np

import torchkeras as keras


class DieOnRankOne(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(os.environ.get("RANK", "0")) == 1 and batch == 2:
            os._exit(3)  # a crashed worker: no cleanup, no goodbye to the process group


x = np.random.RandomState(0).rand(256, 4).astype("float32")
model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                          keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, x.sum(axis=1), batch_size=16, epochs=50, verbose=0, callbacks=[DieOnRankOne()])
print("rank", os.environ.get("RANK"), "finished training", flush=True)
