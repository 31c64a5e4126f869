"""Attention and image preprocessing layers against tf_keras (``attention_image.npz``,
written by ``generate_attention_image.py``): forward outputs with the recorded weights,
weight names and shapes (Keras 2's layout), and the config keys Keras writes.

Tolerances: rtol 1e-5 / atol 1e-5 for attention (float32 sums of products ~1) and 1e-3
absolute for images in [0, 255] (~4e-6 relative to the range).
"""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, load_case

ARRAYS, META = load_case("attention_image")
CASES = {c["name"]: c for c in META["cases"]}


def _kwargs(spec):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in spec["kwargs"].items()}


def _run(spec):
    name = spec["name"]
    inputs = [ARRAYS[f"{name}__x{i}"] for i in range(spec["n_inputs"])]
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    call_kwargs = dict(spec["call_kwargs"])
    for key in spec["array_args"]:
        call_kwargs[key] = ARRAYS[f"{name}__arg__{key}"]
    if spec["masks"] is not None:
        import torch  # masks are passed as tensors, as Keras passes tf tensors
        call_kwargs["mask"] = [torch.as_tensor(ARRAYS[f"{name}__mask{i}"]) if present else None
                               for i, present in enumerate(spec["masks"])]
    if spec["list_input"]:
        layer(inputs)
    else:
        layer(*inputs)
    layer.set_weights([ARRAYS[f"{name}__w{j}"] for j in range(spec["n_weights"])])
    outputs = layer(inputs, **call_kwargs) if spec["list_input"] else layer(*inputs, **call_kwargs)
    outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
    return layer, [np.asarray(o) for o in outputs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward(name):
    spec = CASES[name]
    layer, outputs = _run(spec)
    image = spec["class"] not in ("MultiHeadAttention", "Attention", "AdditiveAttention")
    tol = {"rtol": 1e-5, "atol": 1e-3} if image else {"rtol": 1e-5, "atol": 1e-5}
    assert len(outputs) == spec["n_outputs"]
    for k, output in enumerate(outputs):
        assert_close(output, ARRAYS[f"{name}__y{k}"], f"{name} output {k}", **tol)
    assert [list(w.shape) for w in layer.get_weights()] == spec["weight_shapes"]
    assert [w.name.split("/", 1)[1] for w in layer.weights] == \
        [n.split("/", 1)[1] for n in spec["weight_names"]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_keys(name):
    spec = CASES[name]
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    ours = set(layer.get_config())
    keras2 = set(spec["config_keys"])
    assert keras2 <= ours | {"trainable", "dtype", "name"}, sorted(keras2 - ours)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
