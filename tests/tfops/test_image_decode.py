"""The JPEG decoder's two paths (its own header reader + Pillow's libjpeg decoder, and
Pillow's full parser for unusual layouts) give the same pixels for every TF setting; TF's own
pixels are in compat/test_jpeg_decode.py."""
from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
import torch

from torchkeras.tfops import image, image_decode

pil = pytest.importorskip("PIL.Image", reason="the decoders need Pillow (optional)")


def _jpegs() -> dict:
    """JPEG layouts: chroma subsampling, progressive, optimized tables, gray, odd sizes, EXIF."""
    rng = np.random.RandomState(0)
    colour = rng.randint(0, 256, (37, 51, 3)).astype(np.uint8)
    exif = pil.Exif()
    exif[0x0112] = 6  # orientation: TF ignores it, and so do both paths
    out = {}
    for name, array, options in [
            ("420", colour, {"subsampling": 2}), ("422", colour, {"subsampling": 1}),
            ("444", colour, {"subsampling": 0, "quality": 95}),
            ("progressive", colour, {"progressive": True, "optimize": True}),
            ("gray", colour[..., 0], {}), ("tiny", colour[:1, :2], {}),
            ("exif", colour, {"exif": exif.tobytes()})]:
        buffer = io.BytesIO()
        pil.fromarray(array).save(buffer, format="JPEG", **options)
        out[name] = buffer.getvalue()
    return out


JPEGS = _jpegs()


def _full_path(data: bytes, channels: int, ratio: int, fancy: bool, dct: str) -> torch.Tensor:
    img = image_decode.open_image(data, "decode_jpeg")
    return image_decode._decode_opened_jpeg(img, data, channels, ratio, fancy, dct)


@pytest.mark.parametrize("channels", [0, 1, 3])
def test_header_reader_path_equals_pillows_full_parser(channels):
    for (name, data), dct, fancy, ratio in itertools.product(
            JPEGS.items(), ("", "INTEGER_ACCURATE"), (True, False), (1, 2, 8)):
        fast = image_decode._decode_plain_jpeg(data, channels, ratio, fancy, dct)
        assert fast is not None, name  # all these layouts take the fast path
        full = _full_path(data, channels, ratio, fancy, dct)
        label = (name, dct, fancy, ratio)
        assert fast.dtype == torch.uint8 and fast.shape == full.shape, label
        assert torch.equal(fast, full), label
        assert fast.numpy().flags.writeable, label
        assert torch.equal(image.decode_jpeg(data, channels=channels, ratio=ratio,
                                             fancy_upscaling=fancy, dct_method=dct), fast)


def test_scaled_decode_rounds_the_size_up_as_libjpeg():
    for ratio in (1, 2, 4, 8):
        out = image.decode_jpeg(JPEGS["420"], channels=3, ratio=ratio)
        assert out.shape == (-(-37 // ratio), -(-51 // ratio), 3)


def test_the_idct_switch_follows_the_chroma_upsampling():
    switch = image_decode.fast_idct_switch
    # nothing upsampled (gray, 4:4:4, scaled decodes): the IDCT decides
    assert switch("", True, 1, False) and switch("INTEGER_FAST", False, 2, True)
    assert not switch("INTEGER_ACCURATE", False, 1, False)
    assert not switch("INTEGER_ACCURATE", True, 4, True)
    # 4:2:0 at full size: the upsampling decides (no fancy upsampling = Pillow's draft)
    assert not switch("", True, 1, True) and switch("INTEGER_ACCURATE", False, 1, True)


def test_frame_header_reports_the_chroma_subsampling():
    assert image_decode.jpeg_frame(JPEGS["420"]) == (37, 51, 3, True)
    assert image_decode.jpeg_frame(JPEGS["422"]).subsampled
    assert image_decode.jpeg_frame(JPEGS["444"]) == (37, 51, 3, False)
    assert image_decode.jpeg_frame(JPEGS["gray"]) == (37, 51, 1, False)


def test_other_inputs_go_to_the_full_path_and_its_errors(monkeypatch):
    data = JPEGS["420"]
    assert image_decode._decode_plain_jpeg(data[:40], 3, 1, True, "") is None  # truncated
    assert image_decode._decode_plain_jpeg(b"\x89PNG\r\n", 3, 1, True, "") is None
    monkeypatch.setattr(pil, "MAX_IMAGE_PIXELS", 100)  # a "bomb": Pillow's own check runs
    assert image_decode._decode_plain_jpeg(data, 3, 1, True, "") is None
    monkeypatch.undo()
    odd = data[:2] + b"\xff\xd0" + data[2:]  # a marker without a length before the frame
    assert image_decode.jpeg_frame(odd) is None
    with pytest.raises(ValueError, match="decode_jpeg.*not a decodable image"):
        image.decode_jpeg(b"\xff\xd8\xff\xe0junk", channels=3)
    with pytest.raises(ValueError, match="decode_jpeg.*channels must be 0, 1 or 3"):
        image.decode_jpeg(data, channels=4)
    with pytest.raises(TypeError, match="decode_jpeg.*encoded bytes"):
        image.decode_jpeg(3.5)


def test_decode_jpeg_also_decodes_png_as_tensorflow():
    buffer = io.BytesIO()
    pixels = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    pil.fromarray(pixels).save(buffer, format="PNG")
    assert torch.equal(image.decode_jpeg(buffer.getvalue()), torch.from_numpy(pixels))


def test_decode_image_of_a_jpeg_uses_the_default_settings():
    for name, data in JPEGS.items():
        want = image.decode_jpeg(data, channels=3)
        assert torch.equal(image.decode_image(data, channels=3), want), name
        floats = image.decode_image(data, channels=3, dtype="float32")
        assert torch.equal(floats, image.convert_image_dtype(want, "float32")), name
