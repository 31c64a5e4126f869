"""A text-classification input pipeline in the style of TensorFlow's "tf.data: Build TensorFlow
input pipelines" guide (reading text lines, resampling, bucketing by length) and the
``bucket_by_sequence_length`` API example, run unchanged through ``python -m torchkeras run``.
The data are generated here (no network)."""
import os
import tempfile

import numpy as np
import tensorflow as tf

# --- the API documentation's bucketing example
elements = [
    [0], [1, 2, 3, 4], [5, 6, 7],
    [7, 8, 9, 10, 11], [13, 14, 15, 16, 19, 20], [21, 22]]
dataset = tf.data.Dataset.from_generator(
    lambda: elements, tf.int64, output_shapes=[None])
dataset = dataset.bucket_by_sequence_length(
        element_length_func=lambda elem: tf.shape(elem)[0],
        bucket_boundaries=[3, 5],
        bucket_batch_sizes=[2, 2, 2])
for elem in dataset.as_numpy_iterator():
    print("bucket:", elem.tolist())

# --- text files, one review per line, read with list_files + interleave
root = tempfile.mkdtemp()
rng = np.random.RandomState(0)
words = {0: ["dull", "boring", "bad", "slow"], 1: ["great", "fun", "good", "vivid"]}
for label in (0, 1):
    with open(os.path.join(root, f"label{label}.txt"), "w") as f:
        for _ in range(60 if label else 180):  # imbalanced classes
            n = rng.randint(2, 12)
            f.write(" ".join(rng.choice(words[label] + ["the", "film"], n)) + "\n")


def labeled(label):
    return tf.data.TextLineDataset(os.path.join(root, f"label{label}.txt")).map(
        lambda line: (line, tf.constant(label, tf.int64)))


print("files:", [os.path.basename(f.decode()) for f in
                 tf.data.Dataset.list_files(root + "/*.txt", shuffle=False).as_numpy_iterator()])
negative, positive = labeled(0).cache(os.path.join(root, "neg_cache")), labeled(1)
balanced = tf.data.Dataset.sample_from_datasets(
    [negative.repeat(), positive.repeat()], weights=[0.5, 0.5], seed=42)
labels = [int(y) for _, y in balanced.take(400)]
print("positive share: %.2f" % (sum(labels) / len(labels)))

# --- words to ids: tf.strings.split gives a RaggedTensor
vocab = sorted({w for ws in words.values() for w in ws} | {"the", "film"})
lookup = tf.keras.layers.StringLookup(vocabulary=vocab, mask_token="")  # 0: pad, 1: OOV
batch_of_lines = next(iter(negative.batch(3)))[0]
ragged = tf.strings.split(batch_of_lines)
print("row lengths:", ragged.row_lengths().numpy().tolist())
print("dense:", ragged.to_tensor(default_value="[PAD]").shape)


def to_ids(line, label):
    return lookup(tf.strings.split(line)), label


train = balanced.take(320).map(to_ids).bucket_by_sequence_length(
    element_length_func=lambda ids, label: tf.shape(ids)[0],
    bucket_boundaries=[5, 9], bucket_batch_sizes=[16, 16, 16],
    padded_shapes=([None], []), drop_remainder=False).prefetch(tf.data.AUTOTUNE)
shapes = sorted({tuple(x.shape[1:]) for x, _ in train})
print("bucket widths:", shapes)

model = tf.keras.Sequential([
    tf.keras.layers.Embedding(lookup.vocabulary_size(), 8, mask_zero=True),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(train.repeat(), steps_per_epoch=10, epochs=4, verbose=2)
print("final accuracy: %.2f" % history.history["accuracy"][-1])

# --- group_by_window: batches of one label each
grouped = balanced.take(40).group_by_window(
    key_func=lambda line, label: label,
    reduce_func=lambda key, window: window.batch(5), window_size=5)
print("pure batches:", all(len(set(y.numpy().tolist())) == 1 for _, y in grouped))
