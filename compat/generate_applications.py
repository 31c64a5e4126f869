"""Record keras.applications references from real tf_keras (Keras 2) into
``compat/fixtures/applications.npz`` and ``compat/fixtures/applications_mobilenetv2_035.h5.xz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_applications.py

Per model (fresh session each, so auto names start at 0):
* the default config (``include_top=True``, ``weights=None``): parameter counts of
  ``summary()`` (total, trainable, non-trainable), model name, layer names and classes;
* a small config (32x32 or the smallest allowed, ``include_top=False``, ``pooling='avg'``):
  layer names and classes,
  weights set by ``applications_fill.fill`` (seed 0, NumPy only: torchkeras does the same),
  the module's ``preprocess_input`` of a fixed image batch and the inference output.
Plus one Keras-written weight file: MobileNetV2(alpha=0.35, 32x32, no top) with weights
rounded to multiples of 1/8 (so the xz-compressed file stays small, ~150 KB), and its output.
"""
from __future__ import annotations

import lzma
import json
import os
import shutil
import sys
from typing import Any, Dict

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from applications_fill import fill  # noqa: E402
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

import tf_keras as keras  # noqa: E402
from tf_keras import applications as apps  # noqa: E402

# case -> (constructor, preprocess module, extra kwargs)
MODELS = {
    "mobilenetv2": ("MobileNetV2", "mobilenet_v2", {}),
    "resnet50": ("ResNet50", "resnet50", {}),
    "resnet50v2": ("ResNet50V2", "resnet_v2", {}),
    "efficientnetb0": ("EfficientNetB0", "efficientnet", {}),
    "convnext_tiny": ("ConvNeXtTiny", "convnext", {}),
    "vgg16": ("VGG16", "vgg16", {}),
    "mobilenet": ("MobileNet", "mobilenet", {}),
    "densenet121": ("DenseNet121", "densenet", {}),
    "xception": ("Xception", "xception", {}),
    "inception_v3": ("InceptionV3", "inception_v3", {}),
    "mobilenetv3small": ("MobileNetV3Small", "mobilenet_v3", {}),
    "mobilenetv3large_min": ("MobileNetV3Large", "mobilenet_v3", {"minimalistic": True}),
}
# The small config's input side: the smallest the model takes (Xception 71, InceptionV3 75).
SIZES = {"xception": 71, "inception_v3": 75}
# Whole pixel values (as a decoded image has): small to store, and exact in float32.
IMAGES = np.random.RandomState(1).randint(0, 256, size=(2, 75, 75, 3)).astype("float32")
# One recorded preprocess_input output per mode; the other modules' are these or identity.
PREPROCESS_RECORDED = ("mobilenet_v2", "resnet50", "densenet")


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def _layers(model) -> Dict[str, Any]:
    return {"names": [layer.name for layer in model.layers],
            "classes": [type(layer).__name__ for layer in model.layers]}


def record(case: str, arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
    constructor, module, kwargs = MODELS[case]
    keras.backend.clear_session()
    full = getattr(apps, constructor)(weights=None, **kwargs)
    meta: Dict[str, Any] = {
        "constructor": constructor, "module": module, "kwargs": kwargs,
        "full": {"total": int(full.count_params()),
                 "trainable": _count(full.trainable_weights),
                 "non_trainable": _count(full.non_trainable_weights),
                 "name": full.name, **_layers(full)},
    }
    del full
    keras.backend.clear_session()
    size = SIZES.get(case, 32)
    small_kwargs = dict(kwargs, weights=None, include_top=False, input_shape=(size, size, 3),
                        pooling="avg")
    model = getattr(apps, constructor)(**small_kwargs)
    layers = _layers(model)
    values = fill(layers["classes"], [layer.get_weights() for layer in model.layers],
                  [[w.name for w in layer.weights] for layer in model.layers])
    for layer, layer_values in zip(model.layers, values):
        layer.set_weights(layer_values)
    x = getattr(apps, module).preprocess_input(IMAGES[:, :size, :size].copy())
    if module in PREPROCESS_RECORDED:
        arrays[f"{module}__preprocessed"] = np.asarray(x, dtype="float32")
    arrays[f"{case}__y"] = model.predict(x, verbose=0)
    assert np.isfinite(arrays[f"{case}__y"]).all(), case
    meta["small"] = {"kwargs": {k: v for k, v in small_kwargs.items() if k != "input_shape"},
                     "size": size,
                     "name": model.name, "total": int(model.count_params()), **layers}
    return meta


def record_h5_file(arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
    keras.backend.clear_session()
    model = apps.MobileNetV2(alpha=0.35, include_top=False, weights=None,
                             input_shape=(32, 32, 3), pooling="avg")
    classes = [type(layer).__name__ for layer in model.layers]
    values = fill(classes, [layer.get_weights() for layer in model.layers],
                  [[w.name for w in layer.weights] for layer in model.layers], seed=1)
    for layer, layer_values in zip(model.layers, values):
        layer.set_weights([np.round(v * 8) / 8 if v.dtype.kind == "f" else v
                           for v in layer_values])
    path = os.path.join(HERE, "fixtures", "applications_mobilenetv2_035.h5")
    model.save_weights(path)
    with open(path, "rb") as src, lzma.open(path + ".xz", "wb",
                                             preset=9 | lzma.PRESET_EXTREME) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(path)
    x = apps.mobilenet_v2.preprocess_input(IMAGES[:, :32, :32].copy())
    arrays["h5file__y"] = model.predict(x, verbose=0)
    return {"alpha": 0.35, "tf_keras": keras.__version__}


def main() -> None:
    arrays: Dict[str, np.ndarray] = {}
    meta = {"cases": {case: record(case, arrays) for case in MODELS},
            "h5file": record_h5_file(arrays)}
    arrays["images"] = IMAGES
    arrays["meta"] = np.array(json.dumps(meta))
    save_npz(os.path.join(HERE, "fixtures", "applications.npz"), arrays)
    print({k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    main()
