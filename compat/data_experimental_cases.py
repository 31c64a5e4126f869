"""``tf.data.experimental`` transformations older tutorials still call (``map_and_batch``,
``parallel_interleave``, ``shuffle_and_repeat``, ``assert_cardinality``, ...): each case runs
the same code on real TensorFlow (generate_data_experimental.py) and on torchkeras
(test_data_experimental.py) and returns plain JSON values."""
from __future__ import annotations

from typing import Any, Callable, Dict

import numpy as np


def plain(value: Any) -> Any:
    """Dataset elements as JSON: arrays to lists, bytes to text, tuples/dicts kept."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "SO":
        return plain(array.tolist())
    return array.tolist()


def summary(tf: Any, dataset: Any) -> Dict[str, Any]:
    return {"spec": repr(dataset.element_spec), "cardinality": int(dataset.cardinality()),
            "elements": plain(list(dataset.as_numpy_iterator()))}


def map_and_batch(tf):
    ex = tf.data.experimental
    base = tf.data.Dataset.range(10)
    return {"plain": summary(tf, base.apply(ex.map_and_batch(lambda x: x * 2, 3))),
            "drop": summary(tf, base.apply(ex.map_and_batch(lambda x: (x, -x), 4,
                                                             drop_remainder=True))),
            "parallel": summary(tf, base.apply(ex.map_and_batch(
                lambda x: {"x": x}, 3, num_parallel_batches=2)))}


def parallel_interleave(tf):
    ex = tf.data.experimental
    base = tf.data.Dataset.range(3)
    inner = lambda x: tf.data.Dataset.range(x * 10, x * 10 + 4)  # noqa: E731
    result = {"blocks": summary(tf, base.apply(ex.parallel_interleave(
                  inner, cycle_length=2, block_length=2))),
              "default_block": summary(tf, base.apply(ex.parallel_interleave(
                  inner, cycle_length=3)))}
    for value in result.values():
        value["cardinality"] = None  # TF: UNKNOWN (-2) where torchkeras may know it
    return result


def shuffle_and_repeat(tf):
    """The order is TF's RNG's: recorded are the count and that each pass is a permutation."""
    ex = tf.data.experimental
    twice = tf.data.Dataset.range(5).apply(ex.shuffle_and_repeat(5, count=2, seed=1))
    elements = plain(list(twice.as_numpy_iterator()))
    forever = tf.data.Dataset.range(5).apply(ex.shuffle_and_repeat(5))
    first = plain(list(forever.take(15).as_numpy_iterator()))
    return {"spec": repr(twice.element_spec), "cardinality": int(twice.cardinality()),
            "passes": [sorted(elements[:5]), sorted(elements[5:])],
            "forever_cardinality": int(forever.cardinality()),
            "forever_passes": [sorted(first[i:i + 5]) for i in (0, 5, 10)]}


def unbatch(tf):
    ex = tf.data.experimental
    pairs = tf.data.Dataset.from_tensor_slices(([[1, 2], [3, 4]], [["a", "b"], ["c", "d"]]))
    return summary(tf, pairs.apply(ex.unbatch()))


def assert_cardinality(tf):
    ex = tf.data.experimental
    filtered = tf.data.Dataset.range(6).filter(lambda x: x < 3)
    result = {"ok": summary(tf, filtered.apply(ex.assert_cardinality(3)))}
    for name, dataset in (("fewer", filtered.apply(ex.assert_cardinality(4))),
                          ("more", tf.data.Dataset.range(6).apply(ex.assert_cardinality(3)))):
        try:
            list(dataset)
            result[name] = "no error"
        except Exception as error:  # TF: FailedPreconditionError; the message is compared
            message = str(error)
            result[name] = {"cardinality": int(dataset.cardinality()),
                            "message": message[message.index("Input dataset"):
                                               message.index("elements.") + 9]}
    return result


def device_transfers(tf):
    ex = tf.data.experimental
    base = tf.data.Dataset.range(4).map(lambda x: (x, x * 2))
    result = {"copy": summary(tf, base.apply(ex.copy_to_device("/cpu:0"))),
              "prefetch": summary(tf, base.apply(ex.prefetch_to_device("/cpu:0"))),
              "prefetch_buffer": summary(tf, base.apply(ex.prefetch_to_device("/cpu:0", 2)))}
    for value in result.values():
        value["cardinality"] = None  # TF: UNKNOWN (-2) where torchkeras keeps the count
    return result


def structure_and_access(tf):
    ex = tf.data.experimental
    batched = tf.data.Dataset.range(5).map(lambda x: {"a": x, "b": tf.cast(x, "float32")})
    tripled = tf.data.Dataset.range(10).map(lambda x: x * 3)
    return {"structure": repr(ex.get_structure(batched.batch(2))),
            "at": plain(ex.at(tripled, 4)),
            "at_tuple": plain(ex.at(tf.data.Dataset.from_tensor_slices(
                ([1, 2, 3], ["x", "y", "z"])), 1)),
            "shard_hint": ex.SHARD_HINT,
            "debug_mode": repr(ex.enable_debug_mode())}


def from_list(tf):
    ex = tf.data.experimental
    return {"pairs": summary(tf, ex.from_list([(1, "a"), (2, "b")])),
            "ragged": summary(tf, ex.from_list([[1, 2], [3]])),
            "dicts": summary(tf, ex.from_list([{"x": 1.5, "y": [1, 2]},
                                               {"x": 2.5, "y": [3, 4]}]))}


def dict_order(tf):
    """Dict elements keep the key order the map function wrote (TF's specs and elements)."""
    ex = tf.data.Dataset.range(4).map(lambda x: {"score": x, "label": -x, "id": x + 1})
    batched = ex.apply(tf.data.experimental.map_and_batch(lambda d: d, 2))
    return {name: {"spec": repr(dataset.element_spec),
                   "keys": [list(e) for e in dataset.as_numpy_iterator()]}
            for name, dataset in (("map", ex), ("map_and_batch", batched))}


CASES: Dict[str, Callable[[Any], Any]] = {
    fn.__name__: fn for fn in (map_and_batch, parallel_interleave, shuffle_and_repeat, unbatch,
                               assert_cardinality, device_transfers, structure_and_access,
                               from_list, dict_order)}
