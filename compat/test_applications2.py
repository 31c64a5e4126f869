"""The second set of keras.applications against tf_keras (``applications2.npz``, written by
``generate_applications2.py``): InceptionResNetV2, NASNetMobile/Large, EfficientNetV2,
RegNetX/Y, ResNetRS and ConvNeXt with ``drop_path_rate > 0``.

As in ``test_applications.py``: the default model's ``summary()`` parameter counts, name and
layer names/classes (the order Keras's weight files are read in); the output of a small
headless model whose weights both sides fill from one seeded NumPy stream; plus the
parameter counts of the other variants. The input images are the ones of
``applications.npz``. Tolerance as there: rtol 1e-5 with atol 1e-5 x max|y|.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from applications_fill import fill
from compat_case import assert_close, load_case

ARRAYS, META = load_case("applications2")
IMAGES = load_case("applications")[0]["images"]
CASES = META["cases"]
SMALL = sorted(case for case in CASES if "small" in CASES[case])
# torchkeras classes standing in for Keras 2's TFOpLambda layers (recorded `x + y`, `tf.*`)
OP_LAMBDA = {"Add", "Multiply"}


def _constructor(name: str):
    if "." in name:  # a module-level builder, e.g. convnext.ConvNeXt
        module, function = name.split(".")
        return getattr(getattr(keras.applications, module), function)
    return getattr(keras.applications, name)


def _build(case: str, **kwargs):
    keras.backend.clear_session()
    spec = CASES[case]
    return _constructor(spec["constructor"])(**dict(spec["kwargs"], **kwargs))


def _counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, non_trainable


@pytest.mark.parametrize("case", sorted(CASES))
def test_param_counts_and_layer_names(case):
    model = _build(case, weights=None)
    full = CASES[case]["full"]
    assert _counts(model) == (full["total"], full["trainable"], full["non_trainable"])
    assert model.name == full["name"]
    assert [layer.name for layer in model.layers] == full["names"]
    for ours, theirs in zip([type(layer).__name__ for layer in model.layers], full["classes"]):
        assert ours == theirs or (theirs == "TFOpLambda" and ours in OP_LAMBDA)


@pytest.mark.parametrize("case", SMALL)
def test_forward_with_seeded_weights(case):
    spec = CASES[case]["small"]
    size = spec["size"]
    model = _build(case, **dict(spec["kwargs"], input_shape=(size, size, 3)))
    assert [layer.name for layer in model.layers] == spec["names"]
    assert model.count_params() == spec["total"]
    values = fill(spec["classes"], [layer.get_weights() for layer in model.layers],
                  [[w.name for w in layer.weights] for layer in model.layers])
    for layer, layer_values in zip(model.layers, values):
        layer.set_weights(layer_values)
    module = getattr(keras.applications, CASES[case]["module"])
    x = module.preprocess_input(IMAGES[:, :size, :size].copy())
    expected = ARRAYS[f"{case}__y"]
    assert np.isfinite(expected).all() and np.abs(expected).max() > 0
    assert_close(model.predict(x, verbose=0), expected, f"{case} output", rtol=1e-5,
                 atol=1e-5 * float(np.abs(expected).max()))


def test_every_resnet_rs_depth_is_counted():
    counted = {name for name in META["counts"] if name.startswith("ResNetRS")}
    assert counted | {"ResNetRS50"} == {f"ResNetRS{d}" for d in (50, 101, 152, 200, 270, 350,
                                                                  420)}


@pytest.mark.parametrize("constructor", sorted(META["counts"]))
def test_variant_param_counts(constructor, monkeypatch):
    # The counts come from the weight shapes: skip the slow truncated-normal fill (most of
    # the build time: ResNetRS420 has 192M parameters).
    monkeypatch.setattr(torch.nn.init, "trunc_normal_", lambda tensor, **kwargs: tensor)
    keras.backend.clear_session()
    model = getattr(keras.applications, constructor)(weights=None)
    expected = META["counts"][constructor]
    assert _counts(model) == (expected["total"], expected["trainable"],
                              expected["non_trainable"])
