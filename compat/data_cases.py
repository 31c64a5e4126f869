"""The tf.data pipelines recorded by generate_data.py (real TensorFlow) and replayed by
test_data.py (torchkeras): each case takes a ``tf`` module and returns a dataset (or, for
``reduce``, a value). Only deterministic pipelines: shuffle is checked by its properties."""
from __future__ import annotations

import os
import tempfile
from typing import Any, Callable, Dict

import numpy as np


def _gen_ragged():
    for i in range(1, 5):
        yield np.arange(i, dtype="int32"), i * 10


def _gen_pairs():
    for i in range(3):
        yield [i * 1.5, -i], i


def _gen_dict():
    for i in range(3):
        yield {"x": np.full((2,), i, "float32"), "name": f"n{i}"}


def _text_files() -> str:
    """A fresh folder with two small text files (a.txt, b.txt): the pattern ``<dir>/*.txt``."""
    root = tempfile.mkdtemp(prefix="tk_data_cases_")
    with open(os.path.join(root, "a.txt"), "w") as handle:
        handle.write("first line\nsecond, with comma\r\n\nlast without newline")
    with open(os.path.join(root, "b.txt"), "w") as handle:
        handle.write("b one\n")
    return root


def _fresh(name: str) -> str:
    return os.path.join(tempfile.mkdtemp(prefix="tk_data_cases_"), name)


def _basename(tf: Any, path: Any) -> Any:
    return tf.strings.split(path, os.sep)[-1]


def _options(tf: Any) -> Any:
    options = tf.data.Options()
    options.deterministic = True
    options.experimental_distribute.auto_shard_policy = \
        tf.data.experimental.AutoShardPolicy.DATA
    return options


def _saved_and_loaded(tf: Any) -> Any:
    path = _fresh("saved")
    tf.data.Dataset.from_tensor_slices(
        {"x": np.arange(6, dtype="float32").reshape(3, 2), "t": ["a", "bb", "c"]}).save(path)
    return tf.data.Dataset.load(path)


CASES: Dict[str, Callable[[Any], Any]] = {
    "slices_tuple_batch": lambda tf: tf.data.Dataset.from_tensor_slices(
        (np.arange(10, dtype="float32").reshape(5, 2), np.arange(5))).batch(2),
    "slices_dict_drop": lambda tf: tf.data.Dataset.from_tensor_slices(
        {"a": [[1, 2], [3, 4], [5, 6]], "b": ["x", "y", "z"]}).batch(2, drop_remainder=True),
    "slices_python_floats": lambda tf: tf.data.Dataset.from_tensor_slices([1.5, 2.5, 3.5]),
    "slices_python_ints": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]),
    "slices_float64": lambda tf: tf.data.Dataset.from_tensor_slices(np.linspace(0, 1, 3)),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors(([1, 2, 3], "s")),
    "range_step": lambda tf: tf.data.Dataset.range(2, 11, 3),
    "map_filter": lambda tf: tf.data.Dataset.range(8).map(lambda x: x * 2).filter(
        lambda x: x % 3 != 0),
    "map_tf_ops": lambda tf: tf.data.Dataset.range(6).map(
        lambda x: (tf.cast(x, tf.float32) / 2, tf.one_hot(x % 3, 3)),
        num_parallel_calls=tf.data.AUTOTUNE).batch(4),
    "map_reshape": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.arange(12.0, dtype="float32").reshape(3, 4)).map(
        lambda x: tf.reshape(tf.expand_dims(x, 0), (2, 2)), num_parallel_calls=2),
    "map_dict_to_tuple": lambda tf: tf.data.Dataset.from_tensor_slices(
        {"f": np.arange(4, dtype="float32"), "label": np.arange(4) % 2}).map(
        lambda d: (d["f"] * 3.0, d["label"])).batch(3),
    "zip_tuple": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(5), tf.data.Dataset.range(10, 13))),
    "zip_dict": lambda tf: tf.data.Dataset.zip(
        {"a": tf.data.Dataset.range(3), "b": tf.data.Dataset.from_tensor_slices([1.0, 2.0, 3.0])}
    ).batch(2),
    "padded_batch": lambda tf: tf.data.Dataset.range(1, 6).map(
        lambda x: tf.range(x)).padded_batch(2),
    "padded_batch_shapes": lambda tf: tf.data.Dataset.range(1, 5).map(
        lambda x: (tf.range(x), x)).padded_batch(3, padded_shapes=([5], []),
                                                 padding_values=(np.int64(-1), np.int64(0))),
    "unbatch": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.arange(12).reshape(3, 2, 2)).unbatch(),
    "batch_unbatch": lambda tf: tf.data.Dataset.range(7).batch(3).unbatch(),
    "rebatch": lambda tf: tf.data.Dataset.range(10).batch(4).rebatch(3),
    "repeat_skip_take": lambda tf: tf.data.Dataset.range(3).repeat(3).skip(2).take(5),
    "repeat_infinite_take": lambda tf: tf.data.Dataset.range(2).repeat().take(5),
    "concatenate_enumerate": lambda tf: tf.data.Dataset.range(3).concatenate(
        tf.data.Dataset.range(10, 12)).enumerate(start=5),
    "window_flat_map": lambda tf: tf.data.Dataset.range(7).window(3, shift=2).flat_map(
        lambda w: w.batch(3)),
    "window_stride_drop": lambda tf: tf.data.Dataset.range(10).window(
        3, shift=1, stride=2, drop_remainder=True).flat_map(lambda w: w.batch(3)),
    "window_tuple": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(5), tf.data.Dataset.range(5).map(lambda x: -x))).window(2).flat_map(
        lambda a, b: tf.data.Dataset.zip((a.batch(2), b.batch(2)))),
    "interleave": lambda tf: tf.data.Dataset.range(1, 5).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=3),
    "interleave_parallel": lambda tf: tf.data.Dataset.range(4).interleave(
        lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3), cycle_length=3,
        num_parallel_calls=tf.data.AUTOTUNE),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "shard_last": lambda tf: tf.data.Dataset.range(10).shard(4, 3),
    "generator_signature": lambda tf: tf.data.Dataset.from_generator(
        _gen_ragged, output_signature=(tf.TensorSpec(shape=(None,), dtype=tf.int32),
                                       tf.TensorSpec(shape=(), dtype=tf.int64))).padded_batch(2),
    "generator_types_shapes": lambda tf: tf.data.Dataset.from_generator(
        _gen_pairs, output_types=(tf.float32, tf.int32), output_shapes=((2,), ())),
    "generator_dict_strings": lambda tf: tf.data.Dataset.from_generator(
        _gen_dict, output_signature={"x": tf.TensorSpec((2,), tf.float32),
                                     "name": tf.TensorSpec((), tf.string)}).batch(2),
    "strings_batch": lambda tf: tf.data.Dataset.from_tensor_slices(["ab", "c", "de"]).batch(2),
    "cache_repeat": lambda tf: tf.data.Dataset.range(4).map(lambda x: x + 1).cache().repeat(2),
    "prefetch": lambda tf: tf.data.Dataset.range(5).batch(2).prefetch(tf.data.AUTOTUNE),
    "take_all_skip_all": lambda tf: tf.data.Dataset.range(4).take(-1).concatenate(
        tf.data.Dataset.range(3).skip(-1)),
    "apply": lambda tf: tf.data.Dataset.range(6).apply(lambda ds: ds.filter(
        lambda x: x > 2)),
    "with_options": lambda tf: tf.data.Dataset.range(3).with_options(tf.data.Options()),
    "text_line_dataset": lambda tf: tf.data.TextLineDataset(
        [os.path.join(_text_files(), name) for name in ("a.txt", "b.txt")]),
    "list_files_no_shuffle": lambda tf: tf.data.Dataset.list_files(
        os.path.join(_text_files(), "*.txt"), shuffle=False).map(lambda p: _basename(tf, p)),
    "list_files_interleave_lines": lambda tf: tf.data.Dataset.list_files(
        os.path.join(_text_files(), "*.txt"), shuffle=False).interleave(
        tf.data.TextLineDataset, cycle_length=2),
    "cache_file_repeat": lambda tf: tf.data.Dataset.range(5).map(
        lambda x: (x * 2, tf.strings.as_string(x))).cache(_fresh("cache")).repeat(2),
    "save_load": _saved_and_loaded,
    "group_by_window": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 3, lambda key, window: window.batch(2), window_size=2),
    "group_by_window_size_func": lambda tf: tf.data.Dataset.range(12).group_by_window(
        key_func=lambda x: x % 2, reduce_func=lambda key, w: w.batch(5),
        window_size_func=lambda key: key + 2),
    "bucket_by_sequence_length": lambda tf: tf.data.Dataset.range(1, 9).map(
        lambda x: tf.range(x)).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], bucket_boundaries=[3, 5], bucket_batch_sizes=[2, 2, 3]),
    "bucket_pad_to_boundary": lambda tf: tf.data.Dataset.range(1, 7).map(
        lambda x: (tf.range(x), x)).bucket_by_sequence_length(
        lambda x, y: tf.shape(x)[0], bucket_boundaries=[3, 8], bucket_batch_sizes=[2, 2, 2],
        pad_to_bucket_boundary=True),
    "experimental_bucket_apply": lambda tf: tf.data.Dataset.range(1, 6).map(
        lambda x: tf.range(x)).apply(tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.shape(x)[0], [4], [2, 2])),
    "choose_from_datasets": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)],
        tf.data.Dataset.from_tensor_slices(np.array([0, 1, 1, 0, 1, 1, 0], "int64"))),
    "choose_no_stop": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(2), tf.data.Dataset.range(10, 14)],
        tf.data.Dataset.from_tensor_slices(np.array([0, 0, 0, 1, 1, 0, 1], "int64")),
        stop_on_empty_dataset=False),
    "experimental_choose": lambda tf: tf.data.experimental.choose_from_datasets(
        [tf.data.Dataset.from_tensors("a").repeat(), tf.data.Dataset.from_tensors("b").repeat()],
        tf.data.Dataset.range(2).repeat(3)),
    "sample_one_weight": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(4), tf.data.Dataset.range(100, 104)], weights=[1.0, 0.0],
        seed=1, stop_on_empty_dataset=True),
    "counter_take": lambda tf: tf.data.Dataset.counter(3, 2).take(4),
    "scan_running_sum": lambda tf: tf.data.Dataset.range(6).scan(
        np.int64(0), lambda state, x: (state + x, state * 10)),
    "experimental_scan_tuple": lambda tf: tf.data.Dataset.range(1, 5).apply(
        tf.data.experimental.scan((np.int64(0), np.int64(1)),
                                  lambda s, x: ((s[0] + x, s[1] * x), s[0] - s[1]))),
    "take_while": lambda tf: tf.data.Dataset.range(10).take_while(lambda x: x < 4),
    "unique": lambda tf: tf.data.Dataset.from_tensor_slices([1, 3, 1, 2, 3, 5]).unique(),
    "unique_strings": lambda tf: tf.data.Dataset.from_tensor_slices(
        ["b", "a", "b", "c", "a"]).unique(),
    "ignore_errors": lambda tf: tf.data.Dataset.from_tensor_slices(
        ["1.5", "x", "3", "", "-2"]).map(tf.strings.to_number).ignore_errors(),
    "concatenate_merges_shapes": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.zeros((4, 2), "float32")).batch(2, drop_remainder=True).concatenate(
        tf.data.Dataset.from_tensor_slices(np.ones((3, 2), "float32")).batch(3)),
    "rebatch_drop": lambda tf: tf.data.Dataset.range(11).batch(4).rebatch(3,
                                                                           drop_remainder=True),
    "with_options_deterministic": lambda tf: tf.data.Dataset.range(6).map(
        lambda x: x * x, num_parallel_calls=3).with_options(_options(tf)),
    "from_slices_labels_batch_fit_form": lambda tf: tf.data.Dataset.from_tensor_slices(
        (np.arange(6, dtype="float32").reshape(3, 2), np.array([0, 1, 0]),
         np.array([1.0, 0.5, 2.0], dtype="float32"))).batch(2),
}

VALUES: Dict[str, Callable[[Any], Any]] = {
    "reduce_sum": lambda tf: tf.data.Dataset.range(10).reduce(np.int64(0), lambda s, x: s + x),
    "reduce_tuple": lambda tf: tf.data.Dataset.range(1, 5).reduce(
        (np.int64(0), np.int64(1)), lambda s, x: (s[0] + x, s[1] * x)),
    "len_batch": lambda tf: len(tf.data.Dataset.range(10).batch(3)),
    "cardinality_filter": lambda tf: tf.data.experimental.cardinality(
        tf.data.Dataset.range(10).filter(lambda x: x > 2)),
    "cardinality_repeat": lambda tf: tf.data.Dataset.range(3).repeat().cardinality(),
    "cardinality_window": lambda tf: tf.data.Dataset.range(10).window(3, shift=2).cardinality(),
    "cardinality_window_drop": lambda tf: tf.data.Dataset.range(10).window(
        3, shift=2, drop_remainder=True).cardinality(),
    "cardinality_shard": lambda tf: tf.data.Dataset.range(10).shard(4, 3).cardinality(),
    "cardinality_zip_infinite": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(4), tf.data.Dataset.range(2).repeat())).cardinality(),
    "random_cardinality": lambda tf: tf.data.Dataset.random(seed=5).cardinality(),
    "get_single_element": lambda tf: tf.data.Dataset.range(5).skip(4).get_single_element(),
    "experimental_get_single_element": lambda tf: tf.data.experimental.get_single_element(
        tf.data.Dataset.from_tensors((np.int64(7), np.int64(8)))),
    "len_batch_exact": lambda tf: len(tf.data.Dataset.range(10).batch(5)),
    "cardinality_group_by_window": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(2), window_size=2).cardinality(),
    "cardinality_sample_infinite": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(2).repeat(), tf.data.Dataset.range(3).repeat()]).cardinality(),
    "cardinality_choose": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(2), tf.data.Dataset.range(3)],
        tf.data.Dataset.range(2)).cardinality(),
    "cardinality_scan": lambda tf: tf.data.Dataset.range(7).scan(
        np.int64(0), lambda s, x: (s, x)).cardinality(),
    "cardinality_ignore_errors": lambda tf: tf.data.Dataset.range(7).ignore_errors()
    .cardinality(),
    "cardinality_load": lambda tf: _saved_and_loaded(tf).cardinality(),
    "constants": lambda tf: (tf.data.AUTOTUNE, tf.data.experimental.AUTOTUNE,
                             tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY),
}
