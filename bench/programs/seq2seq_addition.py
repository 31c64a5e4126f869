"""A tutorial-style program (written for this bench in the style of keras.io's
"Sequence to sequence learning for performing number addition"): an LSTM encoder-decoder
trained one epoch at a time in a Python loop, with a few single-row predictions between
epochs. Plain Keras code: it runs under ``python -m torchkeras run`` and under real
TensorFlow (``from tensorflow import keras``) alike.

    python -m torchkeras run bench/programs/seq2seq_addition.py [iterations] [rows]

Prints ``IMPORT_DONE <unix time>`` once Keras is imported, ``DATA_READY <unix time>`` when
the data is made, ``FIRST_STEP <unix time>`` when the first training batch ends,
``ITERATION <n> <fit seconds> <predict seconds>`` after each iteration and ``END``.
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

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
DIGITS = 3
MAXLEN = DIGITS + 1 + DIGITS
CHARS = "0123456789+ "
INDEX = {c: i for i, c in enumerate(sorted(CHARS))}


def encode(text, rows):
    out = np.zeros((rows, len(CHARS)), dtype=bool)
    for i, c in enumerate(text):
        out[i, INDEX[c]] = True
    return out


rng = np.random.RandomState(0)
a = rng.randint(0, 10 ** DIGITS, size=ROWS)
b = rng.randint(0, 10 ** DIGITS, size=ROWS)
questions = [f"{p}+{q}".ljust(MAXLEN)[::-1] for p, q in zip(a, b)]
answers = [str(p + q).ljust(DIGITS + 1) for p, q in zip(a, b)]
x = np.stack([encode(s, MAXLEN) for s in questions])
y = np.stack([encode(s, DIGITS + 1) for s in answers])
split = len(x) - len(x) // 10
x_train, x_val, y_train, y_val = x[:split], x[split:], y[:split], y[split:]

print("DATA_READY", time.time(), flush=True)
model = keras.Sequential()
model.add(layers.LSTM(128, input_shape=(MAXLEN, len(CHARS))))
model.add(layers.RepeatVector(DIGITS + 1))
model.add(layers.LSTM(128, return_sequences=True))
model.add(layers.Dense(len(CHARS), activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])


class FirstStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.seen:
            self.seen = True
            print("FIRST_STEP", time.time(), flush=True)


first_step = FirstStep()
for iteration in range(1, ITERATIONS + 1):
    start = time.time()
    model.fit(x_train, y_train, batch_size=32, epochs=1, validation_data=(x_val, y_val),
              verbose=0, callbacks=[first_step])
    fitted = time.time()
    for _ in range(10):
        row = rng.randint(0, len(x_val))
        model.predict(x_val[np.array([row])], verbose=0)
    print("ITERATION", iteration, round(fitted - start, 3), round(time.time() - fitted, 3),
          flush=True)
print("END", time.time(), flush=True)
