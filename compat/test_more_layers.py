"""Issue 18's remaining layers against real Keras (``more_layers.npz``, written by
``generate_more_layers.py``): forward outputs with the recorded weights, weight names and
shapes, the config keys Keras writes; SpectralNormalization also its weights after a training
call (power iteration). Keras 2 layers against tf_keras, Keras 3-only ones against Keras 3.

Tolerances: rtol 1e-5 / atol 1e-5 (float32 sums of products ~1); 1e-3 absolute for images in
[0, 255] (RandomHeight/RandomWidth).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from compat_case import assert_close, load_case

ARRAYS, META = load_case("more_layers")
CASES = {c["name"]: c for c in META["cases"]}
IMAGE_CLASSES = ("RandomHeight", "RandomWidth")


def _kwargs(spec):
    kwargs = {k: tuple(v) if isinstance(v, list) and k != "axis" else v
              for k, v in spec["kwargs"].items()}
    if "layer" in kwargs:
        inner_cls, inner_kwargs = kwargs.pop("layer")
        return {"layer": getattr(keras.layers, inner_cls)(**inner_kwargs), **kwargs}
    return kwargs


def _run(spec):
    name = spec["name"]
    inputs = [ARRAYS[f"{name}__x{i}"] for i in range(spec["n_inputs"])]
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    call_kwargs = dict(spec["call_kwargs"])
    for key in spec["array_args"]:
        call_kwargs[key] = torch.as_tensor(ARRAYS[f"{name}__arg__{key}"])
    layer(*inputs, **({"training": False} if "training" in call_kwargs else {}))
    layer.set_weights([ARRAYS[f"{name}__w{j}"] for j in range(spec["n_weights"])])
    outputs = layer(*inputs, **call_kwargs)
    outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
    return layer, [np.asarray(o) for o in outputs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward(name):
    spec = CASES[name]
    layer, outputs = _run(spec)
    tol = {"rtol": 1e-5, "atol": 1e-3} if spec["class"] in IMAGE_CLASSES else \
        {"rtol": 1e-5, "atol": 1e-5}
    assert len(outputs) == spec["n_outputs"]
    for k, output in enumerate(outputs):
        assert list(output.shape) == spec["output_shapes"][k]
        assert_close(output, ARRAYS[f"{name}__y{k}"], f"{name} output {k}", **tol)
    assert [list(w.shape) for w in layer.get_weights()] == spec["weight_shapes"]
    for j, weight in enumerate(layer.get_weights()):  # SpectralNormalization updates them
        assert_close(weight, ARRAYS[f"{name}__after{j}"], f"{name} weight {j}", rtol=1e-5,
                     atol=1e-6)
    if spec["keras"] == "k2":  # Keras 2 variable names: 'layer/kernel:0'
        assert [w.name.split("/", 1)[1] for w in layer.weights] == \
            [n.split("/", 1)[1] for n in spec["weight_names"]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_keys(name):
    spec = CASES[name]
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    ours = set(layer.get_config())
    assert set(spec["config_keys"]) <= ours | {"trainable", "dtype", "name"}, \
        sorted(set(spec["config_keys"]) - ours)
