"""Keras 3 augmentation, spectrogram and ReversibleEmbedding layers against Keras 3.15
(``k3_augmentation.npz``, written by ``generate_k3_augmentation.py``).

Augmentations replay Keras 3's recorded ``get_random_transformation`` result through
``transform_images`` / ``transform_labels`` (TensorFlow's RNG can't be shared); the
deterministic layers and the spectrograms are plain calls, ReversibleEmbedding both
directions with the recorded weights. Config keys must equal Keras 3's.

Tolerances: 1e-3 absolute on images in [0, 255] (float32 rounding of HSV round trips and
bilinear warps), 1e-5 on [0, 1] images, spectrograms rtol 1e-4 / atol 1e-4 (float32 FFT
sums over up to 64 taps), embeddings 1e-5.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from compat_case import assert_close, load_case
from torchkeras.layers.geometric_augmentation import map_coordinates_2d

ARRAYS, META = load_case("k3_augmentation")
CASES = {c["name"]: c for c in META["cases"]}
BASE_KEYS = {"name", "trainable", "dtype"}


def _kwargs(kwargs):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


def _layer(spec):
    if spec["class"] == "Pipeline":
        return keras.layers.Pipeline([getattr(keras.layers, c)(**_kwargs(k))
                                      for c, k in spec["kwargs"]["layers"]])
    return getattr(keras.layers, spec["class"])(**_kwargs(spec["kwargs"]))


def _transformation(name, spec):
    if spec["transformation_keys"] is None:
        return torch.as_tensor(ARRAYS[f"{name}__t"])
    return {k: torch.as_tensor(ARRAYS[f"{name}__t__{k}"]) for k in spec["transformation_keys"]}


def _tolerance(x):
    return 1e-3 if float(np.max(x)) > 2.0 else 1e-5


IMAGE_CASES = sorted(n for n, c in CASES.items() if c["mode"] in ("transform", "call"))


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_image_layer_matches_keras3(name):
    spec = CASES[name]
    layer = _layer(spec)
    x = ARRAYS[f"{name}__x0"]
    if spec["mode"] == "transform":
        transformation = _transformation(name, spec)
        out = layer.transform_images(torch.as_tensor(x), transformation, training=True)
        if f"{name}__y1" in ARRAYS:
            labels = layer.transform_labels(torch.as_tensor(ARRAYS[f"{name}__labels"]),
                                            transformation, training=True)
            assert_close(labels, ARRAYS[f"{name}__y1"], f"{name} labels", rtol=1e-5,
                         atol=1e-6)
    else:
        out = layer(x, training=True)
    assert_close(out, ARRAYS[f"{name}__y0"], name, rtol=1e-5, atol=_tolerance(x))


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_image_layer_config_keys_match_keras3(name):
    spec = CASES[name]
    ours = set(_layer(spec).get_config()) - BASE_KEYS
    assert ours == set(spec["config_keys"]) - BASE_KEYS


SPECTRAL_CASES = sorted(n for n, c in CASES.items() if c["mode"] == "spectral")


@pytest.mark.parametrize("name", SPECTRAL_CASES)
def test_spectrogram_matches_keras3(name):
    spec = CASES[name]
    layer = _layer(spec)
    x = ARRAYS[f"{name}__x0"]
    out = layer(x)
    weights = layer.get_weights()
    assert len(weights) == spec["n_weights"]
    for j, w in enumerate(weights):  # the Fourier kernels are Keras's STFT initializer
        assert_close(w, ARRAYS[f"{name}__w{j}"], f"{name} weight {j}", rtol=1e-5, atol=1e-6)
    assert [w.path.split("/")[-1] for w in layer.weights] == spec["weight_names"]
    assert_close(out, ARRAYS[f"{name}__y0"], name, rtol=1e-4, atol=1e-4)
    assert set(layer.get_config()) - BASE_KEYS == set(spec["config_keys"]) - BASE_KEYS


MAP_CASES = sorted(n for n, c in CASES.items() if c["mode"] == "map")


@pytest.mark.parametrize("name", MAP_CASES)
def test_elastic_sampler_matches_keras3_map_coordinates(name):
    kwargs = CASES[name]["kwargs"]
    grid = torch.as_tensor(ARRAYS[f"{name}__x0"])[None, :, :, None]  # (1, h, w, 1)
    out = map_coordinates_2d(grid, torch.as_tensor(ARRAYS[f"{name}__rows"])[None],
                             torch.as_tensor(ARRAYS[f"{name}__cols"])[None],
                             "nearest" if kwargs["order"] == 0 else "bilinear",
                             kwargs["fill_mode"], kwargs["fill_value"])
    assert_close(out[0, :, :, 0], ARRAYS[f"{name}__y0"], name, rtol=1e-5, atol=1e-3)


EMBEDDING_CASES = sorted(n for n, c in CASES.items() if c["mode"] == "embedding")


@pytest.mark.parametrize("name", EMBEDDING_CASES)
def test_reversible_embedding_matches_keras3(name):
    spec = CASES[name]
    layer = keras.layers.ReversibleEmbedding(**spec["kwargs"])
    layer(ARRAYS[f"{name}__x0"])
    assert [list(w.shape) for w in layer.get_weights()] == spec["weight_shapes"]
    layer.set_weights([ARRAYS[f"{name}__w{j}"] for j in range(spec["n_weights"])])
    assert_close(layer(ARRAYS[f"{name}__x0"]), ARRAYS[f"{name}__y0"], f"{name} forward",
                 rtol=1e-6, atol=1e-6)
    assert_close(layer(ARRAYS[f"{name}__x1"], reverse=True), ARRAYS[f"{name}__y1"],
                 f"{name} reverse", rtol=1e-5, atol=1e-5)
    assert set(layer.get_config()) - BASE_KEYS == set(spec["config_keys"]) - BASE_KEYS


LAYER_CASES = sorted(n for n, c in CASES.items() if "serialized" in c)


@pytest.mark.parametrize("name", LAYER_CASES)
def test_keras3_serialized_layer_loads(name):
    serialized = CASES[name]["serialized"]
    layer = keras.layers.deserialize({"class_name": serialized["class_name"],
                                      "config": serialized["config"]})
    assert type(layer).__name__ == CASES[name]["class"]
    expected = {k: v for k, v in serialized["config"].items()
                if k not in BASE_KEYS and k != "layers"}
    ours = layer.get_config()
    for key, value in expected.items():  # tuples come back as lists from JSON
        mine = ours[key]
        if isinstance(value, dict):  # a nested object: Keras 2's serialized form here
            assert mine["class_name"] == value["class_name"], key
            continue
        mine = list(mine) if isinstance(mine, tuple) else mine
        assert mine == value, (key, mine, value)
