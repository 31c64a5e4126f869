"""Record what real Keras makes of the dir_cases.py folders into
``fixtures/dataset_dirs.json``: ``image_dataset_from_directory`` /
``text_dataset_from_directory`` class names, ``file_paths`` (texts: sorted contents) of the training and
validation subsets (``validation_split`` + ``seed``, Keras 2 = tf_keras and Keras 3), and the decoded,
resized batches with ``shuffle=False`` (bilinear, nearest, ``crop_to_aspect_ratio``, grayscale).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_dataset_dirs.py
"""
from __future__ import annotations

import base64
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
import tf_keras
import keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dir_cases import image_names, text_files, write_tree  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "dataset_dirs.json")
SPLITS = {"seed123_0.2": (123, 0.2), "seed7_0.5": (7, 0.5)}
IMAGE_RUNS = {
    "bilinear": dict(image_size=(5, 6)),
    "nearest_gray": dict(image_size=(4, 4), interpolation="nearest", color_mode="grayscale"),
    "crop_area": dict(image_size=(6, 4), interpolation="area", crop_to_aspect_ratio=True),
    "categorical_bicubic": dict(image_size=(3, 7), interpolation="bicubic",
                                label_mode="categorical"),
}


def rel(paths, root):
    return [os.path.relpath(p, root) for p in paths]


def splits(fn, root, **kwargs) -> dict:
    out = {}
    for name, (seed, fraction) in SPLITS.items():
        for subset in ("training", "validation"):
            ds = fn(root, seed=seed, validation_split=fraction, subset=subset, **kwargs)
            paths = getattr(ds, "file_paths", None)  # text datasets have none
            entry = {"files": None if paths is None else rel(paths, root),
                     "class_names": list(ds.class_names)}
            if paths is None:  # the subset's contents (the order is TF's shuffle)
                entry["texts"] = sorted(t.decode() for t, _ in ds.unbatch().as_numpy_iterator())
            out[f"{name}_{subset}"] = entry
    return out


def main() -> None:
    images = {k: tf.io.encode_png(v).numpy() for k, v in image_names().items()}
    texts = text_files()
    record = {"tensorflow_version": tf.__version__, "keras3_version": keras.__version__,
              "images": {k: base64.b64encode(v).decode() for k, v in images.items()},
              "texts": {k: base64.b64encode(v).decode() for k, v in texts.items()}}
    with tempfile.TemporaryDirectory() as img_root, tempfile.TemporaryDirectory() as txt_root:
        write_tree(img_root, images)
        write_tree(txt_root, texts)
        for tag, module in (("k2", tf_keras), ("k3", keras)):
            kw = dict(image_size=(5, 6), batch_size=4)
            record[f"image_splits_{tag}"] = splits(
                module.utils.image_dataset_from_directory, img_root, **kw)
            record[f"text_splits_{tag}"] = splits(
                module.utils.text_dataset_from_directory, txt_root, batch_size=4)
        runs = {}
        for name, kwargs in IMAGE_RUNS.items():
            ds = tf_keras.utils.image_dataset_from_directory(
                img_root, shuffle=False, batch_size=20, **kwargs)
            x, y = next(iter(ds))
            runs[name] = {"files": rel(ds.file_paths, img_root), "x": x.numpy().tolist(),
                          "x_dtype": x.dtype.name, "y": y.numpy().tolist(),
                          "class_names": list(ds.class_names)}
        record["image_runs"] = runs
        ds = tf_keras.utils.text_dataset_from_directory(txt_root, shuffle=False, batch_size=20,
                                                        max_length=9, label_mode="binary")
        x, y = next(iter(ds))
        record["text_run"] = {"x": [s.decode() for s in x.numpy()], "y": y.numpy().tolist()}
    with open(OUT, "w") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
