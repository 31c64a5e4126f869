"""``tf.image``: decode, resize, crop, flip, colour and dtype conversions on channels_last
torch tensors ``(height, width, channels)`` or ``(batch, height, width, channels)``, with
TensorFlow's arithmetic (compat/test_tf_functions.py)."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.backend import config
from torchkeras.layers import image_ops
from torchkeras.tfops import image_decode

__all__ = ["ResizeMethod", "adjust_brightness", "adjust_contrast", "central_crop",
           "convert_image_dtype", "crop_to_bounding_box", "decode_image", "decode_jpeg",
           "decode_png", "flip_left_right", "flip_up_down", "grayscale_to_rgb",
           "pad_to_bounding_box", "per_image_standardization", "random_brightness",
           "random_contrast", "random_crop", "random_flip_left_right", "random_flip_up_down",
           "resize", "resize_with_crop_or_pad", "resize_with_pad", "rgb_to_grayscale", "rot90",
           "transpose"]


class ResizeMethod:
    """``tf.image.ResizeMethod`` names."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


# ------------------------------------------------------------------ helpers
def _tensor(image: Any, owner: str) -> torch.Tensor:
    if isinstance(image, torch.Tensor):
        return image
    array = np.asarray(image)
    if array.dtype.kind in "USO":
        raise TypeError(f"`tf.image.{owner}` expects a numeric image tensor, received an array "
                        f"of strings (dtype {array.dtype}); decode it first "
                        "(`tf.io.decode_image`).")
    return torch.from_numpy(np.ascontiguousarray(array))


def _batched(image: Any, owner: str) -> Tuple[torch.Tensor, bool]:
    """(batch, height, width, channels) and whether a batch axis was added."""
    x = _tensor(image, owner)
    if x.dim() not in (3, 4):
        raise ValueError(f"`tf.image.{owner}`: 'image' must have either 3 or 4 dimensions, "
                         f"received shape {tuple(x.shape)}.")
    return (x, False) if x.dim() == 4 else (x[None], True)


def _unbatch(x: torch.Tensor, added: bool) -> torch.Tensor:
    return x[0] if added else x


def _dtype(dtype: Any) -> torch.dtype:
    return config.torch_dtype(dtype)


def _max(dtype: torch.dtype) -> int:
    return torch.iinfo(dtype).max


def _generator(seed: Optional[int]) -> Optional[torch.Generator]:
    if seed is None:
        return None
    return torch.Generator().manual_seed(int(seed))


# ------------------------------------------------------------------ dtype
def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False,
                        name: Optional[str] = None) -> torch.Tensor:
    """Integers span ``[0, MAX]``, floats ``[0, 1)``: scale between them as TF does."""
    x = _tensor(image, "convert_image_dtype")
    target = _dtype(dtype)
    if x.dtype == target:
        return x
    src_float, dst_float = x.dtype.is_floating_point, target.is_floating_point
    if not src_float and not dst_float:
        src_max, dst_max = _max(x.dtype), _max(target)
        if src_max > dst_max:  # scale down: integer division
            return torch.div(x, (src_max + 1) // (dst_max + 1),
                             rounding_mode="floor").to(target)
        return x.to(target) * ((dst_max + 1) // (src_max + 1))
    if src_float and dst_float:
        return x.to(target)
    if not src_float:  # int -> float: cast, then multiply by 1 / MAX
        return x.to(target) * torch.tensor(1.0 / _max(x.dtype), dtype=target)
    # float -> int: multiply by MAX + 0.5, then cast (truncating)
    scaled = x * (_max(target) + 0.5)
    if saturate:
        info = torch.iinfo(target)
        scaled = scaled.clamp(info.min, info.max)
    return scaled.to(target)


# ------------------------------------------------------------------ decode
def decode_jpeg(contents: Any, channels: int = 0, ratio: int = 1, fancy_upscaling: bool = True,
                try_recover_truncated: bool = False, acceptable_fraction: float = 1,
                dct_method: str = "", name: Optional[str] = None) -> torch.Tensor:
    """JPEG bytes -> uint8 ``(height / ratio, width / ratio, channels)`` with TF's pixels
    (its default fast integer IDCT; see torchkeras/tfops/image_decode.py for the one case
    that comes within a few levels instead of exactly).

    >>> tf.io.decode_jpeg(tf.io.read_file("cat.jpg"), channels=3)  # (h, w, 3) uint8
    """
    channels = image_decode.check_channels(channels, "decode_jpeg")
    ratio, dct_method = int(ratio), getattr(dct_method, "decode", lambda: dct_method)()
    image_decode.check_jpeg_options(ratio, dct_method)
    return image_decode.decode_jpeg_pixels(contents, channels, ratio, bool(fancy_upscaling),
                                           dct_method)


def decode_png(contents: Any, channels: int = 0, dtype: Any = "uint8",
               name: Optional[str] = None) -> torch.Tensor:
    """PNG bytes -> ``(height, width, channels)`` uint8 (or uint16 scaled as TF)."""
    channels = image_decode.check_channels(channels, "decode_png")
    array = torch.from_numpy(image_decode.to_channels(
        image_decode.open_image(contents, "decode_png"), channels))
    target = _dtype(dtype)
    return array if target == torch.uint8 else convert_image_dtype(array, target)


def decode_image(contents: Any, channels: Optional[int] = None, dtype: Any = "uint8",
                 name: Optional[str] = None, expand_animations: bool = True) -> torch.Tensor:
    """JPEG/PNG/GIF/BMP bytes -> ``(height, width, channels)`` of ``dtype`` (floats in
    ``[0, 1)`` as ``convert_image_dtype``); animated GIFs give ``(frames, h, w, 3)``."""
    channels = image_decode.check_channels(channels, "decode_image")
    if isinstance(contents, bytes) and image_decode.jpeg_frame(contents) is not None:
        return convert_image_dtype(image_decode.decode_jpeg_pixels(
            contents, channels, owner="decode_image"), dtype)
    img = image_decode.open_image(contents, "decode_image")
    if img.format == "JPEG":
        array = image_decode.decode_jpeg_pixels(contents, channels, owner="decode_image")
    elif img.format == "GIF" and expand_animations and getattr(img, "n_frames", 1) > 1:
        frames = []
        for index in range(img.n_frames):
            img.seek(index)
            frames.append(image_decode.to_channels(img.convert("RGB"), 3))
        array = torch.from_numpy(np.stack(frames))
    else:
        array = torch.from_numpy(image_decode.to_channels(img, channels))
    return convert_image_dtype(array, dtype)


# ------------------------------------------------------------------ resize
def _resize4(x: torch.Tensor, size: Tuple[int, int], method: str,
             antialias: bool) -> torch.Tensor:
    """(batch, H, W, C) -> (batch, h, w, C) float32 (``nearest`` keeps the dtype)."""
    if method == "nearest":
        if x.dtype.is_floating_point:
            return image_ops.resize_images(x, size, "nearest")
        return image_ops.resize_images(x.float(), size, "nearest").to(x.dtype)
    return image_ops.resize_images(x.float(), size, method, antialias)


def _check_size(size: Any, owner: str) -> Tuple[int, int]:
    size = [int(v) for v in (size.tolist() if hasattr(size, "tolist") else size)]
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(f"`tf.image.{owner}`: 'size' must be a 1-D tensor of 2 positive "
                         f"elements: new_height, new_width; received size={size}.")
    return size[0], size[1]


def resize(images: Any, size: Sequence[int], method: str = "bilinear",
           preserve_aspect_ratio: bool = False, antialias: bool = False,
           name: Optional[str] = None) -> torch.Tensor:
    """``tf.image.resize``: float32 result (the input dtype for ``nearest``)."""
    method = getattr(method, "value", method)
    image_ops.check_interpolation(method, "tf.image.resize")
    x, added = _batched(images, "resize")
    height, width = _check_size(size, "resize")
    if preserve_aspect_ratio:
        in_h, in_w = np.float32(x.shape[1]), np.float32(x.shape[2])
        factor = min(np.float32(height) / in_h, np.float32(width) / in_w)
        height = int(np.round(np.float32(factor * in_h)))
        width = int(np.round(np.float32(factor * in_w)))
    return _unbatch(_resize4(x, (height, width), method, antialias), added)


def crop_to_bounding_box(image: Any, offset_height: int, offset_width: int, target_height: int,
                         target_width: int) -> torch.Tensor:
    x, added = _batched(image, "crop_to_bounding_box")
    if offset_height + target_height > x.shape[1] or offset_width + target_width > x.shape[2]:
        raise ValueError("`tf.image.crop_to_bounding_box`: the box "
                         f"({offset_height}, {offset_width}, {target_height}, {target_width}) "
                         f"goes past the image of shape {tuple(x.shape[1:3])}.")
    crop = x[:, offset_height:offset_height + target_height,
             offset_width:offset_width + target_width]
    return _unbatch(crop, added)


def pad_to_bounding_box(image: Any, offset_height: int, offset_width: int, target_height: int,
                        target_width: int) -> torch.Tensor:
    x, added = _batched(image, "pad_to_bounding_box")
    bottom = target_height - offset_height - x.shape[1]
    right = target_width - offset_width - x.shape[2]
    if min(offset_height, offset_width, bottom, right) < 0:
        raise ValueError("`tf.image.pad_to_bounding_box`: target size "
                         f"({target_height}, {target_width}) with offsets ({offset_height}, "
                         f"{offset_width}) does not hold the image of shape "
                         f"{tuple(x.shape[1:3])}.")
    # F.pad pads from the last dim: (C, C, W, W, H, H)
    padded = torch.nn.functional.pad(x, (0, 0, offset_width, right, offset_height, bottom))
    return _unbatch(padded, added)


def resize_with_pad(image: Any, target_height: int, target_width: int,
                    method: str = "bilinear", antialias: bool = False) -> torch.Tensor:
    """Resize keeping the aspect ratio, then pad (centred) with zeros."""
    x, added = _batched(image, "resize_with_pad")
    height, width = np.float32(x.shape[1]), np.float32(x.shape[2])
    ratio = max(width / np.float32(target_width), height / np.float32(target_height))
    new_h, new_w = np.float32(height / ratio), np.float32(width / ratio)
    pad_h = max(0, int(math.floor((np.float32(target_height) - new_h) / np.float32(2))))
    pad_w = max(0, int(math.floor((np.float32(target_width) - new_w) / np.float32(2))))
    resized = _resize4(x, (int(math.floor(new_h)), int(math.floor(new_w))),
                       getattr(method, "value", method), antialias)
    return _unbatch(pad_to_bounding_box(resized, pad_h, pad_w, target_height, target_width),
                    added)


def resize_with_crop_or_pad(image: Any, target_height: int, target_width: int) -> torch.Tensor:
    """Centre-crop or zero-pad to the target size."""
    x, added = _batched(image, "resize_with_crop_or_pad")
    height, width = x.shape[1], x.shape[2]
    crop_h, crop_w = max((height - target_height) // 2, 0), max((width - target_width) // 2, 0)
    pad_h, pad_w = max((target_height - height) // 2, 0), max((target_width - width) // 2, 0)
    cropped = crop_to_bounding_box(x, crop_h, crop_w, min(target_height, height),
                                   min(target_width, width))
    return _unbatch(pad_to_bounding_box(cropped, pad_h, pad_w, target_height, target_width),
                    added)


def central_crop(image: Any, central_fraction: float) -> torch.Tensor:
    """The central ``central_fraction`` of each side (TF's rounding of the offsets)."""
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    x, added = _batched(image, "central_crop")
    if central_fraction == 1.0:
        return _unbatch(x, added)
    height, width = x.shape[1], x.shape[2]
    top = int((float(height) - float(height) * central_fraction) / 2)
    left = int((float(width) - float(width) * central_fraction) / 2)
    return _unbatch(x[:, top:height - top, left:width - left], added)


def random_crop(value: Any, size: Sequence[int], seed: Optional[int] = None,
                name: Optional[str] = None) -> torch.Tensor:
    """A crop of shape ``size`` at a uniformly random offset (any rank)."""
    x = _tensor(value, "random_crop")
    size = [int(v) for v in size]
    if len(size) != x.dim() or any(s > d for s, d in zip(size, x.shape)):
        raise ValueError(f"`tf.image.random_crop`: need value.shape >= size, received "
                         f"value.shape={tuple(x.shape)}, size={size}.")
    gen = _generator(seed)
    index = tuple(slice(o, o + s) for o, s in zip(
        (int(torch.randint(0, d - s + 1, (), generator=gen)) for d, s in zip(x.shape, size)),
        size))
    return x[index]


# ------------------------------------------------------------------ flips
def flip_left_right(image: Any) -> torch.Tensor:
    return torch.flip(_tensor(image, "flip_left_right"), dims=[-2])


def flip_up_down(image: Any) -> torch.Tensor:
    return torch.flip(_tensor(image, "flip_up_down"), dims=[-3])


def transpose(image: Any, name: Optional[str] = None) -> torch.Tensor:
    return _tensor(image, "transpose").transpose(-3, -2)


def rot90(image: Any, k: int = 1, name: Optional[str] = None) -> torch.Tensor:
    """Counter-clockwise by ``k`` quarter turns."""
    return torch.rot90(_tensor(image, "rot90"), int(k), dims=[-3, -2])


def _random_flip(image: Any, axis: int, seed: Optional[int], owner: str) -> torch.Tensor:
    if isinstance(image, torch.Tensor) and image.dim() == 3:  # one image: the usual case
        flip = torch.rand((1,), generator=_generator(seed)) < 0.5  # its coin, as below
        return torch.flip(image, dims=[axis - 1]) if bool(flip) else image
    x, added = _batched(image, owner)
    flip = torch.rand((x.shape[0],), generator=_generator(seed)) < 0.5  # one coin per image
    if added:  # one image (the usual case inside map): flip it or not
        return torch.flip(x[0], dims=[axis - 1]) if bool(flip[0]) else x[0]
    return torch.where(flip[:, None, None, None], torch.flip(x, dims=[axis]), x)


def random_flip_left_right(image: Any, seed: Optional[int] = None) -> torch.Tensor:
    return _random_flip(image, 2, seed, "random_flip_left_right")


def random_flip_up_down(image: Any, seed: Optional[int] = None) -> torch.Tensor:
    return _random_flip(image, 1, seed, "random_flip_up_down")


# ------------------------------------------------------------------ colour
def rgb_to_grayscale(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """Weights (0.2989, 0.5870, 0.1140) in float32, converted back to the input dtype."""
    x = _tensor(images, "rgb_to_grayscale")
    flt = convert_image_dtype(x, "float32")
    weights = torch.tensor([0.2989, 0.5870, 0.1140], dtype=torch.float32)
    gray = torch.tensordot(flt, weights, dims=([-1], [0]))[..., None]  # (..., h, w, 1)
    return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images: Any, name: Optional[str] = None) -> torch.Tensor:
    x = _tensor(images, "grayscale_to_rgb")
    if x.shape[-1] != 1:
        raise ValueError("`tf.image.grayscale_to_rgb`: the last dimension must be 1, "
                         f"received shape {tuple(x.shape)}.")
    return x.repeat_interleave(3, dim=-1)


def per_image_standardization(image: Any) -> torch.Tensor:
    """``(x - mean) / max(std, 1/sqrt(num_pixels))`` per image, float32."""
    x = _tensor(image, "per_image_standardization")
    x = x if x.dtype.is_floating_point else x.float()
    dims = [-1, -2, -3]
    num = x.shape[-1] * x.shape[-2] * x.shape[-3]
    mean = x.mean(dim=dims, keepdim=True)
    std = ((x - mean) ** 2).mean(dim=dims, keepdim=True).sqrt()
    return (x - mean) / torch.maximum(std, torch.tensor(1.0 / math.sqrt(num), dtype=x.dtype))


def adjust_brightness(image: Any, delta: float) -> torch.Tensor:
    """Add ``delta`` in float space; integer images are converted back with saturation."""
    x = _tensor(image, "adjust_brightness")
    if x.dtype == torch.float32:  # the usual case (after a resize): no conversions
        return x + float(delta)
    flt = convert_image_dtype(x, "float32")
    return convert_image_dtype(flt + float(delta), x.dtype, saturate=True)


def adjust_contrast(images: Any, contrast_factor: float) -> torch.Tensor:
    """``(x - mean) * factor + mean`` per channel of each image."""
    x = _tensor(images, "adjust_contrast")
    flt = convert_image_dtype(x, "float32")
    mean = flt.mean(dim=[-3, -2], keepdim=True)  # (..., 1, 1, channels)
    return convert_image_dtype((flt - mean) * float(contrast_factor) + mean, x.dtype,
                               saturate=True)


def random_brightness(image: Any, max_delta: float, seed: Optional[int] = None) -> torch.Tensor:
    if max_delta < 0:
        raise ValueError(f"`tf.image.random_brightness`: max_delta must be non-negative, "
                         f"received max_delta={max_delta}.")
    delta = float(torch.empty(()).uniform_(-max_delta, max_delta, generator=_generator(seed)))
    return adjust_brightness(image, delta)


def random_contrast(image: Any, lower: float, upper: float,
                    seed: Optional[int] = None) -> torch.Tensor:
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = float(torch.empty(()).uniform_(lower, upper, generator=_generator(seed)))
    return adjust_contrast(image, factor)
