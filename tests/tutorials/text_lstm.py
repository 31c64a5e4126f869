# Sentiment with Tokenizer + pad_sequences + Embedding + LSTM, saved to HDF5 and reloaded.
import os
import sys
import numpy as np
import keras
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences
from keras.models import Sequential, load_model
from keras.layers import Embedding, LSTM, Dense

keras.utils.set_random_seed(11)
good = ["good", "great", "excellent", "nice", "wonderful", "fun", "loved"]
bad = ["bad", "awful", "boring", "terrible", "poor", "dull", "hated"]
filler = ["the", "movie", "was", "really", "a", "plot", "actors", "very", "it"]
texts, labels = [], []
for i in range(300):
    words = list(np.random.choice(filler, size=5))
    label = i % 2
    words.insert(np.random.randint(0, 5), np.random.choice(good if label else bad))
    texts.append(" ".join(words) + ".")
    labels.append(label)
labels = np.array(labels)

tokenizer = Tokenizer(num_words=100, oov_token="<OOV>")
tokenizer.fit_on_texts(texts)
sequences = tokenizer.texts_to_sequences(texts)
padded = pad_sequences(sequences, maxlen=8, padding="post", truncating="post")
print("vocabulary size:", len(tokenizer.word_index))

model = Sequential([
    Embedding(100, 16, input_length=8),
    LSTM(16),
    Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(padded[:240], labels[:240], epochs=12, batch_size=16, verbose=0)
loss, accuracy = model.evaluate(padded[240:], labels[240:], verbose=0)
print("test accuracy: %.4f" % accuracy)

path = os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "sentiment.h5")
model.save(path)
restored = load_model(path)
new = pad_sequences(tokenizer.texts_to_sequences(["it was a wonderful movie",
                                                  "the plot was awful"]), maxlen=8,
                    padding="post", truncating="post")
before = model.predict(new, verbose=0)
after = restored.predict(new, verbose=0)
print("max difference after reload: %.3g" % np.max(np.abs(before - after)))
print("positive: %.3f negative: %.3f" % (after[0, 0], after[1, 0]))
