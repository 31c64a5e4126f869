"""A tutorial-style program (written for this bench in the style of TensorFlow's
"Convolutional Neural Network (CNN)" tutorial): a small convnet on CIFAR-10-shaped data
(32x32x3 uint8 images, generated: no download), trained with ``fit`` and scored with
``evaluate``. Plain Keras code: it runs under ``python -m torchkeras run``, real TensorFlow
(``from tensorflow import keras``) and Keras 3 (``import keras``) alike.

    python -m torchkeras run bench/programs/cifar_cnn.py [epochs] [rows]

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
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000

# CIFAR-10's shapes and dtypes: (rows, 32, 32, 3) uint8 images, (rows, 1) integer labels;
# each label tints its own channel/quadrant so that the model has something to learn.
rng = np.random.RandomState(0)
train_labels = rng.randint(0, 10, size=(ROWS, 1))
test_labels = rng.randint(0, 10, size=(max(ROWS // 5, 1), 1))
train_images = rng.randint(0, 128, size=(ROWS, 32, 32, 3)).astype("uint8")
test_images = rng.randint(0, 128, size=(len(test_labels), 32, 32, 3)).astype("uint8")
for images, labels in ((train_images, train_labels), (test_images, test_labels)):
    for label in range(10):
        rows = labels[:, 0] == label
        images[rows, 3 * label:3 * label + 4, :, label % 3] += 127
train_images, test_images = train_images / 255.0, test_images / 255.0

print("DATA_READY", time.time(), flush=True)
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(32, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(10),
])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])


class FirstStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.seen:
            self.seen = True
            print("FIRST_STEP", time.time(), flush=True)


model.fit(train_images, train_labels, epochs=EPOCHS, verbose=0,
          validation_data=(test_images, test_labels), callbacks=[FirstStep()])
loss, accuracy = model.evaluate(test_images, test_labels, verbose=0)
print("RESULT loss", round(float(loss), 4), "accuracy", round(float(accuracy), 4), flush=True)
print("END", time.time(), flush=True)
