"""An image classifier with data augmentation inside the model, on the bundled 8x8 digits,
written as keras.io's "Image classification from scratch" writes it.

The augmentation layers (RandomFlip, RandomRotation, RandomZoom) are active during ``fit``
only: ``evaluate``/``predict`` see the images unchanged. Called on its own without
``training``, the augmentation block augments (as in Keras), which is how the tutorial
previews augmented images. Runs in a few seconds on CPU.
Run: python examples/augmented_image_classifier.py [epochs]
"""
import sys

import numpy as np

import torchkeras as keras
from torchkeras import layers

keras.utils.set_random_seed(42)
EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 12

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 8, 8, 1).astype("float32")  # (n, rows, cols, channels) in [0, 16]
x_test = x_test.reshape(-1, 8, 8, 1).astype("float32")

data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.05),
    layers.RandomZoom(0.1),
], name="data_augmentation")

# Preview: a standalone call augments (different every call).
first, second = data_augmentation(x_train[:4]), data_augmentation(x_train[:4])
print("preview differs from the input:", not np.allclose(np.asarray(first), x_train[:4]))

inputs = keras.Input(shape=(8, 8, 1))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 16)(x)
x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.25)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, validation_split=0.1, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss={loss:.4f} accuracy={accuracy:.4f}")
same = np.allclose(model.predict(x_test[:16], verbose=0), model.predict(x_test[:16], verbose=0))
print("predict is deterministic (no augmentation):", same)
