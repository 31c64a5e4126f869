"""Record Keras 3 references for the Keras 3 augmentation, spectrogram and
ReversibleEmbedding layers into ``compat/fixtures/k3_augmentation.npz``.

Runs ONLY in the reference venv (Keras 3.15 on its TensorFlow backend)::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_k3_augmentation.py

Random augmentations can't share TensorFlow's RNG, so each case records Keras 3's own
``transformation = layer.get_random_transformation(images)`` (arrays ``<case>__t__<key>``,
or ``<case>__t`` when it is one tensor) and the output of
``layer.transform_images(images, transformation)`` (``<case>__y0``; labels ``__y1``):
torchkeras replays the same transformation through the same method. Layers without a
random transformation (AutoContrast, Equalization, Pipeline with fixed factors, the
spectrograms, ReversibleEmbedding) record a plain call; weights are ``<case>__w<j>``. ``mapc_*`` cases
record ``keras.ops.image.map_coordinates`` (the sampler of RandomElasticTransform, whose
noise field comes from TF's stateless RNG) for every fill mode and order.
``meta.cases``: class, kwargs, mode, config keys and Keras 3's serialized layer.
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

rng = np.random.RandomState(315)
IMG = rng.uniform(0, 255, size=(4, 6, 7, 3)).astype("float32")
IMG01 = (IMG / 255.0).astype("float32")
IMAGE_BIG = rng.uniform(0, 255, size=(2, 13, 17, 3)).astype("float32")
LABELS = np.eye(3, dtype="float32")[[0, 2, 1, 2]]
AUDIO = rng.uniform(-1, 1, size=(2, 300)).astype("float32")
SIGNAL = rng.uniform(-1, 1, size=(2, 64, 2)).astype("float32")
IDS = np.array([[1, 4, 0], [7, 2, 3]], dtype="int32")
HIDDEN = rng.uniform(-1, 1, size=(2, 3, 5)).astype("float32")

# (case, class, kwargs, images, mode): mode "transform" replays a transformation,
# "call" records layer(x, training=True).
CASES: List[tuple] = [
    ("mixup", "MixUp", {"alpha": 0.4, "seed": 1}, IMG, "transform"),
    ("cutmix", "CutMix", {"factor": 1.0, "seed": 1}, IMG, "transform"),
    ("erasing", "RandomErasing", {"factor": 1.0, "seed": 1}, IMG, "transform"),
    ("erasing_fill", "RandomErasing", {"factor": 1.0, "scale": (0.1, 0.5), "fill_value": 7.0,
                                       "seed": 2}, IMG, "transform"),
    ("grayscale", "RandomGrayscale", {"factor": 0.5, "seed": 3}, IMG, "transform"),
    ("hue", "RandomHue", {"factor": 0.8, "seed": 1}, IMG, "transform"),
    ("hue01", "RandomHue", {"factor": (0.2, 0.6), "value_range": (0, 1), "seed": 2}, IMG01,
     "transform"),
    ("saturation", "RandomSaturation", {"factor": 0.8, "seed": 1}, IMG01, "transform"),
    ("saturation255", "RandomSaturation", {"factor": (0.3, 0.9), "seed": 1}, IMG,
     "transform"),
    ("degeneration", "RandomColorDegeneration", {"factor": 0.9, "seed": 1}, IMG, "transform"),
    ("sharpness", "RandomSharpness", {"factor": 0.7, "seed": 1}, IMG, "transform"),
    ("sharpness01", "RandomSharpness", {"factor": (0.1, 0.9), "value_range": (0, 1),
                                        "seed": 1}, IMG01, "transform"),
    ("solarization", "Solarization", {"addition_factor": 0.3, "threshold_factor": 0.6,
                                      "seed": 1}, IMG, "transform"),
    ("solarization01", "Solarization", {"threshold_factor": (0.2, 0.8), "value_range": (0, 1),
                                        "seed": 1}, IMG01, "transform"),
    ("invert", "RandomInvert", {"factor": 0.5, "seed": 4}, IMG, "transform"),
    ("posterization", "RandomPosterization", {"factor": (2, 7), "seed": 1}, IMG, "transform"),
    ("posterization01", "RandomPosterization", {"factor": 3, "value_range": (0, 1)}, IMG01,
     "transform"),
    ("blur", "RandomGaussianBlur", {"factor": 0.8, "kernel_size": 5, "sigma": (0.3, 1.0),
                                    "seed": 1}, IMG, "transform"),
    ("shear", "RandomShear", {"x_factor": 0.3, "y_factor": 0.2, "seed": 1}, IMG, "transform"),
    ("shear_constant", "RandomShear", {"x_factor": (0.1, 0.5), "fill_mode": "constant",
                                       "fill_value": 9.0, "interpolation": "nearest",
                                       "seed": 2}, IMG, "transform"),
    ("perspective", "RandomPerspective", {"factor": 0.8, "scale": 0.5, "seed": 1}, IMG,
     "transform"),
    ("auto_contrast", "AutoContrast", {}, IMG, "call"),
    ("auto_contrast01", "AutoContrast", {"value_range": (0, 1)}, IMG01 * 0.5 + 0.2, "call"),
    ("equalization", "Equalization", {}, IMG, "call"),
    ("equalization_bins", "Equalization", {"bins": 32, "value_range": (0, 1)}, IMG01, "call"),
    ("clahe", "ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (2, 3)},
     IMAGE_BIG, "call"),
    ("clahe_noclip01", "ContrastLimitedAdaptiveHistogramEqualization",
     {"tile_grid_size": (3, 2), "clip_limit": 0.0, "value_range": (0, 1)},
     IMAGE_BIG / 255.0, "call"),
    ("clahe_default", "ContrastLimitedAdaptiveHistogramEqualization", {}, IMAGE_BIG, "call"),
    ("color_jitter", "RandomColorJitter", {"brightness_factor": (0.1, 0.1),
                                           "saturation_factor": (0.7, 0.7)}, IMG01 * 200,
     "call"),
    ("pipeline", "Pipeline", {"layers": [("AutoContrast", {}),
                                         ("RandomColorDegeneration",
                                          {"factor": (0.5, 0.5)})]}, IMG, "call"),
]
SPECTRAL: List[tuple] = [
    ("stft_log", "STFTSpectrogram", {"frame_length": 16, "frame_step": 8, "fft_length": 16},
     SIGNAL),
    ("stft_psd_same", "STFTSpectrogram", {"mode": "psd", "frame_length": 12, "frame_step": 5,
                                          "fft_length": 16, "padding": "same",
                                          "scaling": "spectrum"}, SIGNAL),
    ("stft_stft_expand", "STFTSpectrogram", {"mode": "stft", "frame_length": 8,
                                             "window": "hamming", "periodic": True,
                                             "expand_dims": True}, SIGNAL),
    ("stft_angle", "STFTSpectrogram", {"mode": "angle", "frame_length": 8,
                                       "frame_step": 3}, SIGNAL),
    ("stft_real_imag", "STFTSpectrogram", {"mode": "real", "frame_length": 8}, SIGNAL),
    ("stft_magnitude_nowin", "STFTSpectrogram", {"mode": "magnitude", "frame_length": 10,
                                                 "window": None, "scaling": None}, SIGNAL),
    ("mel", "MelSpectrogram", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10,
                               "sampling_rate": 8000}, AUDIO),
    ("mel_power", "MelSpectrogram", {"fft_length": 64, "sequence_length": 48,
                                     "sequence_stride": 20, "num_mel_bins": 12,
                                     "sampling_rate": 16000, "min_freq": 100.0,
                                     "max_freq": 6000.0, "power_to_db": False,
                                     "mag_exp": 1.0}, AUDIO),
    ("mel_db_ref", "MelSpectrogram", {"fft_length": 32, "sequence_stride": 8,
                                      "num_mel_bins": 6, "sampling_rate": 4000,
                                      "top_db": 20.0, "ref_power": 2.0}, AUDIO),
]
# keras.ops.image.map_coordinates (RandomElasticTransform's sampler), every fill mode.
GRID = rng.uniform(0, 255, size=(5, 6)).astype("float32")
ROWS = rng.uniform(-4, 9, size=(5, 6)).astype("float32")
COLS = rng.uniform(-4, 10, size=(5, 6)).astype("float32")
# "mirror" is left out: Keras 3.15's TF map_coordinates gathers out of range for it
# (size_2 - mod can equal size) and raises InvalidArgumentError.
MAP_MODES = [(mode, order) for mode in ("constant", "nearest", "wrap", "reflect")
             for order in (0, 1)]
EMBEDDINGS: List[tuple] = [
    ("rev_tied", {"input_dim": 9, "output_dim": 5}),
    ("rev_untied_cap", {"input_dim": 9, "output_dim": 5, "tie_weights": False,
                        "logit_soft_cap": 2.0}),
    ("rev_mask", {"input_dim": 9, "output_dim": 5, "mask_zero": True}),
]


def _to_numpy(value: Any) -> Any:
    try:
        return np.asarray(value)
    except Exception:  # noqa: BLE001 - tuples of dims
        return None


def main() -> None:
    import keras
    import tensorflow as tf

    arrays: Dict[str, np.ndarray] = {}
    meta_cases: List[Dict[str, Any]] = []
    for name, cls, kwargs, images, mode in CASES:
        kwargs_json = dict(kwargs)
        if cls == "Pipeline":
            layer = keras.layers.Pipeline([getattr(keras.layers, c)(**k)
                                           for c, k in kwargs["layers"]])
        else:
            layer = getattr(keras.layers, cls)(**kwargs)
        arrays[f"{name}__x0"] = images
        case: Dict[str, Any] = {"name": name, "class": cls, "kwargs": kwargs_json,
                                "mode": mode, "config_keys": sorted(layer.get_config()),
                                "serialized": keras.saving.serialize_keras_object(layer)}
        if mode == "transform":
            x = tf.constant(images)
            t = layer.get_random_transformation(x, training=True)
            if isinstance(t, dict):
                keys = []
                for key, value in t.items():
                    if isinstance(value, tuple) or key == "input_shape":
                        continue
                    arrays[f"{name}__t__{key}"] = np.asarray(value)
                    keys.append(key)
                case["transformation_keys"] = sorted(keys)
            else:
                arrays[f"{name}__t"] = np.asarray(t)
                case["transformation_keys"] = None
            arrays[f"{name}__y0"] = np.asarray(layer.transform_images(x, t, training=True))
            if cls in ("MixUp", "CutMix"):
                arrays[f"{name}__labels"] = LABELS
                arrays[f"{name}__y1"] = np.asarray(
                    layer.transform_labels(tf.constant(LABELS), t, training=True))
        else:
            arrays[f"{name}__y0"] = np.asarray(layer(images, training=True))
        meta_cases.append(case)
    for name, cls, kwargs, x in SPECTRAL:
        layer = getattr(keras.layers, cls)(**kwargs)
        arrays[f"{name}__x0"] = x
        arrays[f"{name}__y0"] = np.asarray(layer(x))
        for j, w in enumerate(layer.get_weights()):
            arrays[f"{name}__w{j}"] = w
        meta_cases.append({"name": name, "class": cls, "kwargs": kwargs, "mode": "spectral",
                           "n_weights": len(layer.get_weights()),
                           "weight_names": [w.name for w in layer.weights],
                           "config_keys": sorted(layer.get_config()),
                           "serialized": keras.saving.serialize_keras_object(layer)})
    for mode, order in MAP_MODES:
        name = f"mapc_{mode}_{order}"
        arrays[f"{name}__x0"], arrays[f"{name}__rows"], arrays[f"{name}__cols"] = (
            GRID, ROWS, COLS)
        arrays[f"{name}__y0"] = np.asarray(keras.ops.image.map_coordinates(
            GRID, np.stack([ROWS, COLS]), order=order, fill_mode=mode, fill_value=3.0))
        meta_cases.append({"name": name, "class": "map_coordinates", "mode": "map",
                           "kwargs": {"fill_mode": mode, "order": order, "fill_value": 3.0},
                           "config_keys": []})
    for name, kwargs in EMBEDDINGS:
        layer = keras.layers.ReversibleEmbedding(**kwargs)
        layer(IDS)
        weights = [(rng.uniform(-1, 1, size=w.shape)).astype("float32")
                   for w in layer.get_weights()]
        layer.set_weights(weights)
        for j, w in enumerate(weights):
            arrays[f"{name}__w{j}"] = w
        arrays[f"{name}__x0"] = IDS
        arrays[f"{name}__x1"] = HIDDEN
        arrays[f"{name}__y0"] = np.asarray(layer(IDS))
        arrays[f"{name}__y1"] = np.asarray(layer(HIDDEN, reverse=True))
        meta_cases.append({"name": name, "class": "ReversibleEmbedding", "kwargs": kwargs,
                           "mode": "embedding", "n_weights": len(weights),
                           "weight_names": [w.name for w in layer.weights],
                           "weight_shapes": [list(w.shape) for w in weights],
                           "config_keys": sorted(layer.get_config()),
                           "serialized": keras.saving.serialize_keras_object(layer)})
    meta = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__, "cases": meta_cases}
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True, default=list))
    save_npz(os.path.join(HERE, "fixtures", "k3_augmentation.npz"), arrays)
    print(f"wrote {len(meta_cases)} cases")


if __name__ == "__main__":
    main()
