"""Text classification with Embedding + LSTM, on token sequences made up in this script.

The task: does token 7 appear *before* token 3 in the sequence? Order matters, so a bag of
words cannot solve it; an LSTM can. Sequences have random lengths and are pre-padded with 0
(as ``pad_sequences`` does); ``mask_zero=True`` makes the LSTM skip the padding.

    python examples/lstm_text_classifier.py        # about 10-20 s on a laptop CPU
"""
import numpy as np

import torchkeras as keras

VOCAB, MAX_LEN = 20, 20


def make_dataset(n: int, seed: int):
    rng = np.random.RandomState(seed)
    x = np.zeros((n, MAX_LEN), dtype="int64")
    y = np.zeros((n,), dtype="float32")
    for i in range(n):
        length = rng.randint(6, MAX_LEN + 1)
        tokens = rng.randint(1, VOCAB, size=length)
        tokens[(tokens == 7) | (tokens == 3)] = 5  # place 7 and 3 deliberately
        if rng.rand() < 0.9:
            a, b = rng.choice(length, size=2, replace=False)
            tokens[a], tokens[b] = 7, 3
        first7 = np.argmax(tokens == 7) if (tokens == 7).any() else length
        first3 = np.argmax(tokens == 3) if (tokens == 3).any() else length
        y[i] = float(first7 < first3)
        x[i, MAX_LEN - length:] = tokens  # pre-padding with 0
    return x, y


def main() -> None:
    keras.utils.set_random_seed(0)
    x_train, y_train = make_dataset(2000, seed=1)
    x_test, y_test = make_dataset(500, seed=2)

    model = keras.Sequential([
        keras.layers.Embedding(VOCAB, 16, mask_zero=True),
        keras.layers.LSTM(32),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=4, validation_split=0.1, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {loss:.4f}  test accuracy {accuracy:.4f}")
    probe = np.array([[0] * 14 + [1, 7, 2, 3, 4, 5], [0] * 14 + [1, 3, 2, 7, 4, 5]])
    print("P(7 before 3):", model.predict(probe, verbose=0).ravel().round(3), "(expect high, low)")


if __name__ == "__main__":
    main()
