"""Text classification from raw text files, in the style of keras.io's
examples/nlp/text_classification_from_scratch.py: text_dataset_from_directory, a custom
standardization with tf.strings, TextVectorization adapted on a dataset, vectorization inside
Dataset.map (tf.expand_dims on strings), a Conv1D model on token ids, then an end-to-end
model on raw strings. A small generated review folder replaces the IMDB download."""
import os
import re
import string
import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras import layers

keras.utils.set_random_seed(1)  # repeatable weights and dropout (the test checks the loss)
rng = np.random.RandomState(0)
GOOD = ["great", "wonderful", "superb", "moving", "funny", "brilliant"]
BAD = ["awful", "boring", "terrible", "dull", "weak", "painful"]
FILLER = ["the", "movie", "film", "plot", "actors", "was", "and", "a", "really", "story"]

dataset_dir = os.path.join(tempfile.mkdtemp(), "aclImdb")
for split, count in (("train", 160), ("test", 40)):
    for label, words in (("pos", GOOD), ("neg", BAD)):
        os.makedirs(os.path.join(dataset_dir, split, label))
        for i in range(count // 2):
            tokens = list(rng.choice(FILLER, 12)) + list(rng.choice(words, 3))
            rng.shuffle(tokens)
            text = " ".join(tokens).capitalize() + ".<br /><br />" + "Really, " + tokens[0] + "!"
            with open(os.path.join(dataset_dir, split, label, f"{i}_7.txt"), "w") as f:
                f.write(text)

batch_size = 32
raw_train_ds = keras.utils.text_dataset_from_directory(
    os.path.join(dataset_dir, "train"), batch_size=batch_size, validation_split=0.2,
    subset="training", seed=1337, class_names=["pos", "neg"])
raw_val_ds = keras.utils.text_dataset_from_directory(
    os.path.join(dataset_dir, "train"), batch_size=batch_size, validation_split=0.2,
    subset="validation", seed=1337, class_names=["pos", "neg"])
raw_test_ds = keras.utils.text_dataset_from_directory(os.path.join(dataset_dir, "test"),
                                                      batch_size=batch_size)
print("train_batches", int(raw_train_ds.cardinality()))

for text_batch, label_batch in raw_train_ds.take(1):
    for i in range(2):  # keras.io: text_batch.numpy()[i] (string batches are NumPy arrays here)
        print("sample", np.asarray(text_batch)[i])
        print("label", np.asarray(label_batch)[i])


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


max_features = 200
embedding_dim = 16
sequence_length = 40
vectorize_layer = keras.layers.TextVectorization(
    standardize=custom_standardization, max_tokens=max_features, output_mode="int",
    output_sequence_length=sequence_length)
text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)
print("vocabulary", " ".join(vectorize_layer.get_vocabulary()[:5]))


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
test_ds = raw_test_ds.map(vectorize_text).cache().prefetch(buffer_size=10)

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, embedding_dim)(inputs)
x = layers.Dropout(0.5)(x)
x = layers.Conv1D(32, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(32, activation="relu")(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=25, verbose=0)
print("final_loss", history.history["loss"][-1], history.history["loss"][0])
print("test", model.evaluate(test_ds, verbose=0)[1])

inputs = keras.Input(shape=(1,), dtype="string")
indices = vectorize_layer(inputs)
outputs = model(indices)
end_to_end_model = keras.Model(inputs, outputs)
end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
print("end_to_end", end_to_end_model.evaluate(raw_test_ds, verbose=0)[1])
print("raw_predict", end_to_end_model.predict(
    np.array(["A wonderful, brilliant film", "Awful and boring."]), verbose=0).ravel().round(3))
