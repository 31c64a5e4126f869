"""Record reference numbers for issue 18's remaining layers from real Keras into
``compat/fixtures/more_layers.npz``, and a small transformer block saved by real Keras
(``transformer__k2.h5`` by tf_keras, ``transformer__k3.keras`` by Keras 3) with its inputs
and predictions in ``transformer.npz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_more_layers.py

Layers that Keras 2 has (Identity, LocallyConnected1D/2D, RandomHeight/Width,
SpectralNormalization) are recorded with tf_keras; Keras 3-only layers (RMSNormalization,
adaptive pooling, GroupQueryAttention) with Keras 3 (TensorFlow backend). One forward call
per case with fixed weights (numpy RandomState, ``set_weights``): inputs ``<case>__x<i>``,
weights ``<case>__w<j>``, outputs ``<case>__y<k>``, and for SpectralNormalization the
weights after the training call ``<case>__after<j>``. Random size layers use a fixed factor
``(f, f)`` and ``training=True``: deterministic.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf_keras internals use tf.keras

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(1818)


def _f32(*shape: int) -> np.ndarray:
    return rng.uniform(-1, 1, size=shape).astype("float32")


q3, v3 = _f32(2, 5, 8), _f32(2, 4, 8)
img = rng.uniform(0, 255, size=(2, 7, 6, 3)).astype("float32")
q_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
v_mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)

# (case, keras ("k2"/"k3"), class, kwargs, inputs, call kwargs)
CASES: List[tuple] = [
    ("identity", "k2", "Identity", {}, [_f32(2, 3)], {}),
    ("rms_last", "k3", "RMSNormalization", {}, [_f32(2, 5, 6)], {}),
    ("rms_axes", "k3", "RMSNormalization", {"axis": [-2, -1], "epsilon": 1e-3},
     [_f32(2, 5, 6)], {}),
    ("gqa_self", "k3", "GroupQueryAttention",
     {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [q3, q3], {}),
    ("gqa_cross_scores", "k3", "GroupQueryAttention",
     {"head_dim": 3, "num_query_heads": 6, "num_key_value_heads": 3},
     [q3, v3, _f32(2, 4, 8)], {"return_attention_scores": True}),
    ("gqa_causal", "k3", "GroupQueryAttention",
     {"head_dim": 4, "num_query_heads": 2, "num_key_value_heads": 1, "use_bias": False},
     [q3, q3], {"use_causal_mask": True}),
    ("gqa_masks", "k3", "GroupQueryAttention",
     {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2},
     [q3, v3], {"query_mask": q_mask, "value_mask": v_mask}),
    ("gqa_masks_scores", "k3", "GroupQueryAttention",
     {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2},
     [q3, v3], {"query_mask": q_mask, "value_mask": v_mask, "return_attention_scores": True}),
    ("gqa_gate_window", "k3", "GroupQueryAttention",
     {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 4, "use_gate": True,
      "sliding_window": 2}, [q3, q3], {}),
    ("spectral_dense", "k2", "SpectralNormalization", {"layer": ("Dense", {"units": 3}),
                                                       "power_iterations": 2},
     [_f32(4, 5)], {"training": True}),
    ("spectral_conv", "k2", "SpectralNormalization",
     {"layer": ("Conv2D", {"filters": 2, "kernel_size": 2})}, [_f32(2, 4, 4, 3)],
     {"training": True}),
    ("spectral_inference", "k2", "SpectralNormalization", {"layer": ("Dense", {"units": 3})},
     [_f32(4, 5)], {"training": False}),
    ("random_height", "k2", "RandomHeight", {"factor": (0.45, 0.45)}, [img],
     {"training": True}),
    ("random_height_down_nearest", "k2", "RandomHeight",
     {"factor": (-0.4, -0.4), "interpolation": "nearest"}, [img], {"training": True}),
    ("random_width_bicubic", "k2", "RandomWidth",
     {"factor": (0.3, 0.3), "interpolation": "bicubic"}, [img], {"training": True}),
    ("random_width_inference", "k2", "RandomWidth", {"factor": 0.5}, [img],
     {"training": False}),
]
for size in (3, 4, 6, 7):
    CASES.append((f"adaptive_avg1d_{size}", "k3", "AdaptiveAveragePooling1D",
                  {"output_size": size}, [_f32(2, 10, 3)], {}))
    CASES.append((f"adaptive_max1d_{size}", "k3", "AdaptiveMaxPooling1D",
                  {"output_size": size}, [_f32(2, 10, 3)], {}))
for size in ((3, 4), (5, 2), (7, 7)):
    CASES.append((f"adaptive_avg2d_{size[0]}x{size[1]}", "k3", "AdaptiveAveragePooling2D",
                  {"output_size": size}, [_f32(2, 7, 9, 2)], {}))
    CASES.append((f"adaptive_max2d_{size[0]}x{size[1]}", "k3", "AdaptiveMaxPooling2D",
                  {"output_size": size}, [_f32(2, 7, 9, 2)], {}))
CASES.append(("adaptive_avg2d_channels_first", "k3", "AdaptiveAveragePooling2D",
              {"output_size": (2, 3), "data_format": "channels_first"}, [_f32(2, 3, 5, 7)], {}))
CASES.append(("adaptive_avg3d", "k3", "AdaptiveAveragePooling3D", {"output_size": (2, 3, 2)},
              [_f32(2, 5, 6, 3, 2)], {}))
CASES.append(("adaptive_max3d", "k3", "AdaptiveMaxPooling3D", {"output_size": 2},
              [_f32(2, 5, 6, 3, 2)], {}))
for impl in (1, 2, 3):
    CASES.append((f"lc1d_impl{impl}", "k2", "LocallyConnected1D",
                  {"filters": 3, "kernel_size": 3, "strides": 2, "implementation": impl,
                   "activation": "tanh"}, [_f32(2, 9, 4)], {}))
    CASES.append((f"lc2d_impl{impl}", "k2", "LocallyConnected2D",
                  {"filters": 2, "kernel_size": (3, 2), "strides": (1, 2),
                   "implementation": impl}, [_f32(2, 5, 6, 3)], {}))
    if impl > 1:
        CASES.append((f"lc1d_same_impl{impl}", "k2", "LocallyConnected1D",
                      {"filters": 2, "kernel_size": 4, "padding": "same",
                       "implementation": impl}, [_f32(2, 7, 3)], {}))
        CASES.append((f"lc2d_same_first_impl{impl}", "k2", "LocallyConnected2D",
                      {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                       "data_format": "channels_first", "implementation": impl},
                      [_f32(2, 3, 5, 4)], {}))
CASES.append(("lc2d_first_impl1", "k2", "LocallyConnected2D",
              {"filters": 2, "kernel_size": 2, "data_format": "channels_first",
               "implementation": 1}, [_f32(2, 3, 4, 5)], {}))
CASES.append(("lc1d_first_impl1", "k2", "LocallyConnected1D",
              {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
              [_f32(2, 3, 5)], {}))


def _layer(keras, cls: str, kwargs: Dict[str, Any]):
    kwargs = dict(kwargs)
    if "layer" in kwargs:
        inner_cls, inner_kwargs = kwargs.pop("layer")
        return getattr(keras.layers, cls)(getattr(keras.layers, inner_cls)(**inner_kwargs),
                                          **kwargs)
    return getattr(keras.layers, cls)(**kwargs)


def record_layers(tf, k2, k3) -> None:
    arrays: Dict[str, np.ndarray] = {}
    meta_cases: List[Dict[str, Any]] = []
    for name, which, cls, kwargs, inputs, call_kwargs in CASES:
        keras = k2 if which == "k2" else k3
        layer = _layer(keras, cls, kwargs)
        feed = {k: (tf.constant(v) if isinstance(v, np.ndarray) else v)
                for k, v in call_kwargs.items()}
        tensors = [tf.constant(x) for x in inputs]
        for i, x in enumerate(inputs):
            arrays[f"{name}__x{i}"] = x
        for key, value in call_kwargs.items():
            if isinstance(value, np.ndarray):
                arrays[f"{name}__arg__{key}"] = value
        layer(*tensors, **({"training": False} if "training" in call_kwargs else {}))
        weights = []
        for w in layer.get_weights():
            value = rng.uniform(-1, 1, size=w.shape).astype("float32") * 0.5
            weights.append(value.astype("float32"))
        layer.set_weights(weights)
        for j, w in enumerate(weights):
            arrays[f"{name}__w{j}"] = w
        outputs = layer(*tensors, **feed)
        outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
        for k, out in enumerate(outputs):
            arrays[f"{name}__y{k}"] = np.asarray(out)
        after = layer.get_weights()
        for j, w in enumerate(after):
            arrays[f"{name}__after{j}"] = np.asarray(w)
        config = layer.get_config()
        meta_cases.append({
            "name": name, "keras": which, "class": cls,
            "kwargs": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
            "n_inputs": len(inputs), "n_outputs": len(outputs), "n_weights": len(weights),
            "call_kwargs": {k: v for k, v in call_kwargs.items()
                            if not isinstance(v, np.ndarray)},
            "array_args": sorted(k for k, v in call_kwargs.items() if isinstance(v, np.ndarray)),
            "weight_names": [w.name if which == "k2" else w.path for w in layer.weights],
            "weight_shapes": [list(w.shape) for w in weights],
            "config_keys": sorted(config),
            "output_shapes": [list(np.asarray(o).shape) for o in outputs],
        })
    meta = {"tf_keras_version": k2.__version__, "keras3_version": k3.__version__,
            "tensorflow_version": tf.__version__, "numpy_version": np.__version__,
            "cases": meta_cases}
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(HERE, "fixtures", "more_layers.npz"), arrays)
    print(f"wrote {len(meta_cases)} layer cases")


# ------------------------------------------------------------------ transformer files
VOCAB, SEQ, DIM = 20, 6, 8
TOKENS = rng.randint(1, VOCAB, size=(5, SEQ)).astype("int32")
TOKENS[0, 4:] = 0  # padding: Embedding(mask_zero=True) masks it, MHA takes the mask
TOKENS[1, 2:] = 0
TOKENS[3, 5:] = 0


def transformer(keras):
    """Embedding(mask_zero) + MultiHeadAttention + residual LayerNormalization + Dense
    feed-forward + GlobalAveragePooling1D + Dense (the keras.io block, masked)."""
    layers = keras.layers
    inputs = keras.Input(shape=(SEQ,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCAB, DIM, mask_zero=True, name="embedding")(inputs)
    attn = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x)
    x = layers.LayerNormalization(epsilon=1e-6, name="ln1")(layers.Add(name="add1")([x, attn]))
    ffn = layers.Dense(16, activation="relu", name="ffn1")(x)
    ffn = layers.Dense(DIM, name="ffn2")(ffn)
    x = layers.LayerNormalization(epsilon=1e-6, name="ln2")(layers.Add(name="add2")([x, ffn]))
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    outputs = layers.Dense(2, activation="softmax", name="head")(x)
    model = keras.Model(inputs, outputs)
    weights = [(rng.uniform(-1, 1, size=w.shape) * 0.5).astype("float32")
               for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def record_transformer(tf, k2, k3) -> None:
    arrays: Dict[str, np.ndarray] = {"tokens": TOKENS}
    meta: Dict[str, Any] = {"tf_keras_version": k2.__version__,
                            "keras3_version": k3.__version__}
    for tag, keras, filename in (("k2", k2, "transformer__k2.h5"),
                                 ("k3", k3, "transformer__k3.keras")):
        model = transformer(keras)
        path = os.path.join(HERE, "fixtures", filename)
        model.save(path)
        arrays[f"{tag}__pred"] = model.predict(TOKENS, verbose=0)
        # the same model without the padding mask: shows the mask changes the numbers
        arrays[f"{tag}__pred_nopad"] = model.predict(np.where(TOKENS == 0, 1, TOKENS),
                                                     verbose=0)
        meta[f"{tag}__file"] = filename
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(HERE, "fixtures", "transformer.npz"), arrays)
    print("wrote transformer files")


def main() -> None:
    import tensorflow as tf
    import tf_keras as k2
    import keras as k3

    tf.random.set_seed(18)
    record_layers(tf, k2, k3)
    record_transformer(tf, k2, k3)


if __name__ == "__main__":
    main()
