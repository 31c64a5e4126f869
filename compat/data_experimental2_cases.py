"""More ``tf.data.experimental`` names: ``group_by_reducer``/``Reducer``, ``Optional`` and
``iterator.get_next_as_optional()``, ``pad_to_cardinality`` and the typed option groups
(``OptimizationOptions``, ``ThreadingOptions``, ``DistributeOptions``, ``AutotuneOptions``
and their enums). Each case runs the same code on real TensorFlow
(generate_data_experimental2.py) and on torchkeras (test_data_experimental2.py) and returns
plain JSON values."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict

import numpy as np

from data_experimental_cases import plain, summary


def _error(fn: Callable[[], Any]) -> Dict[str, str]:
    """The error ``fn`` raises: its class name and message (TF's tensor reprs as numbers)."""
    try:
        fn()
    except Exception as error:  # the class name and message are what is compared
        message = re.sub(r"tf\.Tensor\((-?\d+), shape=\(\), dtype=int64\)", r"\1", str(error))
        return {"type": type(error).__name__, "message": message}
    return {"type": "no error", "message": ""}


def _reducer(tf: Any, init: Callable, reduce: Callable, finalize: Callable) -> Any:
    return tf.data.experimental.Reducer(init_func=init, reduce_func=reduce, finalize_func=finalize)


def group_by_reducer(tf):
    """Output order: TF emits one element per key in ascending key order."""
    ex = tf.data.experimental
    values = tf.data.Dataset.from_tensor_slices(np.array([5, 3, 7, 3, 5, 9, 1, 20, 11], np.int64))
    total = _reducer(tf, lambda key: np.int64(0), lambda state, x: state + x, lambda s: s)
    count = _reducer(tf, lambda key: (key, np.int64(0)),
                     lambda state, x: (state[0], state[1] + 1),
                     lambda key, n: {"key": key, "count": n})
    pairs = tf.data.Dataset.from_tensor_slices((np.arange(8, dtype=np.int64),
                                               np.linspace(0.0, 3.5, 8).astype(np.float32)))
    mean = _reducer(tf, lambda key: (np.float32(0.0), np.float32(0.0)),
                    lambda state, x: (state[0] + x[1], state[1] + 1.0),
                    lambda total_, n: total_ / n)
    return {"mod4": summary(tf, values.apply(ex.group_by_reducer(lambda x: x % 4, total))),
            "identity": summary(tf, values.apply(ex.group_by_reducer(lambda x: x, total))),
            "negative": summary(tf, values.apply(ex.group_by_reducer(lambda x: 10 - x, total))),
            "permuted": summary(tf, values.apply(ex.group_by_reducer(lambda x: x * 7 % 11,
                                                                     total))),
            "key_and_count": summary(tf, values.apply(ex.group_by_reducer(lambda x: x % 4,
                                                                          count))),
            "tuple_mean": summary(tf, pairs.apply(ex.group_by_reducer(lambda i, v: i % 3,
                                                                      mean))),
            "empty": summary(tf, values.take(0).apply(ex.group_by_reducer(lambda x: x % 4,
                                                                          total)))}


def optional(tf):
    opt = tf.experimental.Optional
    value = opt.from_value((np.float32(1.5), {"a": "s", "b": [1, 2]}))
    empty = opt.empty(tf.TensorSpec([], tf.int32))
    return {"same_class": tf.data.experimental.Optional is opt,
            "value": {"has_value": bool(value.has_value()), "value": plain(value.get_value()),
                      "spec": repr(value.element_spec)},
            "scalar": plain(opt.from_value(3).get_value()),
            "empty": {"has_value": bool(empty.has_value()), "spec": repr(empty.element_spec),
                      "get_value": _error(empty.get_value)["type"]}}


def iterator(tf):
    it = iter(tf.data.Dataset.range(3).map(lambda x: (x, x * 2)))
    first = plain(it.get_next())
    second = it.get_next_as_optional()
    third = tf.data.experimental.get_next_as_optional(it)
    end = it.get_next_as_optional()
    return {"first": first, "second": [bool(second.has_value()), plain(second.get_value())],
            "third": [bool(third.has_value()), plain(third.get_value())],
            "end": [bool(end.has_value()), repr(end.element_spec)],
            "spec": repr(it.element_spec),
            "get_next_at_end": _error(it.get_next)["type"],
            "next_at_end": _error(lambda: next(it))["type"]}


def pad_to_cardinality(tf):
    ex = tf.data.experimental
    rows = tf.data.Dataset.from_tensor_slices(
        {"a": [1, 2], "v": [[1.0, 2.0], [3.0, 4.0]], "s": ["x", "y"]})
    padded = rows.apply(ex.pad_to_cardinality(5))
    custom = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3]}).apply(
        ex.pad_to_cardinality(4, mask_key="real")).batch(2, drop_remainder=True)
    return {"padded": summary(tf, padded), "custom_batched": summary(tf, custom),
            "exact": summary(tf, rows.apply(ex.pad_to_cardinality(2))),
            "unknown": _error(lambda: rows.filter(lambda d: d["a"] > 0).apply(
                ex.pad_to_cardinality(5))),
            "too_many": _error(lambda: rows.apply(ex.pad_to_cardinality(1))),
            "not_dict": _error(lambda: tf.data.Dataset.range(2).apply(
                ex.pad_to_cardinality(3)))}


_GROUPS = ("OptimizationOptions", "ThreadingOptions", "DistributeOptions", "AutotuneOptions")


def option_groups(tf):
    ex = tf.data.experimental
    defaults = {}
    for name in _GROUPS:
        group = getattr(ex, name)()
        defaults[name] = {k: repr(getattr(group, k)) for k in dir(group)
                          if not k.startswith("_") and not callable(getattr(group, k))}
    enums = {name: [[m.name, int(m.value)] for m in getattr(ex, name)]
             for name in ("AutoShardPolicy", "AutotuneAlgorithm", "ExternalStatePolicy")}
    return {"defaults": defaults, "enums": enums,
            "threading_same": tf.data.ThreadingOptions is ex.ThreadingOptions}


def options_set_and_merge(tf):
    ex = tf.data.experimental
    options = tf.data.Options()
    threading = ex.ThreadingOptions()
    threading.private_threadpool_size = 4
    options.threading = threading
    options.experimental_distribute.auto_shard_policy = ex.AutoShardPolicy.DATA
    options.experimental_optimization.map_parallelization = False
    options.autotune.autotune_algorithm = ex.AutotuneAlgorithm.GRADIENT_DESCENT
    options.experimental_external_state_policy = ex.ExternalStatePolicy.FAIL
    options.deterministic = False
    later = tf.data.Options()
    later.threading.max_intra_op_parallelism = 1
    later.experimental_optimization.map_parallelization = True
    later.experimental_deterministic = True
    ds = tf.data.Dataset.range(3).with_options(options).with_options(later)
    got = ds.options()
    optimization = ex.OptimizationOptions()
    optimization.map_fusion = True
    return {
        "read": {"threadpool": got.threading.private_threadpool_size,
                 "intra_op": got.threading.max_intra_op_parallelism,
                 "experimental_threading": got.experimental_threading.private_threadpool_size,
                 "shard": repr(got.experimental_distribute.auto_shard_policy),
                 "map_parallelization": got.experimental_optimization.map_parallelization,
                 "algorithm": repr(got.autotune.autotune_algorithm),
                 "external": repr(got.experimental_external_state_policy),
                 "deterministic": got.deterministic,
                 "experimental_deterministic": got.experimental_deterministic},
        "user_options_unchanged": [options.threading.max_intra_op_parallelism,
                                   options.deterministic],
        "equal": [tf.data.Options() == tf.data.Options(), options == tf.data.Options(),
                  optimization == ex.OptimizationOptions()],
        "errors": {
            "unknown": _error(lambda: setattr(ex.ThreadingOptions(), "foo", 1)),
            "wrong_int": _error(lambda: setattr(ex.ThreadingOptions(),
                                                "private_threadpool_size", "x")),
            "wrong_bool": _error(lambda: setattr(ex.OptimizationOptions(),
                                                 "map_parallelization", 1)),
            "wrong_enum": _error(lambda: setattr(tf.data.Options().experimental_distribute,
                                                 "auto_shard_policy", 5)),
            "options_unknown": _error(lambda: setattr(tf.data.Options(), "threads", 2)),
            "constructor_kwargs": _error(lambda: ex.ThreadingOptions(
                private_threadpool_size=3))["type"],
            "frozen": _error(lambda: setattr(ds.options(), "deterministic", True)),
            "frozen_group": _error(lambda: setattr(ds.options().threading,
                                                   "private_threadpool_size", 2))}}


CASES: Dict[str, Callable[[Any], Any]] = {
    fn.__name__: fn for fn in (group_by_reducer, optional, iterator, pad_to_cardinality,
                               option_groups, options_set_and_merge)}


def padded_batch_shapes(tf):
    """``padded_shapes`` as a shape tuple for a single component (the tf.data guide's
    ``padded_batch(4, padded_shapes=(None,))``) and nested in a tuple element."""
    ragged = tf.data.Dataset.range(7).map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    pairs = ragged.map(lambda v: (v, tf.size(v)))
    return {"single": summary(tf, ragged.padded_batch(4, padded_shapes=(None,))),
            "fixed": summary(tf, ragged.padded_batch(3, padded_shapes=(8,))),
            "nested": summary(tf, pairs.padded_batch(4, padded_shapes=((None,), ()))),
            "mismatch": _error(lambda: list(pairs.padded_batch(
                2, padded_shapes=(None,))))["type"]}


CASES["padded_batch_shapes"] = padded_batch_shapes
