"""Pillow-backed image decoding for ``tf.io.decode_*``: encoded bytes -> uint8
``(height, width, channels)`` with TensorFlow's pixels.

JPEG: TF decodes with libjpeg(-turbo), by default with its *fast* integer IDCT
(``dct_method=""`` means ``"INTEGER_FAST"``) and fancy (smooth) chroma upsampling. Pillow's
decoder is the same libjpeg-turbo with one switch, ``draft``, that turns on the fast IDCT and
turns off fancy upsampling together. :func:`fast_idct_switch` picks the setting that gives TF's
pixels; the only combinations it cannot reproduce are a chroma-subsampled image decoded at
full size (``ratio=1``) with fast IDCT *and* fancy upsampling (TF's default) or accurate IDCT
without it: those come within a few levels (compat/test_jpeg_decode.py records every case).
"""
from __future__ import annotations

import io as _io
from typing import Any, NamedTuple, Optional

import numpy as np
import torch

__all__ = ["JpegFrame", "check_channels", "decode_jpeg_pixels", "fast_idct_switch",
           "jpeg_frame", "open_image", "to_channels"]

DCT_METHODS = ("", "INTEGER_FAST", "INTEGER_ACCURATE")
RATIOS = (1, 2, 4, 8)
# SOFn markers (frame headers) carry the image size; C4 (DHT), C8 (JPG), CC (DAC) do not
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_MODES = {1: "L", 3: "RGB"}


class JpegFrame(NamedTuple):
    """A JPEG frame header: size, colour components, and whether chroma is subsampled."""
    height: int
    width: int
    components: int
    subsampled: bool


def open_image(contents: Any, owner: str) -> Any:
    """Encoded bytes -> a Pillow image (JPEGs not loaded yet: their decoder is configured
    first); a clear ``tf.io.<owner>`` error when the bytes are no image."""
    from PIL import Image  # Pillow: optional, only the decoders need it
    contents = _as_bytes(contents, owner)
    try:
        img = Image.open(_io.BytesIO(contents))
        img.load() if img.format != "JPEG" else None
    except Exception as error:  # Pillow raises several types
        raise ValueError(f"`tf.io.{owner}`: the contents are not a decodable image "
                         f"({error}).") from None
    return img


def _as_bytes(contents: Any, owner: str) -> bytes:
    if isinstance(contents, np.ndarray):
        contents = contents[()]
    if isinstance(contents, str):
        contents = contents.encode("latin-1")
    if not isinstance(contents, (bytes, np.bytes_)):
        raise TypeError(f"`tf.io.{owner}` expects the encoded bytes of an image (a scalar "
                        f"string), received {type(contents).__name__}.")
    return bytes(contents)


def check_channels(channels: Optional[int], owner: str) -> int:
    channels = 0 if channels is None else int(channels)
    if channels not in (0, 1, 2, 3, 4):
        raise ValueError(f"`tf.io.{owner}`: channels must be 0, 1, 2, 3 or 4, "
                         f"received channels={channels}.")
    return channels


def to_channels(img: Any, channels: int) -> np.ndarray:
    """Pillow image -> (height, width, channels) uint8, converting modes as libpng does."""
    if img.mode in ("P", "PA"):
        img = img.convert("RGBA" if "transparency" in img.info or img.mode == "PA" else "RGB")
    if img.mode in ("I;16", "I;16B", "I"):
        img = img.convert("L")
    array = np.array(img)  # a writable copy
    if array.ndim == 2:
        array = array[..., None]
    have = array.shape[-1]
    if channels in (0, have):
        return np.ascontiguousarray(array)
    if have in (1, 2):  # gray(+alpha) -> requested
        gray, alpha = array[..., :1], array[..., 1:2] if have == 2 else None
        if channels == 1:
            return np.ascontiguousarray(gray)
        rgb = np.repeat(gray, 3, -1)
        if channels == 3:
            return rgb
        alpha = alpha if alpha is not None else np.full_like(gray, 255)
        return np.concatenate([rgb, alpha], -1) if channels == 4 else \
            np.concatenate([gray, alpha], -1)
    rgb, alpha = array[..., :3], array[..., 3:4] if have == 4 else None
    if channels == 3:
        return np.ascontiguousarray(rgb)
    if channels == 4:
        return np.concatenate([rgb, np.full_like(rgb[..., :1], 255)], -1)
    # TF asks libpng for rgb_to_gray(0.299, 0.587): weights in 1/32768 (truncated), and
    # libpng truncates the weighted sum
    weights = np.array([9797, 19234, 3737], dtype=np.int64)
    gray = (rgb.astype(np.int64) * weights).sum(-1, keepdims=True) >> 15
    gray = gray.astype(np.uint8)
    if channels == 1:
        return gray
    return np.concatenate([gray, alpha if alpha is not None else np.full_like(gray, 255)], -1)


# ------------------------------------------------------------------ JPEG
def jpeg_frame(data: bytes) -> Optional[JpegFrame]:
    """The frame header of a JPEG, or None where the markers are not the plain layout (the
    caller then takes Pillow's full parser)."""
    if data[:3] != b"\xff\xd8\xff":
        return None
    at, end = 2, len(data) - 9
    while at < end:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in _SOF:
            count = data[at + 9]
            sampling = data[at + 11:at + 11 + 3 * count:3]  # one (h << 4 | v) per component
            if len(sampling) != count:
                return None
            return JpegFrame(int.from_bytes(data[at + 5:at + 7], "big"),
                             int.from_bytes(data[at + 7:at + 9], "big"), count,
                             len(set(sampling)) > 1)
        if marker in (0xDA, 0xFF, 0x01) or 0xD0 <= marker <= 0xD9:  # scan data before a
            return None  # frame, fill bytes, or a marker without a length: Pillow's parser
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    return None


def fast_idct_switch(dct_method: str, fancy_upscaling: bool, ratio: int,
                     upsamples_chroma: bool) -> bool:
    """Pillow's ``draft`` flag (libjpeg's fast IDCT, no fancy upsampling) that reproduces TF's
    ``decode_jpeg(dct_method, fancy_upscaling, ratio)``.

    Without chroma upsampling (gray, 4:4:4, or a scaled decode, where libjpeg-turbo scales the
    chroma IDCT instead) only the IDCT matters; at full size with subsampled chroma the
    upsampling differs more than the IDCT does, so it decides."""
    if upsamples_chroma and ratio == 1:
        return not fancy_upscaling
    return dct_method != "INTEGER_ACCURATE"


def check_jpeg_options(ratio: int, dct_method: str) -> None:
    """TF's own argument checks (its messages)."""
    if ratio not in RATIOS:
        raise ValueError(f"`tf.io.decode_jpeg`: ratio must be 1, 2, 4, or 8, got {ratio}.")
    if dct_method not in DCT_METHODS:
        raise ValueError("`tf.io.decode_jpeg`: dct_method must be one of {'', 'INTEGER_FAST', "
                         f"'INTEGER_ACCURATE'}}, received dct_method={dct_method!r}.")


def decode_jpeg_pixels(contents: Any, channels: int, ratio: int = 1,
                       fancy_upscaling: bool = True, dct_method: str = "",
                       owner: str = "decode_jpeg") -> torch.Tensor:
    """JPEG bytes -> uint8 ``(ceil(height / ratio), ceil(width / ratio), channels)``."""
    if channels in (2, 4):
        raise ValueError(f"`tf.io.{owner}`: channels must be 0, 1 or 3 for a JPEG, "
                         f"received channels={channels}.")
    fast = _decode_plain_jpeg(contents, channels, ratio, fancy_upscaling, dct_method)
    if fast is not None:
        return fast
    img = open_image(contents, owner)
    if img.format != "JPEG":  # TF's decode_jpeg decodes the other formats too
        img.load()
        return torch.from_numpy(to_channels(img, channels))
    return _decode_opened_jpeg(img, _as_bytes(contents, owner), channels, ratio,
                               fancy_upscaling, dct_method)


def _decode_plain_jpeg(contents: Any, channels: int, ratio: int, fancy_upscaling: bool,
                       dct_method: str) -> Optional[torch.Tensor]:
    """A baseline/progressive gray or YCbCr JPEG decoded by Pillow's libjpeg decoder without
    Pillow's Python marker parser (about half the per-image cost for small images); the same
    decoder as ``Image.open(...).load()``. None: take the full path (other layouts, errors and
    their messages)."""
    if not isinstance(contents, bytes):
        return None
    frame = jpeg_frame(contents)
    if frame is None or frame.components not in _JPEG_MODES or min(frame[:2]) == 0:
        return None
    from PIL import Image  # Pillow: optional, only the decoders need it
    if Image.MAX_IMAGE_PIXELS and frame.height * frame.width > Image.MAX_IMAGE_PIXELS:
        return None  # Image.open's decompression-bomb warning or error
    # channels=1 of a colour JPEG: libjpeg's own YCbCr -> gray (the Y plane), as TF
    mode = "L" if channels == 1 else _JPEG_MODES[frame.components]
    draft = fast_idct_switch(dct_method, fancy_upscaling, ratio,
                             frame.subsampled and mode != "L")
    size = (-(-frame.width // ratio), -(-frame.height // ratio))
    try:
        img = Image.frombytes(mode, size, contents, "jpeg", mode, "", ratio, int(draft))
    except Exception:  # Pillow raises several types; the full path reports them
        return None
    return torch.from_numpy(to_channels(img, channels))


def _decode_opened_jpeg(img: Any, contents: bytes, channels: int, ratio: int,
                        fancy_upscaling: bool, dct_method: str) -> torch.Tensor:
    """The full path (Pillow's parser read the header: unusual marker layouts, CMYK), then the
    same decoder call with the same settings as the fast path."""
    from PIL import Image  # Pillow: optional, only the decoders need it
    gray = channels == 1 and img.mode != "L"  # libjpeg's YCbCr -> gray (the Y plane), as TF
    mode, rawmode = ("L", "L") if gray else (img.mode, img.tile[0][3][0])
    upsamples = img.mode == "RGB" and not gray and len(
        {(h, v) for _, h, v, _ in img.layer}) > 1
    draft = fast_idct_switch(dct_method, fancy_upscaling, ratio, upsamples)
    size = (-(-img.size[0] // ratio), -(-img.size[1] // ratio))
    try:
        out = Image.frombytes(mode, size, contents, "jpeg", rawmode, "", ratio, int(draft))
    except Exception as error:  # Pillow raises several types
        raise ValueError(f"`tf.io.decode_jpeg`: the contents are not a decodable image "
                         f"({error}).") from None
    return torch.from_numpy(to_channels(out, channels))
