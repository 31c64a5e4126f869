"""Record Keras 3 references for ``Resizing(antialias=True)`` (a Keras 3 argument; Keras 2's
Resizing has none) into ``compat/fixtures/k3_resizing.npz``.

Runs ONLY in the reference venv (Keras 3.15 on its TensorFlow backend)::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_k3_resizing.py

One call per case on the shared input ``x``: output ``<case>__y0``. ``meta.cases`` lists the
kwargs, the config keys and Keras 3's serialized layer. Downscales (where antialiasing
widens the kernel), an upscale, crop/pad to aspect ratio, and nearest/area (antialias has
no effect there) are covered.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(270)
IMG = rng.uniform(0, 255, size=(2, 13, 17, 3)).astype("float32")

# (case, kwargs)
CASES: List[tuple] = []
for interp in ("bilinear", "bicubic"):
    for size in ((5, 6), (3, 16), (6, 4), (1, 1)):
        CASES.append((f"aa_{interp}_{size[0]}x{size[1]}",
                      {"height": size[0], "width": size[1], "interpolation": interp,
                       "antialias": True}))
    CASES.append((f"aa_{interp}_up_20x21", {"height": 20, "width": 21,
                                            "interpolation": interp, "antialias": True}))
    CASES.append((f"aa_{interp}_crop_4x4", {"height": 4, "width": 4, "interpolation": interp,
                                            "antialias": True, "crop_to_aspect_ratio": True}))
    CASES.append((f"aa_{interp}_pad_7x3", {"height": 7, "width": 3, "interpolation": interp,
                                           "antialias": True, "pad_to_aspect_ratio": True,
                                           "fill_value": 5.0}))
for interp in ("nearest", "area"):
    CASES.append((f"aa_{interp}_5x6", {"height": 5, "width": 6, "interpolation": interp,
                                       "antialias": True}))
CASES.append(("noaa_bilinear_5x6", {"height": 5, "width": 6, "antialias": False}))


def main() -> None:
    import keras
    import tensorflow as tf

    arrays: Dict[str, np.ndarray] = {}
    meta_cases: List[Dict[str, Any]] = []
    arrays["x"] = IMG
    for name, kwargs in CASES:
        layer = keras.layers.Resizing(**kwargs)
        arrays[f"{name}__y0"] = np.asarray(layer(IMG))
        meta_cases.append({"name": name, "class": "Resizing", "kwargs": kwargs,
                           "config_keys": sorted(layer.get_config()),
                           "serialized": keras.saving.serialize_keras_object(layer)})
    meta = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__, "cases": meta_cases}
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True, default=list))
    save_npz(os.path.join(HERE, "fixtures", "k3_resizing.npz"), arrays)
    print(f"wrote {len(meta_cases)} cases")


if __name__ == "__main__":
    main()
