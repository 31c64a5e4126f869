"""``keras.ops.image``: resizing, padding/cropping, colour-space conversion, patches, blur
and edges, as Keras 3's torch backend computes them (keras/src/backend/torch/image.py).

Geometric ops (``affine_transform``, ``perspective_transform``, ``map_coordinates``,
``elastic_transform``, ``scale_and_translate``, ``extract_patches_3d``) and ``ssim`` live in
:mod:`torchkeras.ops.image_geometry`.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from torchkeras.backend import config
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.backend.dtypes import is_float_dtype, standardize_dtype
from torchkeras.ops.core import convert_to_tensor
from torchkeras.ops.image_geometry import (affine_transform, elastic_transform,
                                           extract_patches_3d, map_coordinates,
                                           perspective_transform, scale_and_translate, ssim)
from torchkeras.ops.nn import _same_pads

Tensor = torch.Tensor
_t = convert_to_tensor
_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def _format(data_format: Optional[str]) -> str:
    return data_format or config.image_data_format()


def _check_rank(images: Tensor) -> None:
    if images.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape="
                         f"{tuple(images.shape)}")


def _nchw(images: Tensor, data_format: str) -> Tuple[Tensor, bool]:
    """Images as a ``(batch, channels, height, width)`` batch; whether one was added."""
    single = images.ndim == 3
    x = images[None] if single else images
    return (x.permute(0, 3, 1, 2) if data_format == "channels_last" else x), single


def _back(x: Tensor, data_format: str, single: bool) -> Tensor:
    x = x.permute(0, 2, 3, 1) if data_format == "channels_last" else x
    return x[0] if single else x


def resize(images: Any, size: Sequence[int], interpolation: str = "bilinear",
           antialias: bool = False, crop_to_aspect_ratio: bool = False,
           pad_to_aspect_ratio: bool = False, fill_mode: str = "constant",
           fill_value: float = 0.0, data_format: Optional[str] = None) -> Tensor:
    """Images resized to ``size`` = (height, width)."""
    if interpolation in ("lanczos3", "lanczos5"):
        raise ValueError("Resizing with Lanczos interpolation is not supported by the PyTorch "
                         f"backend. Received: interpolation={interpolation}.")
    if interpolation not in _MODES:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{tuple(_MODES)}. Received: interpolation={interpolation}")
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is "
                         f"supported. Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be "
                         "`True`.")
    if len(size) != 2:
        raise ValueError("Argument `size` must be a tuple of two elements (height, width). "
                         f"Received: size={size}")
    data_format = _format(data_format)
    images = _t(images)
    _check_rank(images)
    out_dtype = images.dtype
    x, single = _nchw(images, data_format)
    if x.dtype not in (torch.float32, torch.float64):
        x = x.to(torch.float32)
    height, width = x.shape[-2:]
    th, tw = int(size[0]), int(size[1])
    if crop_to_aspect_ratio:
        ch = max(min(height, int(float(width * th) / tw)), 1)
        cw = max(min(width, int(float(height * tw) / th)), 1)
        top, left = int(float(height - ch) / 2), int(float(width - cw) / 2)
        x = x[:, :, top:top + ch, left:left + cw]
    elif pad_to_aspect_ratio:
        ph = max(height, int(float(width * th) / tw))
        pw = max(width, int(float(height * tw) / th))
        top, left = int(float(ph - height) / 2), int(float(pw - width) / 2)
        x = F.pad(x, (left, left, top, top), value=fill_value)
    antialias = antialias and interpolation in ("bilinear", "bicubic")
    align = False if interpolation in ("bilinear", "bicubic") else None
    out = F.interpolate(x, size=(th, tw), mode=_MODES[interpolation], align_corners=align,
                        antialias=antialias)  # (batch, channels, th, tw)
    if interpolation == "bicubic" and out_dtype == torch.uint8:
        out = out.clamp(0, 255)
    if out.dtype != out_dtype:
        if not out_dtype.is_floating_point:
            out = torch.round(out)
        out = out.to(out_dtype)
    return _back(out, data_format, single)


def rgb_to_grayscale(images: Any, data_format: Optional[str] = None) -> Tensor:
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` with one channel kept."""
    images = _t(images)
    _check_rank(images)
    axis = -3 if _format(data_format) == "channels_first" else -1
    if images.shape[axis] not in (1, 3):
        raise ValueError("Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received "
                         f"input with shape: images.shape={tuple(images.shape)}")
    if images.shape[axis] == 1:
        return images.clone()
    r, g, b = images.unbind(dim=axis)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(images.dtype).unsqueeze(axis)


def _float_images(images: Any) -> Tensor:
    images = _t(images)
    _check_rank(images)
    if not is_float_dtype(images.dtype):
        raise ValueError("Invalid images dtype: expected float dtype. Received: images.dtype="
                         f"{standardize_dtype(images.dtype)}")
    return images


def rgb_to_hsv(images: Any, data_format: Optional[str] = None) -> Tensor:
    """RGB in [0, 1] converted to HSV (hue in [0, 1))."""
    images = _float_images(images)
    axis = -1 if _format(data_format) == "channels_last" else -3
    images = torch.where(torch.abs(images) < torch.finfo(images.dtype).eps, 0.0, images)
    r, g, b = images.unbind(dim=axis)
    value = torch.maximum(torch.maximum(r, g), b)
    range_ = value - torch.minimum(torch.minimum(r, g), b)
    saturation = torch.where(value > 0, range_ / torch.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * torch.where(range_ > 0, range_, 1.0))
    hue = torch.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(range_ > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack((hue, saturation, value), dim=axis)


def hsv_to_rgb(images: Any, data_format: Optional[str] = None) -> Tensor:
    """HSV (hue in [0, 1)) converted to RGB."""
    images = _float_images(images)
    axis = -1 if _format(data_format) == "channels_last" else -3
    hue, saturation, value = images.unbind(dim=axis)
    dh = torch.remainder(hue, 1.0) * 6.0
    dr = torch.clip(torch.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = torch.clip(2.0 - torch.abs(dh - 2.0), 0.0, 1.0)
    db = torch.clip(2.0 - torch.abs(dh - 4.0), 0.0, 1.0)
    rest = 1.0 - saturation
    planes = [value * (rest + saturation * d) for d in (dr, dg, db)]
    return torch.stack(planes, dim=axis)


def _hw(images: Tensor, data_format: str) -> Tuple[int, int]:
    return (images.shape[-3], images.shape[-2]) if data_format == "channels_last" else \
        (images.shape[-2], images.shape[-1])


def _sides(kind: str, images: Any, data_format: Optional[str],
           height_sides: Tuple[Optional[int], Optional[int], Optional[int]],
           width_sides: Tuple[Optional[int], Optional[int], Optional[int]]
           ) -> Tuple[Tensor, str, List[Tuple[int, int]]]:
    """``pad_images``/``crop_images`` arguments checked: ``kind`` is "padding" or "cropping",
    each ``*_sides`` is (lo, hi, target) with exactly two given. Returns the images, the data
    format and per axis (height, width) the (lo, hi) padding or the (lo, target) cropping."""
    data_format = _format(data_format)
    images = _t(images)
    _check_rank(images)
    height, width = _hw(images, data_format)
    sides = []
    for (lo, hi, target), size, names in (
            (height_sides, height, (f"top_{kind}", f"bottom_{kind}", "target_height")),
            (width_sides, width, (f"left_{kind}", f"right_{kind}", "target_width"))):
        if [lo, hi, target].count(None) != 1:
            raise ValueError(f"Must specify exactly two of {names[0]}, {names[1]}, {names[2]}. "
                             f"Received: {names[0]}={lo}, {names[1]}={hi}, {names[2]}={target}")
        if kind == "cropping":
            lo = size - target - hi if lo is None else lo
            second, second_name = (size - hi - lo if target is None else target), names[2]
        else:
            lo = target - hi - size if lo is None else lo
            second, second_name = (target - lo - size if hi is None else hi), names[1]
        for name, value in ((names[0], lo), (second_name, second)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
        sides.append((int(lo), int(second)))
    return images, data_format, sides


def pad_images(images: Any, top_padding: Optional[int] = None,
               left_padding: Optional[int] = None, bottom_padding: Optional[int] = None,
               right_padding: Optional[int] = None, target_height: Optional[int] = None,
               target_width: Optional[int] = None, data_format: Optional[str] = None) -> Tensor:
    """Images zero-padded on each side (two of top/bottom/target_height given, the same for
    left/right/target_width)."""
    images, data_format, ((top, bottom), (left, right)) = _sides(
        "padding", images, data_format, (top_padding, bottom_padding, target_height),
        (left_padding, right_padding, target_width))
    flat = [0, 0, left, right, top, bottom] if data_format == "channels_last" else \
        [left, right, top, bottom]
    return F.pad(images, flat)


def crop_images(images: Any, top_cropping: Optional[int] = None,
                left_cropping: Optional[int] = None, bottom_cropping: Optional[int] = None,
                right_cropping: Optional[int] = None, target_height: Optional[int] = None,
                target_width: Optional[int] = None, data_format: Optional[str] = None) -> Tensor:
    """Images cropped on each side (two of top/bottom/target_height given, the same for
    left/right/target_width)."""
    images, data_format, sides = _sides(
        "cropping", images, data_format, (top_cropping, bottom_cropping, target_height),
        (left_cropping, right_cropping, target_width))
    box = [slice(lo, lo + target) for lo, target in sides]
    index = (..., box[0], box[1], slice(None)) if data_format == "channels_last" else \
        (..., box[0], box[1])
    return images[index]


def extract_patches(images: Any, size: Union[int, Sequence[int]],
                    strides: Optional[Union[int, Sequence[int]]] = None,
                    dilation_rate: int = 1, padding: str = "valid",
                    data_format: Optional[str] = None) -> Tensor:
    """2-D patches of ``size`` flattened into the channel axis: ``(..., out_h, out_w,
    size_h * size_w * channels)`` (channels last), in (row, column, channel) order."""
    if not isinstance(size, int) and len(size) == 3:  # Keras 3: 3-D patches of volumes
        return extract_patches_3d(images, size, strides, dilation_rate, padding, data_format)
    data_format = _format(data_format)
    images = _t(images)
    _check_rank(images)
    kh, kw = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
    strides = (kh, kw) if strides is None else (
        (strides, strides) if isinstance(strides, int) else tuple(strides))
    dilation = (dilation_rate, dilation_rate) if isinstance(dilation_rate, int) \
        else tuple(dilation_rate)
    x, single = _nchw(images, data_format)
    if padding.lower() == "same":
        x = F.pad(x, _same_pads(x.shape[2:], (kh, kw), strides, dilation))
    batch, channels = x.shape[:2]
    cols = F.unfold(x, (kh, kw), dilation=dilation, stride=strides)  # (b, c*kh*kw, L)
    out_h = (x.shape[2] - dilation[0] * (kh - 1) - 1) // strides[0] + 1
    out_w = (x.shape[3] - dilation[1] * (kw - 1) - 1) // strides[1] + 1
    cols = cols.reshape(batch, channels, kh * kw, out_h, out_w)
    cols = cols.permute(0, 2, 1, 3, 4).reshape(batch, kh * kw * channels, out_h, out_w)
    return _back(cols, data_format, single)


def gaussian_blur(images: Any, kernel_size: Sequence[int] = (3, 3),
                  sigma: Sequence[float] = (1.0, 1.0), data_format: Optional[str] = None
                  ) -> Tensor:
    """Images convolved with a normalised Gaussian kernel, per channel."""
    data_format = _format(data_format)
    images = _t(images)
    _check_rank(images)
    x, single = _nchw(images, data_format)
    ks = [int(k) for k in kernel_size]
    sigma = _t(sigma, x.dtype)

    def kernel1d(n: int, s: Tensor) -> Tensor:
        pos = torch.arange(n, dtype=x.dtype, device=x.device) - (n - 1) / 2
        k = torch.exp(-0.5 * (pos / s) ** 2)
        return k / torch.sum(k)
    kernel = torch.outer(kernel1d(ks[1], sigma[1]), kernel1d(ks[0], sigma[0]))
    channels = x.shape[1]
    kernel = kernel.view(1, 1, ks[0], ks[1]).expand(channels, 1, ks[0], ks[1])
    out = F.conv2d(x, kernel, padding=ks[0] // 2, groups=channels)
    return _back(out, data_format, single)


def sobel_edges(images: Any, data_format: Optional[str] = None) -> Tensor:
    """Sobel gradients ``(..., 2)``: (dy, dx) per pixel and channel."""
    data_format = _format(data_format)
    images = _t(images)
    x = images.permute(0, 3, 1, 2) if data_format == "channels_last" else images
    channels = x.shape[1]
    sx = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=x.dtype, device=x.device)
    kx = sx.view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    ky = sx.T.contiguous().view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    edges = torch.stack([F.conv2d(x, ky, padding=1, groups=channels),
                         F.conv2d(x, kx, padding=1, groups=channels)], dim=-1)
    return edges.permute(0, 2, 3, 1, 4) if data_format == "channels_last" else edges


__all__ = ["affine_transform", "crop_images", "elastic_transform", "extract_patches",
           "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
           "perspective_transform", "resize", "rgb_to_grayscale", "rgb_to_hsv",
           "scale_and_translate", "sobel_edges", "ssim"]

__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
