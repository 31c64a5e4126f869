# The classic perceptron: learn the logical AND gate with a single neuron.
import numpy as np
import tensorflow as tf
from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import Adam

np.random.seed(7)
tf.random.set_seed(7)  # the weights: np.random.seed alone leaves them unseeded

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = np.array([0, 0, 0, 1], dtype="float32")

model = Sequential()
model.add(Dense(1, input_dim=2, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=Adam(learning_rate=0.1), metrics=["accuracy"])
model.fit(X, y, epochs=150, batch_size=4, verbose=0)

_, accuracy = model.evaluate(X, y, verbose=0)
print("Accuracy: %.2f" % (accuracy * 100))
predictions = (model.predict(X) > 0.5).astype("int32")
for inputs, prediction in zip(X, predictions):
    print("%s => %d" % (inputs.tolist(), prediction[0]))
print(model.weights[0])
