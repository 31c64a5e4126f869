"""``Resizing(antialias=...)`` against Keras 3.15 (``k3_resizing.npz``, written by
``generate_k3_resizing.py``): outputs, config keys (``antialias`` is written when True;
Keras 3 always writes it) and Keras 3's serialized layer loading back.

Tolerance: 1e-3 absolute on images in [0, 255] (float32 sums of up to ~12 taps per axis).
"""
from __future__ import annotations

import pytest

import torchkeras as keras
from compat_case import assert_close, load_case

ARRAYS, META = load_case("k3_resizing")
CASES = {c["name"]: c for c in META["cases"]}
BASE_KEYS = {"name", "trainable", "dtype"}
# Keras 3 always writes these; torchkeras writes them only when set (Keras 2's config).
KERAS3_ONLY = {"antialias", "pad_to_aspect_ratio", "fill_mode", "fill_value", "data_format"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_resizing_matches_keras3(name):
    layer = keras.layers.Resizing(**CASES[name]["kwargs"])
    assert_close(layer(ARRAYS["x"]), ARRAYS[f"{name}__y0"], name, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("name", sorted(CASES))
def test_resizing_config_round_trip(name):
    kwargs = CASES[name]["kwargs"]
    layer = keras.layers.Resizing(**kwargs)
    config = layer.get_config()
    assert config.get("antialias", False) == kwargs["antialias"]
    assert set(CASES[name]["config_keys"]) - KERAS3_ONLY - BASE_KEYS <= set(config)
    clone = keras.layers.Resizing.from_config(config)
    assert clone.antialias == kwargs["antialias"]
    assert clone.get_config() == config


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras3_serialized_resizing_loads(name):
    serialized = CASES[name]["serialized"]
    layer = keras.layers.deserialize({"class_name": serialized["class_name"],
                                      "config": serialized["config"]})
    assert layer.antialias == serialized["config"]["antialias"]
    assert_close(layer(ARRAYS["x"]), ARRAYS[f"{name}__y0"], name, rtol=1e-5, atol=1e-3)
