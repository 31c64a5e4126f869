"""A tutorial-style program (written for this bench in the style of keras.io's
"Bidirectional LSTM on IMDB" and TensorFlow's text-classification-with-an-RNN tutorials):
IMDB-shaped data (lists of word indices of varying length, generated: no download) padded
with ``pad_sequences``, then Embedding -> LSTM -> Dense, trained with ``fit`` and scored
with ``evaluate``. Plain Keras code: it runs under ``python -m torchkeras run``, real
TensorFlow (``from tensorflow import keras``) and Keras 3 (``import keras``) alike.

    python -m torchkeras run bench/programs/imdb_lstm.py [epochs] [rows]

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
MAX_FEATURES = 20000  # vocabulary size, as the tutorial's num_words
MAXLEN = 100  # tokens kept per review

# imdb.load_data's shapes: a list of reviews as lists of word indices (1 = start, 2 = OOV),
# 0/1 labels; positive reviews use more of the low word indices.
rng = np.random.RandomState(0)


def reviews(count):
    labels = rng.randint(0, 2, size=count)
    texts = []
    for label in labels:
        length = rng.randint(20, 2 * MAXLEN)
        high = MAX_FEATURES // 4 if label else MAX_FEATURES
        texts.append([1] + list(rng.randint(3, high, size=length)))
    return texts, labels


x_train, y_train = reviews(ROWS)
x_val, y_val = reviews(max(ROWS // 5, 1))
x_train = keras.preprocessing.sequence.pad_sequences(x_train, maxlen=MAXLEN)
x_val = keras.preprocessing.sequence.pad_sequences(x_val, maxlen=MAXLEN)

print("DATA_READY", time.time(), flush=True)
model = keras.Sequential([
    keras.Input(shape=(None,), dtype="int32"),
    layers.Embedding(MAX_FEATURES, 64),
    layers.LSTM(64),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])


class FirstStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.seen:
            self.seen = True
            print("FIRST_STEP", time.time(), flush=True)


model.fit(x_train, y_train, batch_size=32, epochs=EPOCHS, verbose=0,
          validation_data=(x_val, y_val), callbacks=[FirstStep()])
loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
print("RESULT loss", round(float(loss), 4), "accuracy", round(float(accuracy), 4), flush=True)
print("END", time.time(), flush=True)
