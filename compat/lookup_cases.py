"""The ``tf.lookup`` and ``tf.data.experimental.*table_from_dataset`` calls recorded by
generate_lookup.py (real TensorFlow) and replayed by test_lookup.py (torchkeras). Each case
takes a ``tf`` module and ``inputs`` (the vocabulary file's path, ``StrongHashSpec``) and
returns a value or a tuple of values; ERRORS are calls that must fail as TF fails."""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "fixtures", "lookup_vocab.txt")


def words(count: int, seed: int) -> List[str]:
    """Deterministic pseudo-words of 1..24 letters (every FarmHash length branch up to 24;
    longer ones below)."""
    rng = np.random.RandomState(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzé"))
    return ["".join(rng.choice(letters, rng.randint(1, 25))) for _ in range(count)]


VOCAB = sorted(set(words(40, seed=1)))
OOV = words(300, seed=2) + ["x" * n for n in (30, 64, 65, 100, 200)] + ["", "naïve café"]
VOCAB_TEXT = "".join(f"{word}\t{len(word) * 3}\n" for word in VOCAB)
SENTENCES = [" ".join(words(5, seed=s)[:2] + VOCAB[s:s + 3]) for s in range(7)]


def dtype_name(dtype: Any) -> str:
    return getattr(dtype, "name", None) or str(dtype).replace("torch.", "")


def export(table: Any) -> tuple:
    """A table's export sorted by key (TF's order is its hash order)."""
    keys, values = (np.asarray(x.numpy()) for x in table.export())
    order = np.argsort(keys, kind="stable")
    return keys[order], values[order]


def _words_table(tf: Any) -> Any:
    init = tf.lookup.KeyValueTensorInitializer(
        tf.constant(VOCAB), tf.constant(np.arange(len(VOCAB)), dtype=tf.int64))
    return tf.lookup.StaticHashTable(init, default_value=-1)


def _static_words(tf: Any, inputs: dict) -> tuple:
    table = _words_table(tf)
    keys = np.array([VOCAB[:3] + ["missing"], [VOCAB[-1], "", VOCAB[5], "b"]])
    return (table.lookup(tf.constant(keys)), table.size(), table.default_value,
            table[tf.constant(VOCAB[7])], dtype_name(table.key_dtype),
            dtype_name(table.value_dtype))


def _static_int_float(tf: Any, inputs: dict) -> tuple:
    init = tf.lookup.KeyValueTensorInitializer(tf.constant([3, 10, -4], dtype=tf.int64),
                                               tf.constant([0.5, 1.25, -2.0]))
    table = tf.lookup.StaticHashTable(init, -1.5)
    return (table.lookup(tf.constant([[10, 3], [7, -4]], dtype=tf.int64)),
            dtype_name(table.value_dtype), export(table))


def _static_int32_to_string(tf: Any, inputs: dict) -> tuple:
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer([1, 2, 3], ["one", "two", "three"]), "UNK")
    return (table.lookup(tf.constant([3, 1, 9, 2])), table.lookup(tf.constant(2)),
            dtype_name(table.key_dtype), export(table))


def _static_bytes_keys(tf: Any, inputs: dict) -> Any:
    table = _words_table(tf)
    return table.lookup(tf.constant([w.encode("utf-8") for w in VOCAB[:4]] + [b"zz"]))


def _vocab_oov_many(tf: Any, inputs: dict) -> tuple:
    init = tf.lookup.KeyValueTensorInitializer(
        VOCAB, tf.range(len(VOCAB), dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=7)
    return table.lookup(tf.constant(VOCAB + OOV)), table.size()


def _vocab_int64_oov(tf: Any, inputs: dict) -> tuple:
    init = tf.lookup.KeyValueTensorInitializer(tf.constant([5, 17, 2], dtype=tf.int64),
                                               tf.constant([0, 1, 2], dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, 13)
    keys = tf.range(-50, 150, dtype=tf.int64)
    int32_table = tf.lookup.StaticVocabularyTable(init, 5, lookup_key_dtype=tf.int32)
    return (table.lookup(keys), table.size(),
            int32_table.lookup(tf.constant([5, 6, 2, 1000])),
            dtype_name(int32_table.key_dtype))


def _textfile_index(tf: Any, inputs: dict) -> tuple:
    index = tf.lookup.TextFileIndex
    init = tf.lookup.TextFileInitializer(inputs["vocab"], tf.string, 0, tf.int64,
                                         index.LINE_NUMBER, delimiter="\t")
    table = tf.lookup.StaticHashTable(init, -1)
    return (index.WHOLE_LINE, index.LINE_NUMBER, table.lookup(tf.constant(VOCAB[::-1] + ["?"])),
            table.size())


def _textfile_columns(tf: Any, inputs: dict) -> tuple:
    index = tf.lookup.TextFileIndex
    counts = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(inputs["vocab"], tf.string, 0, tf.int64, 1), 0)
    offset = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(inputs["vocab"], tf.string, 0, tf.int64,
                                      index.LINE_NUMBER, value_index_offset=2), -1)
    lines = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(inputs["vocab"], tf.int64, index.LINE_NUMBER, tf.string,
                                      index.WHOLE_LINE), "")
    first3 = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(inputs["vocab"], tf.string, 0, tf.int64,
                                      index.LINE_NUMBER, vocab_size=3), -1)
    probe = tf.constant(VOCAB[:5] + ["nope"])
    return (counts.lookup(probe), offset.lookup(probe),
            lines.lookup(tf.constant([0, 4, 1000], dtype=tf.int64)), first3.lookup(probe),
            first3.size())


def _textfile_vocab_oov(tf: Any, inputs: dict) -> Any:
    index = tf.lookup.TextFileIndex
    init = tf.lookup.TextFileInitializer(inputs["vocab"], tf.string, 0, tf.int64,
                                         index.LINE_NUMBER)
    table = tf.lookup.StaticVocabularyTable(init, 11)
    return table.lookup(tf.constant(OOV[:60] + VOCAB[:5]))


def _dataset_map_batch(tf: Any, inputs: dict) -> list:
    init = tf.lookup.KeyValueTensorInitializer(VOCAB, tf.range(len(VOCAB), dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, 4)
    tokens = np.array([[VOCAB[i], OOV[i], VOCAB[i + 1], OOV[i + 9]] for i in range(7)])
    labels = np.arange(7) % 2
    ds = tf.data.Dataset.from_tensor_slices((tokens, labels))
    ds = ds.map(lambda x, y: (table.lookup(x), y)).batch(3)
    return [(x, y) for x, y in ds]


def _dataset_split_padded(tf: Any, inputs: dict) -> list:
    init = tf.lookup.KeyValueTensorInitializer(VOCAB, tf.range(len(VOCAB), dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, 3)
    ds = tf.data.Dataset.from_tensor_slices(SENTENCES)
    ds = ds.map(tf.strings.split).map(table.lookup).padded_batch(3)
    return [batch for batch in ds]


def _ragged_lookup(tf: Any, inputs: dict) -> list:
    table = _words_table(tf)
    ragged = tf.strings.split(tf.constant(SENTENCES[:3]))
    return table.lookup(ragged).to_list()


def _index_table_from_dataset(tf: Any, inputs: dict) -> tuple:
    ds = tf.data.Dataset.from_tensor_slices(VOCAB)
    plain = tf.data.experimental.index_table_from_dataset(ds)
    oov = tf.data.experimental.index_table_from_dataset(ds, num_oov_buckets=5)
    first = tf.data.experimental.index_table_from_dataset(ds, vocab_size=4, default_value=-7)
    probe = tf.constant(VOCAB[:6] + OOV[:40])
    return (plain.lookup(probe), plain.size(), oov.lookup(probe), oov.size(),
            first.lookup(probe), first.size())


def _index_table_strong_hash(tf: Any, inputs: dict) -> Any:
    ds = tf.data.Dataset.from_tensor_slices(VOCAB)
    table = tf.data.experimental.index_table_from_dataset(ds, num_oov_buckets=6,
                                                          hasher_spec=inputs["strong_spec"])
    return table.lookup(tf.constant(VOCAB[:4] + OOV[:80]))


def _index_table_int_keys(tf: Any, inputs: dict) -> Any:
    ds = tf.data.Dataset.range(10, 20)
    table = tf.data.experimental.index_table_from_dataset(ds, num_oov_buckets=3,
                                                          key_dtype=tf.int64)
    return table.lookup(tf.range(0, 40, dtype=tf.int64)), table.size()


def _table_from_dataset(tf: Any, inputs: dict) -> tuple:
    keys = tf.data.Dataset.range(6)
    values = tf.data.Dataset.range(6).map(lambda x: tf.strings.as_string(x * 2))
    names = tf.data.experimental.table_from_dataset(tf.data.Dataset.zip((keys, values)),
                                                    default_value="n/a", key_dtype=tf.int64)
    ds = tf.data.Dataset.from_tensor_slices((VOCAB, tf.range(100, 100 + len(VOCAB),
                                                             dtype=tf.int64)))
    ids = tf.data.experimental.table_from_dataset(ds, num_oov_buckets=4)
    probe = tf.constant(VOCAB[:3] + OOV[:20])
    return (names.lookup(tf.constant([0, 1, 5, 9], dtype=tf.int64)), ids.lookup(probe),
            ids.size())


def _mutable_hash_table(tf: Any, inputs: dict) -> tuple:
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    table.insert(tf.constant(["a", "b", "c"]), tf.constant([1, 2, 3], dtype=tf.int64))
    first = table.lookup(tf.constant(["a", "z", "c"]))
    table.insert(tf.constant(["a"]), tf.constant([10], dtype=tf.int64))
    table.remove(tf.constant(["b", "zz"]))
    return first, table.lookup(tf.constant(["a", "b", "c"])), table.size(), export(table)


def _dense_hash_table(tf: Any, inputs: dict) -> tuple:
    table = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, default_value=-1.0,
                                                  empty_key=-1, deleted_key=-2)
    table.insert(tf.constant([4, 8, 15], dtype=tf.int64), tf.constant([0.5, 1.5, 2.5]))
    table.remove(tf.constant([8], dtype=tf.int64))
    return table.lookup(tf.constant([4, 8, 15, 16], dtype=tf.int64)), table.size()


CASES: Dict[str, Callable[[Any, Dict[str, Any]], Any]] = {
    "static_words": _static_words, "static_int_float": _static_int_float,
    "static_int32_to_string": _static_int32_to_string, "static_bytes_keys": _static_bytes_keys,
    "vocab_oov_many": _vocab_oov_many, "vocab_int64_oov": _vocab_int64_oov,
    "textfile_index": _textfile_index, "textfile_columns": _textfile_columns,
    "textfile_vocab_oov": _textfile_vocab_oov, "dataset_map_batch": _dataset_map_batch,
    "dataset_split_padded": _dataset_split_padded, "ragged_lookup": _ragged_lookup,
    "index_table_from_dataset": _index_table_from_dataset,
    "index_table_strong_hash": _index_table_strong_hash,
    "index_table_int_keys": _index_table_int_keys, "table_from_dataset": _table_from_dataset,
    "mutable_hash_table": _mutable_hash_table, "dense_hash_table": _dense_hash_table,
}


def _missing_file(tf: Any, inputs: dict) -> Any:
    index = tf.lookup.TextFileIndex
    path = os.path.join(inputs["root"], "no_such_vocab.txt")
    return tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, index.WHOLE_LINE, tf.int64, index.LINE_NUMBER), -1)


def _textfile(tf: Any, inputs: dict, *args: Any, **kwargs: Any) -> Any:
    return tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(inputs["vocab"], *args, **kwargs), -1)


ERRORS: Dict[str, Callable[[Any, Dict[str, Any]], Any]] = {
    "wrong_key_dtype": lambda tf, i: _words_table(tf).lookup(tf.constant([1, 2])),
    "vocab_wrong_key_dtype": lambda tf, i: tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(["a"], tf.constant([0], tf.int64)), 2).lookup(
        tf.constant([1], tf.int64)),
    "duplicate_keys": lambda tf, i: tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(["a", "b", "a"], [1, 2, 3]), -1),
    "keys_values_lengths": lambda tf, i: tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(["a", "b"], [1]), -1),
    "zero_oov_buckets": lambda tf, i: tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(["a"], tf.constant([0], tf.int64)), 0),
    "vocab_int32_values": lambda tf, i: tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(["a"], [0]), 3),
    "missing_file": _missing_file,
    "textfile_vocab_size_zero": lambda tf, i: tf.lookup.TextFileInitializer(
        i["vocab"], tf.string, 0, tf.int64, -1, vocab_size=0),
    "textfile_vocab_size_too_big": lambda tf, i: _textfile(tf, i, tf.string, 0, tf.int64, -1,
                                                           vocab_size=len(VOCAB) + 5),
    "textfile_missing_column": lambda tf, i: _textfile(tf, i, tf.string, 0, tf.int64, 3),
    "textfile_bad_int": lambda tf, i: _textfile(tf, i, tf.string, 1, tf.int64, 0),
    "textfile_line_number_dtype": lambda tf, i: tf.lookup.TextFileInitializer(
        i["vocab"], tf.string, 0, tf.int32, -1),
    "textfile_whole_line_dtype": lambda tf, i: tf.lookup.TextFileInitializer(
        i["vocab"], tf.float32, -2, tf.int64, -1),
    "dataset_duplicate_keys": lambda tf, i: tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x", "y", "x"])),
    "dataset_vocab_size_zero": lambda tf, i: tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x"]), vocab_size=0),
    "dataset_vocab_size_too_big": lambda tf, i: tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x", "y"]), vocab_size=5),
    "dataset_negative_oov": lambda tf, i: tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x"]), num_oov_buckets=-1),
    "dataset_float_key_dtype": lambda tf, i: tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x"]), key_dtype=tf.float32),
    "dataset_string_values_no_default": lambda tf, i: tf.data.experimental.table_from_dataset(
        tf.data.Dataset.from_tensor_slices((["x"], ["y"]))),
    "dataset_non_scalar_keys": lambda tf, i: tf.data.experimental.table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["x", "y"]).batch(2).map(lambda x: (x, x)), 0, None,
        ""),
}
