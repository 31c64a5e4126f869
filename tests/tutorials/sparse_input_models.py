"""In the style of TensorFlow's sparse-tensor guide ("Use tf.SparseTensor with Keras":
``Input(shape=(4,), sparse=True)`` -> Dense, called and predicted on a SparseTensor) and of
a TF-IDF bag-of-words text classifier fed sparse features: TextVectorization(tf_idf) made
sparse with tf.sparse.from_dense, a model on ``Input(sparse=True)`` trained by fit on the
SparseTensor (batched by batch_size) and on a tf.data dataset of its rows, evaluated and
predicted; a dense ``Input`` given the SparseTensor. Fixed weights, SGD, no shuffling.
Prints ``key value`` lines (the test compares them with the lines real TensorFlow printed,
recorded by compat/generate_sparse_inputs.py)."""
import numpy as np
import tensorflow as tf


def fixed_weights(model):
    """Deterministic weights: a smooth ramp per weight, so TF and torchkeras agree."""
    return [np.linspace(-0.5, 0.5, w.size, dtype="float32").reshape(w.shape) *
            (1 + 0.1 * i) for i, w in enumerate(model.get_weights())]


def show(key, array):
    print(key, np.round(np.asarray(array, dtype="float64"), 4).tolist())


# The guide's Keras cell
x = tf.keras.Input(shape=(4,), sparse=True)
y = tf.keras.layers.Dense(4)(x)
model = tf.keras.Model(x, y)
model.set_weights(fixed_weights(model))
sparse_data = tf.sparse.SparseTensor(
    indices=[(0, 0), (0, 1), (0, 2), (4, 3), (5, 0), (5, 1)],
    values=[1, 1, 1, 1, 1, 1],
    dense_shape=(6, 4))
show("guide_call", model(sparse_data))
show("guide_predict", model.predict(sparse_data, verbose=0))

# TF-IDF features, made sparse, into a small classifier
texts = np.array(["the movie was great fun", "a great cast and a fun story",
                  "boring and far too long", "the plot was dull and slow",
                  "great acting great music", "too slow and boring",
                  "fun from start to end", "dull dull dull"])
labels = np.array([1, 1, 0, 0, 1, 0, 1, 0], dtype="float32")
vectorizer = tf.keras.layers.TextVectorization(max_tokens=24, output_mode="tf_idf")
vectorizer.adapt(texts)
vocab_size = vectorizer.vocabulary_size()
features = tf.sparse.from_dense(vectorizer(texts))
print("features_shape", features.dense_shape.numpy().tolist())
print("features_nnz", int(features.values.shape[0]))

inputs = tf.keras.Input(shape=(vocab_size,), sparse=True)
hidden = tf.keras.layers.Dense(8, activation="relu")(inputs)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(hidden)
classifier = tf.keras.Model(inputs, outputs)
initial = fixed_weights(classifier)
classifier.set_weights(initial)
classifier.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                   metrics=["accuracy"])
history = classifier.fit(features, labels, batch_size=3, epochs=4, shuffle=False, verbose=0)
show("fit_loss", history.history["loss"])
show("fit_accuracy", history.history["accuracy"])
show("evaluate", classifier.evaluate(features, labels, batch_size=4, verbose=0))
show("predict", classifier.predict(features, batch_size=5, verbose=0)[:, 0])

classifier.set_weights(initial)
dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(4)
history = classifier.fit(dataset, epochs=2, verbose=0)
show("dataset_loss", history.history["loss"])
show("dataset_kernel", classifier.layers[-1].get_weights()[0][:, 0])

dense_in = tf.keras.Input(shape=(vocab_size,))
dense_model = tf.keras.Model(dense_in, tf.keras.layers.Dense(2)(dense_in))
dense_model.set_weights(fixed_weights(dense_model))
show("dense_input_call", dense_model(features))
