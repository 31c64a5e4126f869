"""A tiny compiled model for the callback tests."""
import numpy as np

import torchkeras as keras


def data(n=32, seed=0):
    rs = np.random.RandomState(seed)
    x = rs.rand(n, 3).astype(np.float32)
    y = (x.sum(1, keepdims=True) > 1.5).astype(np.float32)
    return x, y


def model(lr=0.1, optimizer=None):
    m = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                          keras.layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer or keras.optimizers.SGD(learning_rate=lr), "binary_crossentropy",
              metrics=["accuracy"])
    return m
