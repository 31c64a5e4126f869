"""Replay of ``fixtures/jpeg_decode.npz`` (generate_jpeg_decode.py, real TensorFlow 2.21):
``tf.io.decode_jpeg`` gives TF's pixels for every ``dct_method`` x ``fancy_upscaling`` x
``ratio`` x ``channels`` on 4:2:0, 4:4:4, progressive and gray JPEGs.

Pillow's libjpeg-turbo has one switch for the fast IDCT that also turns off fancy chroma
upsampling, so exactly two settings of a chroma-subsampled image decoded in colour at full
size cannot be reproduced: fast IDCT with fancy upsampling (TF's default) and accurate IDCT
without it. Those come within 4 levels; every other case is exact (and this test says which).
"""
from __future__ import annotations

import numpy as np
import pytest

from compat_case import FIXTURES
from torchkeras.compat.finder import tensorflow_module

pytest.importorskip("PIL.Image", reason="the JPEG decoder needs Pillow (optional)")
tf = tensorflow_module()
RECORD = np.load(FIXTURES / "jpeg_decode.npz")  # no pickles: allow_pickle stays False
INPUTS = {key.split("|")[1]: RECORD[key].tobytes() for key in RECORD.files
          if key.startswith("input|")}
CASES = sorted(key for key in RECORD.files if key.split("|")[0] in INPUTS)
SUBSAMPLED = {"420", "progressive420"}
# the two (IDCT, upsampling) pairs Pillow's one switch cannot give: within this many levels
INEXACT_LEVELS = 4


def _inexact(layout: str, dct: str, fancy: bool, ratio: int, channels: int) -> bool:
    fast = dct != "INTEGER_ACCURATE"
    return layout in SUBSAMPLED and ratio == 1 and channels != 1 and fast == fancy


@pytest.mark.parametrize("key", CASES)
def test_decode_jpeg_matches_tensorflow(key):
    layout, dct, fancy, ratio, channels = key.split("|")
    fancy, ratio, channels = fancy == "1", int(ratio), int(channels)
    want = RECORD[key]
    got = tf.io.decode_jpeg(INPUTS[layout], channels=channels, ratio=ratio,
                            fancy_upscaling=fancy, dct_method=dct).numpy()
    assert got.dtype == np.uint8 and got.shape == want.shape
    difference = np.abs(got.astype(np.int16) - want).max()
    if _inexact(layout, dct, fancy, ratio, channels):
        assert 0 < difference <= INEXACT_LEVELS  # documented: see the module docstring
    else:
        assert difference == 0


@pytest.mark.parametrize("layout", sorted(INPUTS))
def test_decode_image_takes_tensorflows_default_jpeg_settings(layout):
    want = RECORD[f"decode_image|{layout}"]
    got = tf.io.decode_image(INPUTS[layout]).numpy()
    assert got.shape == want.shape
    difference = np.abs(got.astype(np.int16) - want).max()
    assert difference <= INEXACT_LEVELS if layout in SUBSAMPLED else difference == 0


def test_tensorflows_argument_checks():
    data = INPUTS["444"]
    with pytest.raises(ValueError, match="ratio must be 1, 2, 4, or 8, got 3"):
        tf.io.decode_jpeg(data, ratio=3)
    with pytest.raises(ValueError, match="dct_method must be one of"):
        tf.io.decode_jpeg(data, dct_method="FLOAT")
