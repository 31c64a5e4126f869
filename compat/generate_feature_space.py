"""Record ``keras.utils.FeatureSpace`` under real Keras 2 (tf_keras) and Keras 3 into
``compat/fixtures/feature_space.json``: encoded outputs (concat and dict modes, crosses,
one-hot and int modes, a single unbatched sample), the adapt statistics of each preprocessor
(Normalization mean/variance, Discretization bin boundaries, lookup vocabularies) and the
config's feature/cross classes. ``compat/test_feature_space.py`` checks torchkeras against it.

Runs ONLY in the reference venv::

    TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_feature_space.py
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data(n: int = 40) -> Dict[str, list]:
    """A small heart.csv-like table (ints, floats, strings)."""
    rng = np.random.RandomState(7)
    return {
        "sex": rng.randint(0, 2, n).tolist(),
        "cp": rng.randint(0, 5, n).tolist(),
        "thal": rng.choice(["normal", "fixed", "reversible", "1"], n).tolist(),
        "age": rng.randint(29, 78, n).astype("float32").tolist(),
        "chol": np.round(rng.normal(240.0, 50.0, n), 1).tolist(),
        "oldpeak": np.round(rng.uniform(0.0, 6.0, n), 1).tolist(),
        "zip": rng.randint(1000, 1100, n).tolist(),
        "city": rng.choice(["paris", "rome", "oslo", "lima", "kyiv", "baku"], n).tolist(),
    }


# Each case: features (type name or [helper, kwargs]), crosses (name lists or
# [names, crossing_dim, output_mode]), FeatureSpace kwargs, how adapt sees the data.
CASES = [
    {"name": "tutorial_concat",
     "features": {"sex": ["integer_categorical", {"num_oov_indices": 0}],
                  "cp": ["integer_categorical", {"num_oov_indices": 0}],
                  "thal": ["string_categorical", {"num_oov_indices": 0}],
                  "age": ["float_discretized", {"num_bins": 5}],
                  "chol": ["float_normalized", {}],
                  "oldpeak": ["float_normalized", {}]},
     "crosses": [[["sex", "age"], 64, "one_hot"], [["thal", "cp"], 16, "one_hot"]],
     "kwargs": {"output_mode": "concat"}, "adapt": "batched"},
    {"name": "type_names_concat",
     "features": {"sex": "integer_categorical", "thal": "string_categorical",
                  "age": "float_discretized", "chol": "float_normalized",
                  "oldpeak": "float", "zip": "integer_hashed", "city": "string_hashed"},
     "crosses": [["sex", "age"], ["thal", "sex"]],
     "kwargs": {"output_mode": "concat", "crossing_dim": 8, "hashing_dim": 6,
                "num_discretization_bins": 4}, "adapt": "unbatched"},
    {"name": "dict_mode",
     "features": {"cp": "integer_categorical", "city": "string_categorical",
                  "oldpeak": ["float_rescaled", {"scale": 0.5, "offset": 1.0}],
                  "chol": "float_normalized"},
     "crosses": [["cp", "city"]],
     "kwargs": {"output_mode": "dict", "crossing_dim": 10}, "adapt": "batched"},
    {"name": "int_mode_dict",
     "features": {"cp": ["integer_categorical", {"output_mode": "int"}],
                  "city": ["string_categorical", {"output_mode": "int", "max_tokens": 4}],
                  "zip": ["integer_hashed", {"num_bins": 7, "output_mode": "int"}],
                  "age": ["float_discretized", {"num_bins": 3, "output_mode": "int"}]},
     "crosses": [[["cp", "city"], 9, "int"]],
     "kwargs": {"output_mode": "dict"}, "adapt": "batched"},
]


def build(fs_cls: Any, case: Dict[str, Any]) -> Any:
    features = {}
    for name, spec in case["features"].items():
        features[name] = spec if isinstance(spec, str) else \
            getattr(fs_cls, spec[0])(**spec[1])
    crosses = [tuple(c) if isinstance(c[0], str) else
               fs_cls.cross(feature_names=tuple(c[0]), crossing_dim=c[1], output_mode=c[2])
               for c in case["crosses"]]
    return fs_cls(features=features, crosses=crosses, **case["kwargs"])


def statistics(fs: Any) -> Dict[str, Any]:
    out = {}
    for name, layer in fs.preprocessors.items():
        kind = type(layer).__name__
        if kind == "Normalization":
            out[name] = {"mean": np.asarray(layer.mean).ravel().tolist(),
                         "variance": np.asarray(layer.variance).ravel().tolist()}
        elif kind == "Discretization":
            out[name] = {"bin_boundaries": [float(b) for b in layer.bin_boundaries]}
        elif kind in ("StringLookup", "IntegerLookup"):
            vocab = layer.get_vocabulary()
            out[name] = {"vocabulary": [v.decode() if isinstance(v, bytes) else
                                        (v if isinstance(v, str) else int(v)) for v in vocab]}
    return out


def as_list(x: Any) -> Any:
    return np.asarray(x).tolist()


def record(keras: Any, tf: Any, data: Dict[str, list]) -> Dict[str, Any]:
    fs_cls = keras.utils.FeatureSpace
    columns = {k: np.asarray(v) for k, v in data.items()}
    result = {}
    for case in CASES:
        fs = build(fs_cls, case)
        used = {k: columns[k] for k in case["features"]}
        ds = tf.data.Dataset.from_tensor_slices(used)
        if case["adapt"] == "batched":
            ds = ds.batch(8)
        fs.adapt(ds)
        batch = {k: v[:12] for k, v in used.items()}
        out = fs(batch)
        single = fs({k: v[3] for k, v in used.items()})
        config = fs.get_config()
        entry = {
            "statistics": statistics(fs),
            "config_features": {k: [v["class_name"], v["config"]["dtype"],
                                    v["config"]["output_mode"]]
                                for k, v in config["features"].items()},
            "config_crosses": [c["config"]["feature_names"] for c in config["crosses"]],
        }
        if isinstance(out, dict):
            entry["keys"] = list(out.keys())
            entry["output"] = {k: as_list(v) for k, v in out.items()}
            entry["single"] = {k: as_list(v) for k, v in single.items()}
            entry["dtypes"] = {k: v.dtype.name for k, v in out.items()}
        else:
            entry["output"] = as_list(out)
            entry["single"] = as_list(single)
            entry["encoded_shape"] = list(fs.get_encoded_features().shape)[1:]
        result[case["name"]] = entry
    return result


def main() -> None:
    import tensorflow as tf  # the reference venv only
    import tf_keras
    import keras
    data = make_data()
    fixture = {"data": data, "cases": CASES,
               "keras2": record(tf_keras, tf, data), "keras3": record(keras, tf, data)}
    with open(os.path.join(HERE, "fixtures", "feature_space.json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print("wrote compat/fixtures/feature_space.json")


if __name__ == "__main__":
    main()
