"""Record tf.data element sequences from real TensorFlow into ``fixtures/data_pipelines.json``.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_data.py

For every pipeline in data_cases.CASES: the elements (each leaf as dtype, shape and values;
strings decoded to text), ``element_spec`` (shapes, dtypes) and ``cardinality()``; for every
entry of data_cases.VALUES the value. Shuffle is recorded by the properties a user can
observe (see ``shuffle_facts``). test_data.py replays all of it on torchkeras.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data_cases import CASES, VALUES  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "data_pipelines.json")


def leaf(value) -> dict:
    array = np.asarray(value)
    if array.dtype.kind in "SO":
        values = np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(array).tolist() \
            if array.size else []
        return {"dtype": "string", "shape": list(array.shape), "value": values}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def structure(value, fn):
    if isinstance(value, dict):
        return {"dict": {k: structure(value[k], fn) for k in sorted(value)}}
    if isinstance(value, tuple):
        return {"tuple": [structure(v, fn) for v in value]}
    return fn(value)


def spec(s) -> dict:
    dims = None if s.shape.rank is None else [d for d in s.shape.as_list()]
    return {"dtype": s.dtype.name, "shape": dims}


def shuffle_facts() -> dict:
    base = tf.data.Dataset.range(20)
    once = base.shuffle(20, seed=3)
    fixed = base.shuffle(20, seed=3, reshuffle_each_iteration=False)
    epochs = [list(once.as_numpy_iterator()) for _ in range(2)]
    fixed_epochs = [list(fixed.as_numpy_iterator()) for _ in range(2)]
    buffer1 = list(base.shuffle(1, seed=0).as_numpy_iterator())
    small = list(tf.data.Dataset.range(100).shuffle(5, seed=1).as_numpy_iterator())
    repeated = list(base.shuffle(20, seed=3).repeat(2).as_numpy_iterator())
    return {
        "epochs_are_permutations": all(sorted(e) == list(range(20)) for e in epochs),
        "reshuffle_differs": epochs[0] != epochs[1],
        "no_reshuffle_same": fixed_epochs[0] == fixed_epochs[1],
        "buffer_1_is_identity": buffer1 == list(range(20)),
        "max_lead_buffer_5": int(max(v - i for i, v in enumerate(small))),
        "repeat_reshuffles": repeated[:20] != repeated[20:],
        "repeat_each_pass_complete": sorted(repeated[:20]) == list(range(20)),
    }


def main() -> None:
    cases = {}
    for name, build in CASES.items():
        ds = build(tf)
        cases[name] = {
            "elements": [structure(e, leaf) for e in ds.as_numpy_iterator()],
            "element_spec": structure(ds.element_spec, spec),
            "cardinality": int(ds.cardinality()),
        }
    values = {}
    for name, build in VALUES.items():
        value = build(tf)
        values[name] = structure(tuple(value) if isinstance(value, tuple) else value,
                                 lambda v: leaf(np.asarray(v)))
    record = {"tensorflow_version": tf.__version__, "numpy_version": np.__version__,
              "cases": cases, "values": values, "shuffle": shuffle_facts()}
    with open(OUT, "w") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote {OUT}: {len(cases)} pipelines, {len(values)} values")


if __name__ == "__main__":
    main()
