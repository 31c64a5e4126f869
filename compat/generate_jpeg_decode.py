"""Record real TensorFlow's ``tf.io.decode_jpeg`` / ``decode_image`` pixels for every
``dct_method`` x ``fancy_upscaling`` x ``ratio`` x ``channels`` on JPEGs that TensorFlow
encodes here (4:2:0, 4:4:4, progressive 4:2:0, grayscale) into ``fixtures/jpeg_decode.npz``.

Runs ONLY in the reference venv::

    /tmp/ref/bin/python compat/generate_jpeg_decode.py

The npz holds the encoded inputs (``input|<layout>``, uint8) and one uint8 array per call
(``<layout>|<dct_method>|<fancy>|<ratio>|<channels>``, ``decode_image|<layout>``); no pickles.
test_jpeg_decode.py replays them on torchkeras.
"""
from __future__ import annotations

import itertools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "jpeg_decode.npz")
HEIGHT, WIDTH = 13, 17  # odd sizes: the scaled decodes round up
DCT_METHODS = ("", "INTEGER_FAST", "INTEGER_ACCURATE")


def source_image() -> np.ndarray:
    rng = np.random.RandomState(3)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    smooth = np.stack([xx * 14, yy * 18, (xx + yy) * 8 + 40], -1)
    return np.clip(smooth + rng.randint(-40, 41, smooth.shape), 0, 255).astype(np.uint8)


def encoded() -> dict:
    rgb = source_image()
    return {
        "420": tf.io.encode_jpeg(rgb, quality=85, chroma_downsampling=True).numpy(),
        "444": tf.io.encode_jpeg(rgb, quality=85, chroma_downsampling=False).numpy(),
        "progressive420": tf.io.encode_jpeg(rgb, quality=85, progressive=True).numpy(),
        "gray": tf.io.encode_jpeg(rgb[..., :1], quality=85).numpy(),
    }


def main() -> None:
    arrays = {}
    for layout, data in encoded().items():
        arrays[f"input|{layout}"] = np.frombuffer(data, dtype=np.uint8)
        for dct, fancy, ratio, channels in itertools.product(
                DCT_METHODS, (True, False), (1, 2, 4, 8), (0, 1, 3)):
            pixels = tf.io.decode_jpeg(data, channels=channels, ratio=ratio,
                                       fancy_upscaling=fancy, dct_method=dct)
            arrays[f"{layout}|{dct}|{int(fancy)}|{ratio}|{channels}"] = pixels.numpy()
        arrays[f"decode_image|{layout}"] = tf.io.decode_image(data).numpy()
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}: {len(arrays)} arrays, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
