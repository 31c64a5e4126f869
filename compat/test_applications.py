"""keras.applications against tf_keras (``applications.npz`` and
``applications_mobilenetv2_035.h5.xz``, written by ``generate_applications.py``).

Per model: the parameter counts of ``summary()`` and the layer names (and so the order
Keras's weight files are read in) of the default model; the output of a small headless
model (32x32, ``pooling='avg'``) whose weights both sides fill from one seeded NumPy stream
(``applications_fill.py``); ``preprocess_input``. And one Keras-written application weight
file loaded through ``weights=path``.

Tolerance: rtol 1e-5 with atol 1e-5 x max|y| (measured: at most 0.16 of it, VGG16): 20-50
layers deep, float32 sums run in a different order by TensorFlow and torch.
"""
from __future__ import annotations

import lzma
import shutil

import numpy as np
import pytest

import torchkeras as keras
from applications_fill import fill
from compat_case import FIXTURES, assert_close, load_case

ARRAYS, META = load_case("applications")
CASES = META["cases"]
# torchkeras classes standing in for Keras 2's TFOpLambda layers (recorded `x + y`, `tf.*`)
OP_LAMBDA = {"Add", "ConstantAdd", "ConstantMultiply"}


def _build(case: str, **kwargs):
    keras.backend.clear_session()
    spec = CASES[case]
    return getattr(keras.applications, spec["constructor"])(**dict(spec["kwargs"], **kwargs))


def _classes(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize("case", sorted(CASES))
def test_param_counts_and_layer_names(case):
    model = _build(case, weights=None)
    full = CASES[case]["full"]
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert (model.count_params(), trainable, non_trainable) == (
        full["total"], full["trainable"], full["non_trainable"])
    assert model.name == full["name"]
    assert [layer.name for layer in model.layers] == full["names"]
    for ours, theirs in zip(_classes(model), full["classes"]):
        assert ours == theirs or (theirs == "TFOpLambda" and ours in OP_LAMBDA)


@pytest.mark.parametrize("case", sorted(CASES))
def test_forward_with_seeded_weights(case):
    spec = CASES[case]["small"]
    size = spec["size"]
    kwargs = dict(spec["kwargs"], input_shape=(size, size, 3))
    model = _build(case, **kwargs)
    assert [layer.name for layer in model.layers] == spec["names"]
    assert model.count_params() == spec["total"]
    values = fill(spec["classes"], [layer.get_weights() for layer in model.layers],
                  [[w.name for w in layer.weights] for layer in model.layers])
    for layer, layer_values in zip(model.layers, values):
        layer.set_weights(layer_values)
    module = getattr(keras.applications, CASES[case]["module"])
    x = module.preprocess_input(ARRAYS["images"][:, :size, :size].copy())
    expected = ARRAYS[f"{case}__y"]
    assert np.isfinite(expected).all() and np.abs(expected).max() > 0
    y = model.predict(x, verbose=0)
    assert_close(y, expected, f"{case} output", rtol=1e-5,
                 atol=1e-5 * float(np.abs(expected).max()))


@pytest.mark.parametrize("module", ["mobilenet_v2", "resnet50", "densenet"])
def test_preprocess_input(module):
    expected = ARRAYS[f"{module}__preprocessed"]
    images = ARRAYS["images"][:, :32, :32]
    ours = getattr(keras.applications, module).preprocess_input(images.copy())
    assert_close(ours, expected, f"{module} preprocess_input (numpy)")
    import torch  # a tensor input takes the symbolic branch: same numbers, new tensor
    tensor = torch.as_tensor(np.ascontiguousarray(images))
    assert_close(getattr(keras.applications, module).preprocess_input(tensor), expected,
                 f"{module} preprocess_input (tensor)")
    np.testing.assert_array_equal(tensor.numpy(), images)


def test_keras_written_weight_file_loads(tmp_path):
    path = tmp_path / "mobilenetv2_035.h5"
    with lzma.open(FIXTURES / "applications_mobilenetv2_035.h5.xz") as src, \
            open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    keras.backend.clear_session()
    model = keras.applications.MobileNetV2(alpha=META["h5file"]["alpha"], include_top=False,
                                           weights=str(path), input_shape=(32, 32, 3),
                                           pooling="avg")
    x = keras.applications.mobilenet_v2.preprocess_input(ARRAYS["images"][:, :32, :32].copy())
    expected = ARRAYS["h5file__y"]
    assert_close(model.predict(x, verbose=0), expected, "MobileNetV2 from a Keras .h5",
                 rtol=1e-5, atol=1e-5 * float(np.abs(expected).max()))
