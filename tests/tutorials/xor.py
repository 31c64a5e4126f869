# XOR with a two-layer network (Keras 1/2 era tutorial: keras.layers.core, SGD(lr=...)).
import numpy as np
import tensorflow as tf
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import SGD

np.random.seed(1337)
tf.random.set_seed(1337)  # the weights: np.random.seed alone leaves them unseeded

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y = np.array([[0], [1], [1], [0]])

model = Sequential()
model.add(Dense(8, input_dim=2))
model.add(Activation("tanh"))
model.add(Dense(1))
model.add(Activation("sigmoid"))

sgd = SGD(learning_rate=0.1)
model.compile(loss="binary_crossentropy", optimizer=sgd)

model.fit(X, y, batch_size=1, epochs=250, verbose=0)
print(model.predict(X))
print("loss:", model.evaluate(X, y, verbose=0))
