"""A small CNN on the bundled 8x8 digits, written as a Keras tutorial writes it.

Conv2D (padding='same', an even kernel: TensorFlow's asymmetric padding), BatchNormalization,
MaxPooling2D, Dropout, Flatten, Dense softmax. Runs in a few seconds on CPU.
Run: python examples/cnn_image_classifier.py
"""
import numpy as np

import torchkeras as keras
from torchkeras import layers

keras.utils.set_random_seed(42)

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 8, 8, 1).astype("float32") / 16.0  # (n, rows, cols, channels)
x_test = x_test.reshape(-1, 8, 8, 1).astype("float32") / 16.0

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, kernel_size=2, padding="same", activation="relu"),
    layers.BatchNormalization(),
    layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
    layers.MaxPooling2D(pool_size=2),
    layers.Dropout(0.25),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.1)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss={loss:.4f} accuracy={accuracy:.4f}")
predicted = np.argmax(model.predict(x_test[:10], verbose=0), axis=-1)
print("predicted:", predicted, "true:", y_test[:10])
