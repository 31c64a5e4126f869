"""In the style of TensorFlow's "Basic text classification" tutorial (tutorials/keras/
text_classification): tf.keras, TextVectorization applied in Dataset.map, a model on token
ids trained from logits, then an export model Sequential([vectorize_layer, model,
Activation('sigmoid')]) evaluated on raw strings and used to predict on a list of str. A
small generated review corpus replaces the IMDB download."""
import re
import string

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses

tf.random.set_seed(1)  # repeatable weights and dropout (the test checks the loss)
rng = np.random.RandomState(1)
words = {1: ["great", "superb", "fun", "loved"], 0: ["awful", "dull", "bad", "hated"]}
filler = ["the", "movie", "was", "a", "and", "plot", "actors", "really"]


def corpus(n):
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        tokens = list(rng.choice(filler, 10)) + list(rng.choice(words[label], 2))
        rng.shuffle(tokens)
        texts.append(" ".join(tokens) + "<br />!")
        labels.append(label)
    return np.array(texts), np.array(labels)


x_train, y_train = corpus(256)
x_test, y_test = corpus(64)
raw_train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
raw_test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, "[%s]" % re.escape(string.punctuation), "")


max_features = 50
sequence_length = 16
vectorize_layer = layers.TextVectorization(
    standardize=custom_standardization, max_tokens=max_features, output_mode="int",
    output_sequence_length=sequence_length)
train_text = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(train_text)


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


first_review, first_label = next(iter(raw_train_ds))
print("vectorized", tuple(vectorize_text(first_review, first_label)[0].shape))
print("token_1", vectorize_layer.get_vocabulary()[1])
train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
test_ds = raw_test_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)

model = tf.keras.Sequential([
    layers.Embedding(max_features, 16), layers.Dropout(0.2),
    layers.GlobalAveragePooling1D(), layers.Dropout(0.2), layers.Dense(1)])
model.compile(loss=losses.BinaryCrossentropy(from_logits=True), optimizer="adam",
              metrics=[tf.metrics.BinaryAccuracy(threshold=0.0)])
history = model.fit(train_ds, validation_data=test_ds, epochs=30, verbose=0)
print("history_keys", ",".join(sorted(history.history)))
loss, accuracy = model.evaluate(test_ds, verbose=0)

export_model = tf.keras.Sequential([vectorize_layer, model, layers.Activation("sigmoid")])
export_model.compile(loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam",
                     metrics=["accuracy"])
_, export_accuracy = export_model.evaluate(raw_test_ds, verbose=0)
print("accuracies", accuracy, export_accuracy)
examples = ["The movie was great!", "The movie was okay.", "The movie was awful..."]
print("predict", export_model.predict(examples, verbose=0).ravel().round(3))
