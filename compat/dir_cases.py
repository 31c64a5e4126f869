"""The folder the ``*_dataset_from_directory`` parity test indexes (generate_dataset_dirs.py
records what real Keras makes of it; test_dataset_dirs.py replays it): a flower-like image
folder (PNG files of several sizes, upper-case extension, a nested folder, a hidden folder and
a non-image file) and a small text folder. ``files()`` gives relative path -> bytes, so both
sides build the very same tree (images are encoded by TensorFlow in the generator and stored in
the fixture)."""
from __future__ import annotations

import os
from typing import Dict

import numpy as np

CLASSES = ("daisy", "roses", "tulips")
SIZES = ((6, 8), (7, 5), (9, 9), (5, 12))


def image_array(index: int, height: int, width: int) -> np.ndarray:
    rng = np.random.RandomState(index)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([xx * 20 + index * 7, yy * 25, (xx + yy) * 9 + index], -1) % 256
    return np.clip(base + rng.randint(-15, 16, base.shape), 0, 255).astype("uint8")


def image_names() -> Dict[str, np.ndarray]:
    """relative path -> pixels (the generator encodes them as PNG)."""
    names = {}
    index = 0
    for label in CLASSES:
        for i in range(5):
            h, w = SIZES[(index + i) % len(SIZES)]
            ext = ".PNG" if i == 3 else ".png"
            sub = "nested/" if (label == "roses" and i == 4) else ""
            names[f"{label}/{sub}img_{i}{ext}"] = image_array(index, h, w)
            index += 1
    names[".ipynb_checkpoints/skip.png"] = image_array(99, 4, 4)
    return names


def text_files() -> Dict[str, bytes]:
    files = {}
    for label in ("neg", "pos"):
        for i in range(7):
            files[f"{label}/review_{i}.txt"] = f"{label} review {i} <br />ok".encode()
    files["pos/notes.md"] = b"not a text sample"
    return files


def write_tree(root: str, files: Dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
