"""TensorFlow's "Load text" tutorial (tensorflow/docs site/en/tutorials/load_data/text.ipynb,
example 2: which translation of the Iliad a line comes from) with its preprocessing written as
Keras layers, run unchanged through ``python -m torchkeras run``: a user ``Layer`` subclass
tokenizing with ``tf.strings`` (``tensorflow_text`` replaced), a ``Layer`` holding a
``tf.lookup.StaticVocabularyTable``, the two in a ``tf.keras.Sequential`` (built by its first
call on strings) and in a functional model on ``Input(shape=(), dtype=tf.string)``, the
vocabulary counted over ``tf.reshape(tokens, [-1])``, ``Dataset.map`` through the layers,
``padded_batch``, ``fit`` of a small classifier, then an export model that takes raw strings
in ``predict`` and ``fit``. The text is generated here (no network).

Prints ``key value`` lines; compat/generate_string_layers.py records what TF 2.21 with tf_keras
prints for this program (tests/tutorials/test_load_text_layers.py compares)."""
import collections
import pathlib
import random
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses

FILE_NAMES = ['cowper.txt', 'derby.txt', 'butler.txt']
WORDS = ['Achilles', 'hector', 'Troy', 'the', 'and', 'of', 'spear', 'ships', 'gods', 'Zeus',
         'wrath', 'sing', 'goddess', 'greeks', 'battle', 'shield', 'fire', 'sea', 'king', 'war']
parent_dir = pathlib.Path(tempfile.mkdtemp())
rng = random.Random(0)
for k, name in enumerate(FILE_NAMES):
    with open(parent_dir / name, 'w') as f:
        for _ in range(100):
            words = WORDS[k * 3:] + WORDS[:k * 2]
            f.write(' '.join(rng.choice(words) for _ in range(rng.randint(3, 10))) + '\n')

labeled_data_sets = []
for i, file_name in enumerate(FILE_NAMES):
    lines_dataset = tf.data.TextLineDataset(str(parent_dir / file_name))
    labeled_data_sets.append(lines_dataset.map(lambda ex, i=i: (ex, tf.cast(i, tf.int64))))
all_labeled_data = labeled_data_sets[0]
for labeled_dataset in labeled_data_sets[1:]:
    all_labeled_data = all_labeled_data.concatenate(labeled_dataset)


class MyTokenizer(tf.keras.layers.Layer):
    """Lower-cases and splits on whitespace (tensorflow_text's tokenizer replaced)."""

    def call(self, text):
        return tf.strings.split(tf.strings.lower(text))


class PaddedTokenizer(MyTokenizer):
    """The tokens as a dense batch padded with '' (the table maps '' to 0, the padding)."""

    def call(self, text):
        return super().call(text).to_tensor()


class VocabLookup(tf.keras.layers.Layer):
    """Token ids from a ``tf.lookup`` table ('' is 0, one OOV bucket)."""

    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.table = table

    def call(self, tokens):
        return self.table.lookup(tokens)


tokenizer = MyTokenizer()
sample = tf.constant(['Sing goddess the wrath', 'of Achilles'])
print("tokens", tokenizer(sample).to_list())
print("tokens_numpy", tokenizer(np.array(['Hector and TROY'])).to_list())
print("tokens_list", tokenizer(['Zeus of the gods']).to_list())
print("flat_tokens", tf.reshape(tokenizer(sample), [-1]).numpy().tolist())

vocab_count = collections.Counter()
for text_batch, _ in all_labeled_data.batch(64):
    vocab_count.update(tf.reshape(tokenizer(text_batch), [-1]).numpy().tolist())
vocab = [tok for tok, count in vocab_count.most_common(12)]
print("vocab", vocab[:5])

keys = [''] + [tok.decode() for tok in vocab]
table = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
    keys, tf.range(len(keys), dtype=tf.int64), key_dtype=tf.string, value_dtype=tf.int64), 1)
vocab_layer = VocabLookup(table)
print("ragged_ids", vocab_layer(tokenizer(sample)).to_list())

preprocess = tf.keras.Sequential([tokenizer, vocab_layer])
print("sequential_ids", preprocess(sample).to_list())
print("sequential_ids_numpy", preprocess(np.array(['hector of troy'])).to_list())

text_input = tf.keras.Input(shape=(), dtype=tf.string)
ids = VocabLookup(table)(PaddedTokenizer()(text_input))
functional = tf.keras.Model(text_input, ids)
print("functional_shape", tuple(ids.shape))
print("functional_ids", functional(sample).numpy().tolist())
print("functional_predict", functional.predict(np.array(['sing of zeus', 'the sea']),
                                               verbose=0).tolist())

# one line per element: the tokenizer gives that line's tokens (a vector, not ragged)
all_encoded_data = all_labeled_data.map(lambda text, label: (preprocess(text), label))
example_ids, example_label = next(iter(all_encoded_data))
print("example_ids", example_ids.numpy().tolist())
print("example_label", int(example_label))

VALIDATION_SIZE = 60
validation_data = all_encoded_data.take(VALIDATION_SIZE).padded_batch(16)
train_data = all_encoded_data.skip(VALIDATION_SIZE).shuffle(300, seed=1).padded_batch(16)
sample_text, sample_labels = next(iter(validation_data))
print("batch_shape", tuple(sample_text.shape))
print("batch_first", sample_text[0].numpy().tolist())

model = tf.keras.Sequential([
    layers.Embedding(len(keys) + 1, 8, mask_zero=True),
    layers.GlobalAveragePooling1D(),
    layers.Dense(3)])
model.compile(optimizer='adam', loss=losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])
history = model.fit(train_data, validation_data=validation_data, epochs=1, verbose=0)
print("history_keys", sorted(history.history))

export_model = tf.keras.Sequential([PaddedTokenizer(), VocabLookup(table), model,
                                    layers.Activation('softmax')])
raw_lines = np.array(['sing goddess of the wrath', 'hector and troy', 'zeus of the sea king'])
predicted = export_model.predict(raw_lines, verbose=0)
print("export_predict_shape", predicted.shape)
print("export_rows_sum_to_one", bool(np.allclose(predicted.sum(axis=1), 1.0, atol=1e-5)))
export_model.compile(optimizer='adam', loss=losses.SparseCategoricalCrossentropy(),
                     metrics=['accuracy'])
raw_ds = all_labeled_data.take(64).batch(16)
fit_history = export_model.fit(raw_ds, epochs=1, verbose=0)
print("export_fit_keys", sorted(fit_history.history))
x_lines = np.array([line.numpy() for line, _ in all_labeled_data.take(32)])
y_labels = np.array([int(label) for _, label in all_labeled_data.take(32)])
array_history = export_model.fit(x_lines, y_labels, batch_size=8, epochs=1, verbose=0)
print("export_fit_array_keys", sorted(array_history.history))
print("evaluate_len", len(export_model.evaluate(raw_ds, verbose=0)))
