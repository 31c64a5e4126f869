"""The XOR tutorial: a 2-8-1 network trained with SGD at batch_size=1.

Run: python examples/xor.py [EPOCHS]   (the tutorial uses 3000)
"""
import sys

import numpy as np

import torchkeras as keras
from torchkeras.layers import Dense
from torchkeras.models import Sequential
from torchkeras.optimizers import SGD

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
keras.utils.set_random_seed(0)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = np.array([[0], [1], [1], [0]], dtype="float32")

model = Sequential()
model.add(Dense(8, input_dim=2, activation="tanh"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.1), metrics=["accuracy"])
model.fit(X, y, batch_size=1, epochs=epochs, verbose=0)

print("XOR predictions:", model.predict(X, verbose=0).round(3).ravel())
loss, accuracy = model.evaluate(X, y, verbose=0)
print(f"XOR: loss={loss:.4f} accuracy={accuracy:.2f}")
