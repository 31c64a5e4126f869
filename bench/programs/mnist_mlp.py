"""A tutorial-style program (written for this bench in the style of TensorFlow's "beginner
quickstart"): an MLP on MNIST-shaped data (60,000 x 28x28 training images, 10,000 test
images, generated: no download), trained with ``fit`` and scored with ``evaluate``. Plain
Keras code: it runs under ``python -m torchkeras run``, real TensorFlow (``from tensorflow
import keras``) and Keras 3 (``import keras``) alike.

    python -m torchkeras run bench/programs/mnist_mlp.py [epochs] [rows]

Prints ``IMPORT_DONE <unix time>`` once Keras is imported, ``DATA_READY <unix time>`` when
the data is made (the model is built next), ``FIRST_STEP <unix time>`` when the first
training batch ends and ``END <unix time>`` at the end.
"""
import sys
import time

import numpy as np

try:
    from tensorflow import keras
    from tensorflow.keras import layers
except ImportError:  # Keras 3 on torch (tutorial_load.py --keras3-python): no TensorFlow
    import keras
    from keras import layers

print("IMPORT_DONE", time.time(), flush=True)

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 60000

# MNIST's shapes and dtypes: uint8 images, integer labels; each label brightens its own
# band of rows so that the model has something to learn.
rng = np.random.RandomState(0)
y_train = rng.randint(0, 10, size=ROWS)
y_test = rng.randint(0, 10, size=max(ROWS // 6, 1))
x_train = rng.randint(0, 128, size=(ROWS, 28, 28)).astype("uint8")
x_test = rng.randint(0, 128, size=(len(y_test), 28, 28)).astype("uint8")
for x, y in ((x_train, y_train), (x_test, y_test)):
    for digit in range(10):
        x[y == digit, 2 * digit:2 * digit + 3, :] += 127
x_train, x_test = x_train / 255.0, x_test / 255.0

print("DATA_READY", time.time(), flush=True)
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense(10),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])


class FirstStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.seen:
            self.seen = True
            print("FIRST_STEP", time.time(), flush=True)


model.fit(x_train, y_train, epochs=EPOCHS, verbose=0, callbacks=[FirstStep()])
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print("RESULT loss", round(float(loss), 4), "accuracy", round(float(accuracy), 4), flush=True)
print("END", time.time(), flush=True)
