"""``keras.utils.FeatureSpace`` against real Keras 2 (``feature_space.json``, written by
``generate_feature_space.py``): adapt statistics, encoded outputs in concat and dict modes
(one-hot and int features, crosses), a single unbatched sample, the functional path
(``get_inputs``/``get_encoded_features``), ``Dataset.map``, config classes and dtypes.

Tolerance: rtol/atol 1e-5 for normalized floats (float32 mean/variance over 40 rows; Keras 2
and Keras 3 themselves differ by 3e-7); one-hot, hashed and int outputs exactly.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close
from torchkeras.data import Dataset

FIXTURE = json.loads((Path(__file__).resolve().parent / "fixtures" /
                      "feature_space.json").read_text())
DATA = {k: np.asarray(v) for k, v in FIXTURE["data"].items()}
CASES = {c["name"]: c for c in FIXTURE["cases"]}
K2 = FIXTURE["keras2"]


def _build(case):
    fs_cls = keras.utils.FeatureSpace
    features = {name: spec if isinstance(spec, str) else getattr(fs_cls, spec[0])(**spec[1])
                for name, spec in case["features"].items()}
    crosses = [tuple(c) if isinstance(c[0], str) else
               fs_cls.cross(feature_names=tuple(c[0]), crossing_dim=c[1], output_mode=c[2])
               for c in case["crosses"]]
    return fs_cls(features=features, crosses=crosses, **case["kwargs"])


def _adapted(name):
    case = CASES[name]
    fs = _build(case)
    used = {k: DATA[k] for k in case["features"]}
    ds = Dataset.from_tensor_slices(used)
    fs.adapt(ds.batch(8) if case["adapt"] == "batched" else ds)
    return fs, used


def _check(out, expected):
    if isinstance(expected, dict):
        assert list(out.keys()) == list(expected.keys())
        for key in expected:
            assert_close(out[key], np.asarray(expected[key], dtype=np.float32), key,
                         rtol=1e-5, atol=1e-5)
    else:
        assert_close(out, np.asarray(expected, dtype=np.float32), "encoded",
                     rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
def test_adapt_statistics_match_keras(name):
    fs, _ = _adapted(name)
    for feature, stats in K2[name]["statistics"].items():
        layer = fs.preprocessors[feature]
        if "mean" in stats:
            assert_close(np.asarray(layer.mean).ravel(), stats["mean"], f"{feature} mean")
            assert_close(np.asarray(layer.variance).ravel(), stats["variance"],
                         f"{feature} variance")
        elif "bin_boundaries" in stats:
            assert [float(b) for b in layer.bin_boundaries] == stats["bin_boundaries"]
        else:
            vocab = [v if isinstance(v, str) else int(v) for v in layer.get_vocabulary()]
            assert vocab == stats["vocabulary"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_encoded_outputs_match_keras(name):
    fs, used = _adapted(name)
    expected = K2[name]
    _check(fs({k: v[:12] for k, v in used.items()}), expected["output"])
    _check(fs({k: v[3] for k, v in used.items()}), expected["single"])  # unbatched: squeezed
    if "encoded_shape" in expected:
        assert list(fs.get_encoded_features().shape)[1:] == expected["encoded_shape"]
    else:
        out = fs({k: v[:12] for k, v in used.items()})
        assert {k: str(np.asarray(v).dtype) for k, v in out.items()} == expected["dtypes"]


@pytest.mark.parametrize("name", ["tutorial_concat", "dict_mode"])
def test_functional_model_and_dataset_map_match_keras(name):
    fs, used = _adapted(name)
    model = keras.Model(fs.get_inputs(), fs.get_encoded_features())
    predicted = model.predict({k: v[:12, None] for k, v in used.items()}, verbose=0)
    _check(predicted, K2[name]["output"])
    mapped = next(iter(Dataset.from_tensor_slices(used).batch(12).map(fs)))
    _check(mapped, K2[name]["output"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_matches_keras_and_round_trips(name):
    fs, used = _adapted(name)
    config = fs.get_config()
    assert {k: [v["class_name"], v["config"]["dtype"], v["config"]["output_mode"]]
            for k, v in config["features"].items()} == K2[name]["config_features"]
    assert [list(c["config"]["feature_names"]) for c in config["crosses"]] == \
        K2[name]["config_crosses"]
    clone = keras.utils.FeatureSpace.from_config(json.loads(json.dumps(config)))
    assert sorted(clone.features) == sorted(fs.features)
    assert [c.name for c in clone.crosses] == [c.name for c in fs.crosses]
