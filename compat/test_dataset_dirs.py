"""Replay of ``fixtures/dataset_dirs.json`` (generate_dataset_dirs.py, real Keras 2 and 3):
``image_dataset_from_directory`` / ``text_dataset_from_directory`` on the same folders give
the same class names, the same training/validation files for a ``seed`` and
``validation_split``, and (``shuffle=False``) the same decoded, resized pixels and labels."""
from __future__ import annotations

import base64
import json
import os

import numpy as np
import pytest

from compat_case import FIXTURES
from dir_cases import write_tree
from torchkeras.utils import dataset_utils

RECORD = json.loads((FIXTURES / "dataset_dirs.json").read_text())
RUNS = {
    "bilinear": dict(image_size=(5, 6)),
    "nearest_gray": dict(image_size=(4, 4), interpolation="nearest", color_mode="grayscale"),
    "crop_area": dict(image_size=(6, 4), interpolation="area", crop_to_aspect_ratio=True),
    "categorical_bicubic": dict(image_size=(3, 7), interpolation="bicubic",
                                label_mode="categorical"),
}


def _tree(tmp_path_factory, key: str) -> str:
    root = str(tmp_path_factory.mktemp(key))
    write_tree(root, {k: base64.b64decode(v) for k, v in RECORD[key].items()})
    return root


@pytest.fixture(scope="module")
def image_root(tmp_path_factory):
    return _tree(tmp_path_factory, "images")


@pytest.fixture(scope="module")
def text_root(tmp_path_factory):
    return _tree(tmp_path_factory, "texts")


SPLIT_KEYS = sorted(RECORD["image_splits_k2"])


@pytest.mark.parametrize("keras_version", ["k2", "k3"])
@pytest.mark.parametrize("key", SPLIT_KEYS)
def test_image_split_files(image_root, key, keras_version):
    want = RECORD[f"image_splits_{keras_version}"][key]
    name, subset = key.rsplit("_", 1)
    seed, fraction = int(name.split("_")[0][4:]), float(name.split("_")[1])
    ds = dataset_utils.image_dataset_from_directory(image_root, image_size=(5, 6), batch_size=4,
                                                    seed=seed, validation_split=fraction,
                                                    subset=subset)
    assert [os.path.relpath(p, image_root) for p in ds.file_paths] == want["files"]
    assert ds.class_names == want["class_names"]


@pytest.mark.parametrize("keras_version", ["k2", "k3"])
@pytest.mark.parametrize("key", SPLIT_KEYS)
def test_text_split_contents(text_root, key, keras_version):
    want = RECORD[f"text_splits_{keras_version}"][key]
    name, subset = key.rsplit("_", 1)
    seed, fraction = int(name.split("_")[0][4:]), float(name.split("_")[1])
    ds = dataset_utils.text_dataset_from_directory(text_root, batch_size=4, seed=seed,
                                                   validation_split=fraction, subset=subset)
    texts = sorted(t.decode() for t, _ in ds.unbatch().as_numpy_iterator())
    assert texts == want["texts"] and ds.class_names == want["class_names"]


@pytest.mark.parametrize("name", sorted(RUNS))
def test_image_pixels_and_labels(image_root, name):
    pytest.importorskip("PIL", reason="decoding images needs Pillow (optional)")
    want = RECORD["image_runs"][name]
    ds = dataset_utils.image_dataset_from_directory(image_root, shuffle=False, batch_size=20,
                                                    **RUNS[name])
    x, y = next(iter(ds))
    assert [os.path.relpath(p, image_root) for p in ds.file_paths] == want["files"]
    assert str(x.dtype) == "torch." + want["x_dtype"] and y.tolist() == want["y"]
    np.testing.assert_allclose(x.numpy(), np.asarray(want["x"], "float32"), atol=2e-4,
                               rtol=1e-5)


def test_text_contents_and_binary_labels(text_root):
    want = RECORD["text_run"]
    ds = dataset_utils.text_dataset_from_directory(text_root, shuffle=False, batch_size=20,
                                                   max_length=9, label_mode="binary")
    (x, y), = list(ds.as_numpy_iterator())
    assert [s.decode() for s in x] == want["x"] and y.tolist() == want["y"]
