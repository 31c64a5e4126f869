"""The classic perceptron: one Dense unit called on NumPy data, then trained on AND.

Run: python examples/perceptron.py
"""
import numpy as np

import torchkeras as keras
from torchkeras import layers

keras.utils.set_random_seed(1)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y_and = np.array([0, 0, 0, 1], dtype="float32")

# A layer is callable on NumPy data: it builds itself and returns the outputs.
perceptron = layers.Dense(1, activation="sigmoid")
print("untrained outputs:\n", perceptron(X))
print("weights:", [w.shape for w in perceptron.get_weights()])

model = keras.Sequential([keras.Input(shape=(2,)), perceptron])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(X, y_and, epochs=200, batch_size=4, verbose=0)
loss, accuracy = model.evaluate(X, y_and, verbose=0)
print(f"AND: loss={loss:.4f} accuracy={accuracy:.2f}")
print("predictions:", model.predict(X, verbose=0).round(3).ravel())
