"""The vocabulary part of TensorFlow's "Load text" tutorial (tensorflow/docs
site/en/tutorials/load_data/text.ipynb, example 2: which translation of the Iliad a line
comes from) in its style, run unchanged through ``python -m torchkeras run``: text lines
labelled per file, tokenized in ``Dataset.map``, a vocabulary counted, then
``tf.lookup.StaticVocabularyTable`` (1 OOV bucket) in ``map`` before ``padded_batch`` and
``fit``; plus the same vocabulary from a text file (``TextFileInitializer``) and from a
dataset (``tf.data.experimental.index_table_from_dataset``) with several OOV buckets. The
text is generated here (no network); ``tensorflow_text``'s tokenizer is replaced by
``tf.strings`` (torchkeras does not provide tensorflow_text)."""
import collections
import os
import pathlib
import random
import tempfile

import tensorflow as tf
from tensorflow.keras import layers, losses

FILE_NAMES = ['cowper.txt', 'derby.txt', 'butler.txt']
WORDS = ['achilles', 'hector', 'troy', 'the', 'and', 'of', 'spear', 'ships', 'gods', 'zeus',
         'wrath', 'sing', 'goddess', 'greeks', 'battle', 'shield', 'fire', 'sea', 'king', 'war']
parent_dir = pathlib.Path(tempfile.mkdtemp())
rng = random.Random(0)
for k, name in enumerate(FILE_NAMES):
    with open(parent_dir / name, 'w') as f:
        for _ in range(120):
            words = WORDS[k * 3:] + WORDS[:k * 2]
            f.write(' '.join(rng.choice(words) for _ in range(rng.randint(3, 12))) + '\n')


def labeler(example, index):
    return example, tf.cast(index, tf.int64)


labeled_data_sets = []
for i, file_name in enumerate(FILE_NAMES):
    lines_dataset = tf.data.TextLineDataset(str(parent_dir / file_name))
    labeled_dataset = lines_dataset.map(lambda ex: labeler(ex, i))
    labeled_data_sets.append(labeled_dataset)

all_labeled_data = labeled_data_sets[0]
for labeled_dataset in labeled_data_sets[1:]:
    all_labeled_data = all_labeled_data.concatenate(labeled_dataset)


def tokenize(text):
    return tf.strings.split(tf.strings.lower(text))


tokenized_ds = all_labeled_data.map(lambda text, label: (tokenize(text), label))
vocab_count = collections.Counter()
for toks, labels in tokenized_ds:
    for tok in toks.numpy():
        vocab_count[tok] += 1
vocab = [tok for tok, count in vocab_count.most_common(15)]
print("First five vocab entries:", vocab[:5])

# --- the tutorial's table: '' is 0 (padding), one OOV bucket after the vocabulary
keys = [''] + [tok.decode() for tok in vocab]
init = tf.lookup.KeyValueTensorInitializer(keys, range(len(keys)), key_dtype=tf.string,
                                           value_dtype=tf.int64)
vocab_table = tf.lookup.StaticVocabularyTable(init, 1)
print("abc table:", tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
    ['', 'a', 'b', 'c'], range(4), key_dtype=tf.string, value_dtype=tf.int64), 1).lookup(
    tf.constant([''] + list('abcdefghi'))).numpy().tolist())
print("table size:", int(vocab_table.size()))

example_text, example_label = next(iter(all_labeled_data))
print("Sentence:", example_text.numpy())
print("Vectorized sentence:", vocab_table.lookup(tokenize(example_text)).numpy().tolist())

all_encoded_data = all_labeled_data.map(lambda text, label: (vocab_table.lookup(tokenize(text)),
                                                             label))
validation_data = all_encoded_data.take(60).padded_batch(16)
sample_text, sample_labels = next(iter(validation_data))
print("Text batch shape:", tuple(sample_text.shape))
print("First text example:", sample_text[0].numpy().tolist())
print("Label batch:", sample_labels.numpy().tolist())

# --- the same vocabulary from a file and from a dataset, with 5 OOV buckets
vocab_file = os.path.join(tempfile.mkdtemp(), 'vocab.txt')
with open(vocab_file, 'w') as f:
    f.write(''.join(f'{k}\t{vocab_count[k.encode()]}\n' for k in keys[1:]))
file_table = tf.lookup.StaticVocabularyTable(tf.lookup.TextFileInitializer(
    vocab_file, tf.string, 0, tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER), 5)
counts = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
    vocab_file, tf.string, 0, tf.int64, 1), default_value=0)
probe = tf.constant(['zeus', 'hector', 'odysseus', 'penelope', 'ithaca', 'athena', 'sing'])
print("file ids:", file_table.lookup(probe).numpy().tolist())
print("file counts:", counts.lookup(probe).numpy().tolist())
ds_table = tf.data.experimental.index_table_from_dataset(
    tf.data.Dataset.from_tensor_slices(keys[1:]), num_oov_buckets=5)
print("dataset ids:", ds_table.lookup(probe).numpy().tolist())
print("ragged ids:", ds_table.lookup(tf.strings.split(tf.constant(
    ['zeus sing of troy', 'odysseus']))).to_list())

# --- train on the encoded lines (shortened: one epoch)
train_data = all_encoded_data.skip(60).shuffle(500, seed=1).padded_batch(16)
model = tf.keras.Sequential([
    layers.Embedding(len(keys) + 1, 16, mask_zero=True),
    layers.Conv1D(16, 3, padding="valid", activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(3)])
model.compile(optimizer='adam', loss=losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])
history = model.fit(train_data, validation_data=validation_data, epochs=1, verbose=2)
print("history keys:", sorted(history.history))
