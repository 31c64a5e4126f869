"""The tf.data pipelines recorded by generate_data.py (real TensorFlow) and replayed by
test_data.py (torchkeras): each case takes a ``tf`` module and returns a dataset (or, for
``reduce``, a value). Only deterministic pipelines: shuffle is checked by its properties."""
from __future__ import annotations

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
    "constants": lambda tf: (tf.data.AUTOTUNE, tf.data.experimental.AUTOTUNE,
                             tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY),
}
