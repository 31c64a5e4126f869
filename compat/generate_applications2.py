"""Record the second set of keras.applications references from real tf_keras (Keras 2) into
``compat/fixtures/applications2.npz`` (InceptionResNetV2, NASNet, EfficientNetV2, RegNet,
ResNetRS and ConvNeXt with stochastic depth), the same way ``generate_applications.py`` does.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_applications2.py

Per case (fresh session each, so auto names start at 0):
* the default config (``weights=None``): ``summary()`` parameter counts, model name, layer
  names and classes;
* unless the case is count-only, a small headless config (32x32 or the smallest allowed,
  ``pooling='avg'``) with weights from ``applications_fill.fill`` (seed 0): layer names and
  classes, the module's ``preprocess_input`` of the fixed images and the inference output.
Plus the parameter counts (total, trainable, non-trainable) of every other variant.
``--add-counts NAME...`` records only those variants' counts into the existing fixture.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any, Dict, List

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

_TINY_CONVNEXT = {"depths": [1, 1, 2, 1], "projection_dims": [8, 16, 24, 32],
                  "drop_path_rate": 0.3, "model_name": "convnext_dp"}
# case -> (constructor, preprocess module, extra kwargs, small forward recorded?)
# A dotted constructor is a module function not exported as keras.applications.<name>.
MODELS = {
    "inception_resnet_v2": ("InceptionResNetV2", "inception_resnet_v2", {}, True),
    "nasnetmobile": ("NASNetMobile", "nasnet", {}, True),
    "nasnetlarge": ("NASNetLarge", "nasnet", {}, False),
    "efficientnetv2b0": ("EfficientNetV2B0", "efficientnet_v2", {}, True),
    "efficientnetv2s": ("EfficientNetV2S", "efficientnet_v2", {}, False),
    "regnetx002": ("RegNetX002", "regnet", {}, True),
    "regnety002": ("RegNetY002", "regnet", {}, True),
    "resnetrs50": ("ResNetRS50", "resnet_rs", {}, True),
    "convnext_drop_path": ("convnext.ConvNeXt", "convnext", _TINY_CONVNEXT, True),
}
# Every other variant: parameter counts only.
COUNTED = ["EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2M",
           "EfficientNetV2L", "ResNetRS101", "ResNetRS152", "ResNetRS200", "ResNetRS270",
           "ResNetRS350", "ResNetRS420"] + [
    f"RegNet{kind}{size}" for kind in "XY"
    for size in ("004", "006", "008", "016", "032", "040", "064", "080", "120", "160", "320")]
SIZES = {"inception_resnet_v2": 75}
# The same fixed images as generate_applications.py (stored in applications.npz, not here).
IMAGES = np.random.RandomState(1).randint(0, 256, size=(2, 75, 75, 3)).astype("float32")


def _constructor(name: str) -> Any:
    if "." in name:
        module, function = name.split(".")
        return getattr(importlib.import_module(f"tf_keras.src.applications.{module}"),
                       function)
    return getattr(apps, name)


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def _counts(model) -> Dict[str, int]:
    return {"total": int(model.count_params()), "trainable": _count(model.trainable_weights),
            "non_trainable": _count(model.non_trainable_weights)}


def _layers(model) -> Dict[str, Any]:
    return {"names": [layer.name for layer in model.layers],
            "classes": [type(layer).__name__ for layer in model.layers]}


def record(case: str, arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
    constructor, module, kwargs, small = MODELS[case]
    keras.backend.clear_session()
    full = _constructor(constructor)(weights=None, **kwargs)
    meta: Dict[str, Any] = {"constructor": constructor, "module": module, "kwargs": kwargs,
                            "full": {**_counts(full), "name": full.name, **_layers(full)}}
    del full
    if not small:
        return meta
    keras.backend.clear_session()
    size = SIZES.get(case, 32)
    small_kwargs = dict(kwargs, weights=None, include_top=False, input_shape=(size, size, 3),
                        pooling="avg")
    model = _constructor(constructor)(**small_kwargs)
    layers = _layers(model)
    values = fill(layers["classes"], [layer.get_weights() for layer in model.layers],
                  [[w.name for w in layer.weights] for layer in model.layers])
    for layer, layer_values in zip(model.layers, values):
        layer.set_weights(layer_values)
    x = getattr(apps, module).preprocess_input(IMAGES[:, :size, :size].copy())
    arrays[f"{case}__y"] = model.predict(x, verbose=0)
    assert np.isfinite(arrays[f"{case}__y"]).all(), case
    meta["small"] = {"kwargs": {k: v for k, v in small_kwargs.items() if k != "input_shape"},
                     "size": size, "name": model.name, "total": int(model.count_params()),
                     **layers}
    return meta


def count(constructor: str) -> Dict[str, int]:
    keras.backend.clear_session()
    return _counts(getattr(apps, constructor)(weights=None))


def add_counts(names: List[str]) -> None:
    """Record the counts of ``names`` (in ``COUNTED``) into the existing fixture, keeping
    everything else: what a full run writes for them, without rebuilding every case."""
    path = os.path.join(HERE, "fixtures", "applications2.npz")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    counts = dict(meta["counts"], **{name: count(name) for name in names})
    meta["counts"] = {name: counts[name] for name in COUNTED if name in counts}
    arrays["meta"] = np.array(json.dumps(meta))
    save_npz(path, arrays)
    print({name: meta["counts"][name] for name in names})


def main() -> None:
    if sys.argv[1:2] == ["--add-counts"]:
        return add_counts(sys.argv[2:])
    arrays: Dict[str, np.ndarray] = {}
    meta = {"cases": {case: record(case, arrays) for case in MODELS},
            "counts": {name: count(name) for name in COUNTED}, "tf_keras": keras.__version__}
    arrays["meta"] = np.array(json.dumps(meta))
    save_npz(os.path.join(HERE, "fixtures", "applications2.npz"), arrays)
    print({k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    main()
