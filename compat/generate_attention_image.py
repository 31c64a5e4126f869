"""Record reference numbers for the attention and image preprocessing layers from real
tf_keras (Keras 2) into ``compat/fixtures/attention_image.npz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_attention_image.py

One forward call per case with fixed weights (numpy RandomState, set with ``set_weights``):
inputs ``<case>__x<i>``, call-argument arrays ``<case>__arg__<name>``, weights
``<case>__w<j>``, outputs ``<case>__y<k>``. ``meta.cases`` lists class, kwargs, call kwargs,
weight names/shapes. Augmentation layers are recorded with fixed factors (``(f, f)``) and
``training=True``: their transform is then deterministic.
"""
from __future__ import annotations

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
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(18)


def _f32(*shape: int, scale: float = 1.0) -> np.ndarray:
    return (rng.uniform(-1, 1, size=shape) * scale).astype("float32")


def _image(*shape: int) -> np.ndarray:
    return rng.uniform(0, 255, size=shape).astype("float32")


q3, v3, k3 = _f32(2, 5, 8), _f32(2, 3, 8), _f32(2, 3, 6)
att_mask = (rng.uniform(size=(2, 5, 3)) > 0.3)
att_mask[0, 1, :] = False  # a fully masked row: Keras averages the values
q_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
v_mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
img = _image(2, 6, 7, 3)

# (case, class, kwargs, inputs, call kwargs (arrays by name), list_input)
CASES: List[tuple] = [
    ("mha_self", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4}, [q3, q3], {}, False),
    ("mha_cross_key", "MultiHeadAttention", {"num_heads": 3, "key_dim": 2, "value_dim": 3,
                                             "output_shape": 5},
     [q3, v3, k3], {"return_attention_scores": True}, False),
    ("mha_mask", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4},
     [q3, v3], {"attention_mask": att_mask, "return_attention_scores": True}, False),
    ("mha_mask_fast", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4},
     [q3, v3], {"attention_mask": att_mask}, False),
    ("mha_causal", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "use_bias": False},
     [q3, q3], {"use_causal_mask": True}, False),
    ("mha_axes", "MultiHeadAttention", {"num_heads": 2, "key_dim": 2, "attention_axes": (1, 2)},
     [_f32(2, 3, 4, 5), _f32(2, 2, 4, 5)], {"return_attention_scores": True}, False),
    ("att_dot", "Attention", {}, [q3, v3], {}, True),
    ("att_scale_masked", "Attention", {"use_scale": True},
     [q3, v3, _f32(2, 3, 8)], {"mask": [q_mask, v_mask], "return_attention_scores": True},
     True),
    ("att_concat_causal", "Attention", {"score_mode": "concat", "use_scale": True},
     [q3, _f32(2, 5, 8)], {"use_causal_mask": True, "return_attention_scores": True}, True),
    ("additive", "AdditiveAttention", {}, [q3, v3], {"mask": [None, v_mask]}, True),
    ("additive_noscale", "AdditiveAttention", {"use_scale": False}, [q3, v3, v3],
     {"use_causal_mask": True}, True),
    ("rescaling", "Rescaling", {"scale": 1.0 / 127.5, "offset": -1.0}, [img], {}, False),
    ("centercrop", "CenterCrop", {"height": 4, "width": 3}, [img], {}, False),
    ("centercrop_up", "CenterCrop", {"height": 8, "width": 5}, [img], {}, False),
]
for interp in ("bilinear", "nearest", "bicubic", "area"):
    for size in ((4, 5), (11, 9), (3, 12)):
        CASES.append((f"resize_{interp}_{size[0]}x{size[1]}", "Resizing",
                      {"height": size[0], "width": size[1], "interpolation": interp}, [img],
                      {}, False))
CASES.append(("resize_crop", "Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True},
              [img], {}, False))
CASES.append(("resize_crop_bicubic", "Resizing", {"height": 5, "width": 3,
                                                  "crop_to_aspect_ratio": True,
                                                  "interpolation": "bicubic"}, [img], {}, False))
for fill in ("reflect", "wrap", "constant", "nearest"):
    for interp in ("bilinear", "nearest"):
        common = {"fill_mode": fill, "interpolation": interp, "fill_value": 7.0}
        CASES.append((f"rotation_{fill}_{interp}", "RandomRotation",
                      dict(factor=(0.1, 0.1), **common), [img], {"training": True}, False))
        CASES.append((f"translation_{fill}_{interp}", "RandomTranslation",
                      dict(height_factor=(0.3, 0.3), width_factor=(-0.45, -0.45), **common),
                      [img], {"training": True}, False))
        CASES.append((f"zoom_{fill}_{interp}", "RandomZoom",
                      dict(height_factor=(0.4, 0.4), width_factor=(-0.3, -0.3), **common),
                      [img], {"training": True}, False))
CASES.append(("rotation_quarter", "RandomRotation", {"factor": (0.25, 0.25)}, [img],
              {"training": True}, False))
CASES.append(("zoom_out_far", "RandomZoom", {"height_factor": (0.9, 0.9)}, [img],
              {"training": True}, False))
CASES.append(("brightness_fixed", "RandomBrightness", {"factor": (0.2, 0.2)}, [img],
              {"training": True}, False))
CASES.append(("contrast_inference", "RandomContrast", {"factor": 0.5}, [img],
              {"training": False}, False))
CASES.append(("randomcrop_inference", "RandomCrop", {"height": 4, "width": 6}, [img],
              {"training": False}, False))


def main() -> None:
    import tensorflow as tf
    import tf_keras as keras

    arrays: Dict[str, np.ndarray] = {}
    meta_cases: List[Dict[str, Any]] = []
    for name, cls, kwargs, inputs, call_kwargs, list_input in CASES:
        layer = getattr(keras.layers, cls)(**kwargs)
        feed_kwargs = {}
        for key, value in call_kwargs.items():
            if isinstance(value, np.ndarray):
                arrays[f"{name}__arg__{key}"] = value
                feed_kwargs[key] = tf.constant(value)
            elif key == "mask":
                for i, m in enumerate(value):
                    if m is not None:
                        arrays[f"{name}__mask{i}"] = m
                feed_kwargs[key] = [None if m is None else tf.constant(m) for m in value]
            else:
                feed_kwargs[key] = value
        tensors = [tf.constant(x) for x in inputs]
        for i, x in enumerate(inputs):
            arrays[f"{name}__x{i}"] = x
        if list_input:
            layer(tensors, **{k: v for k, v in feed_kwargs.items() if k != "training"})
        else:
            layer(*tensors)
        weights = [(rng.uniform(-1, 1, size=w.shape) * 0.5).astype("float32")
                   for w in layer.get_weights()]
        layer.set_weights(weights)
        for j, w in enumerate(weights):
            arrays[f"{name}__w{j}"] = w
        outputs = layer(tensors, **feed_kwargs) if list_input else layer(*tensors, **feed_kwargs)
        outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
        for k, out in enumerate(outputs):
            arrays[f"{name}__y{k}"] = np.asarray(out)
        meta_cases.append({
            "name": name, "class": cls, "kwargs": kwargs, "n_inputs": len(inputs),
            "list_input": list_input, "n_outputs": len(outputs), "n_weights": len(weights),
            "call_kwargs": {k: v for k, v in call_kwargs.items()
                            if not isinstance(v, np.ndarray) and k != "mask"},
            "array_args": sorted(k for k, v in call_kwargs.items() if isinstance(v, np.ndarray)),
            "masks": ([m is not None for m in call_kwargs["mask"]]
                      if "mask" in call_kwargs else None),
            "weight_names": [w.name for w in layer.weights],
            "weight_shapes": [list(w.shape) for w in weights],
            "config_keys": sorted(layer.get_config()),
        })
    meta = {"tf_keras_version": keras.__version__, "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__, "cases": meta_cases}
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(HERE, "fixtures", "attention_image.npz"), arrays)
    print(f"wrote {len(meta_cases)} cases")


if __name__ == "__main__":
    main()
