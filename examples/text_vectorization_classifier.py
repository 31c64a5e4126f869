"""Sentiment classification from raw strings: TextVectorization inside the model.

A small review-like corpus is generated in this script (no download). The model takes raw
strings (``Input(shape=(1,), dtype="string")``); its first layer, TextVectorization, learns
the vocabulary with ``adapt`` and turns each review into word ids on the host; Embedding and
a pooled Dense head classify them. ``predict`` then works on new raw strings, and the model
saves to one ``.keras`` file with its vocabulary inside.

    python examples/text_vectorization_classifier.py        # about 10 s on a laptop CPU
"""
import os
import tempfile

import numpy as np

import torchkeras as keras

POSITIVE = ["great", "wonderful", "superb", "moving", "funny", "brilliant", "loved", "fresh"]
NEGATIVE = ["awful", "boring", "terrible", "dull", "weak", "painful", "hated", "stale"]
NEUTRAL = ["the", "movie", "film", "plot", "actors", "was", "and", "a", "really", "story",
           "ending", "music", "it", "this", "scenes", "very"]


def make_reviews(n: int, seed: int):
    """Reviews with 2-4 opinion words among 8-16 neutral ones, punctuation and case noise."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(NEUTRAL, rng.randint(8, 17)))
        words += list(rng.choice(POSITIVE if label else NEGATIVE, rng.randint(2, 5)))
        rng.shuffle(words)
        text = " ".join(words).capitalize() + rng.choice([".", "!", "...", "?!"])
        texts.append(text)
        labels.append(label)
    return np.array(texts), np.array(labels, dtype="float32")


def main() -> None:
    keras.utils.set_random_seed(0)
    x_train, y_train = make_reviews(2000, seed=1)
    x_test, y_test = make_reviews(400, seed=2)

    vectorize = keras.layers.TextVectorization(max_tokens=100, output_sequence_length=24)
    vectorize.adapt(x_train)  # learn the vocabulary (most frequent words first)
    print("vocabulary:", vectorize.get_vocabulary()[:8], "...")

    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)  # (batch, 24) word ids
    x = keras.layers.Embedding(100, 16)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=32, epochs=5, validation_split=0.1, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {loss:.4f}  test accuracy {accuracy:.4f}")

    reviews = np.array(["A wonderful, funny film!", "Boring and painful... I hated it."])
    print("P(positive):", model.predict(reviews, verbose=0).ravel().round(3),
          "(expect high, low)")

    path = os.path.join(tempfile.mkdtemp(), "review_classifier.keras")
    model.save(path)  # the vocabulary travels in the file (assets/.../vocabulary.txt)
    restored = keras.models.load_model(path)
    print("restored model agrees:",
          np.allclose(restored.predict(reviews, verbose=0), model.predict(reviews, verbose=0)))


if __name__ == "__main__":
    main()
