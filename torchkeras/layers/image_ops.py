"""Image arithmetic shared by the image preprocessing layers (channels_last tensors):
TensorFlow's resize (half-pixel centers; its ScaleAndTranslate kernels for ``antialias`` and
lanczos/gaussian/mitchellcubic), ``smart_resize`` cropping and ``ImageProjectiveTransformV3``
(affine warps with TF's fill modes)."""
from __future__ import annotations

import math
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

__all__: list = []  # helpers only: no layers to export

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                  "gaussian", "mitchellcubic")
FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def check_interpolation(interpolation: str, owner: str) -> str:
    if interpolation not in INTERPOLATIONS:
        raise NotImplementedError(
            f"Value not recognized for `interpolation`: {interpolation}. Supported values "
            f"are: {list(INTERPOLATIONS)}")
    return interpolation


def _cubic_weights(distance: torch.Tensor, a: float = -0.5) -> torch.Tensor:
    """Keys' cubic kernel (TensorFlow uses a = -0.5; torch's bicubic a = -0.75)."""
    d = distance.abs()
    near = ((a + 2) * d - (a + 3)) * d * d + 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return torch.where(d <= 1, near, torch.where(d < 2, far, torch.zeros_like(d)))


def _resize_matrix(in_size: int, out_size: int, method: str,
                   device: torch.device) -> torch.Tensor:
    """(out_size, in_size) weights of TF's 1-D resize along one axis."""
    scale = in_size / out_size
    out_index = torch.arange(out_size, dtype=torch.float64, device=device)
    matrix = torch.zeros((out_size, in_size), dtype=torch.float64, device=device)
    if method == "area":
        # Each output pixel averages the input span [i*scale, (i+1)*scale).
        start, end = out_index * scale, (out_index + 1) * scale
        pixel = torch.arange(in_size, dtype=torch.float64, device=device)
        overlap = (torch.minimum(end[:, None], pixel[None, :] + 1)
                   - torch.maximum(start[:, None], pixel[None, :])).clamp(min=0)
        return overlap / scale
    center = (out_index + 0.5) * scale - 0.5  # half-pixel centers
    floor = torch.floor(center)
    rows = torch.arange(out_size, device=device)
    if method == "bicubic":
        # TF's ResizeBicubic: Keys a=-0.5 read from a 1024-entry table (delta rounded to
        # 1/1024); out-of-range taps get weight 0 and the rest are renormalised.
        center32 = (out_index.float() + 0.5) * float(in_size / out_size) - 0.5
        floor = torch.floor(center32).double()
        delta = torch.round((center32.double() - floor) * 1024) / 1024
        taps = [floor + k for k in (-1, 0, 1, 2)]
        weights = [_cubic_weights(d) for d in (1 + delta, delta, 1 - delta, 2 - delta)]
        inside = [((t >= 0) & (t <= in_size - 1)).double() for t in taps]
        weights = [w * m for w, m in zip(weights, inside)]
        total = sum(weights)
        for tap, weight in zip(taps, weights):
            index = tap.clamp(0, in_size - 1).long()
            matrix.index_put_((rows, index), weight / total, accumulate=True)
        return matrix
    lower = floor.clamp(min=0)
    upper = torch.minimum(torch.ceil(center), torch.tensor(float(in_size - 1)))
    lerp = center - floor
    matrix.index_put_((rows, lower.long()), 1 - lerp, accumulate=True)
    matrix.index_put_((rows, upper.long()), lerp, accumulate=True)
    return matrix


# TF's ScaleAndTranslate kernels (sampling_kernels.h): name -> (radius, kernel of |x|)
def _lanczos(radius: float):
    def kernel(x: torch.Tensor) -> torch.Tensor:
        pi = 3.14159265359  # TF's constant
        safe = torch.where(x <= 1e-3, torch.ones_like(x), x)
        y = radius * torch.sin(pi * safe) * torch.sin(pi * safe / radius) / (pi * pi * safe * safe)
        return torch.where(x > radius, torch.zeros_like(x), torch.where(x <= 1e-3,
                                                                        torch.ones_like(x), y))
    return kernel


def _gaussian(x: torch.Tensor) -> torch.Tensor:
    radius, sigma = 1.5, 0.5  # TF: sigma = radius / 3
    return torch.where(x >= radius, torch.zeros_like(x), torch.exp(-x * x / (2 * sigma * sigma)))


def _mitchell_cubic(x: torch.Tensor) -> torch.Tensor:
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    near = (((7.0 / 6.0) * x - 2.0) * x) * x + 8.0 / 9.0
    return torch.where(x >= 2, torch.zeros_like(x), torch.where(x >= 1, far, near))


_SCALE_TRANSLATE_KERNELS = {
    "bilinear": (1.0, lambda x: (1 - x).clamp(min=0)),  # TF's "triangle"
    "bicubic": (2.0, _cubic_weights),  # "keyscubic", a = -0.5
    "lanczos3": (3.0, _lanczos(3.0)), "lanczos5": (5.0, _lanczos(5.0)),
    "gaussian": (1.5, _gaussian), "mitchellcubic": (2.0, _mitchell_cubic)}
SCALE_TRANSLATE_METHODS = ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def scale_translate_matrix(in_size: int, out_size: int, method: str,
                           antialias: bool) -> torch.Tensor:
    """(out, in) weights of TF's ScaleAndTranslate (no translation), in its float32 arithmetic:
    output ``x`` samples input ``(x + 0.5) / scale``; with ``antialias`` the kernel widens by
    ``1 / scale`` when shrinking; weights are renormalised over the taps inside the image."""
    radius, kernel = _SCALE_TRANSLATE_KERNELS[method]
    f32 = np.float32
    inv_scale = f32(1.0 / (f32(out_size) / f32(in_size)))
    kernel_scale = max(inv_scale, f32(1.0)) if antialias else f32(1.0)
    reach = f32(radius) * kernel_scale
    matrix = torch.zeros((out_size, in_size), dtype=torch.float32)
    for x in range(out_size):
        sample = f32(x + 0.5) * inv_scale
        if sample < 0 or sample > in_size:
            continue
        start = min(max(0, math.ceil(sample - reach - f32(0.5))), in_size - 1)
        end = min(max(0, math.floor(sample + reach - f32(0.5))), in_size - 1) + 1
        positions = np.arange(start, end, dtype=np.float32) + f32(0.5) - sample
        distance = torch.from_numpy(np.abs(positions * (f32(1.0) / kernel_scale)))
        weights = kernel(distance.double()).float()  # TF's kernels compute in double
        total = float(weights.sum())
        if abs(total) >= 1000 * np.finfo(np.float32).tiny:
            weights = weights * f32(1.0 / total)
        matrix[x, start:end] = weights
    return matrix


def resize_images(images: torch.Tensor, size: Sequence[int], interpolation: str,
                  antialias: bool = False) -> torch.Tensor:
    """``tf.image.resize(images, size, method, antialias)`` for (batch, height, width,
    channels): bilinear/bicubic with ``antialias`` and the lanczos/gaussian/mitchellcubic
    methods go through TF's ScaleAndTranslate weights."""
    height, width = int(size[0]), int(size[1])
    in_h, in_w = images.shape[-3], images.shape[-2]
    if interpolation in SCALE_TRANSLATE_METHODS or (
            antialias and interpolation in ("bilinear", "bicubic")):
        rows = scale_translate_matrix(in_h, height, interpolation, antialias)
        cols = scale_translate_matrix(in_w, width, interpolation, antialias)
        rows, cols = rows.to(images.device), cols.to(images.device)
        # (batch, H, W, C) -> (batch, h, w, C)
        return torch.einsum("hH,bHWc,wW->bhwc", rows, images.float(), cols)
    if interpolation == "nearest":
        nchw = images.permute(0, 3, 1, 2)  # (batch, channels, height, width)
        out = F.interpolate(nchw, size=(height, width), mode="nearest-exact")
        return out.permute(0, 2, 3, 1)
    if interpolation == "bilinear":
        nchw = images.float().permute(0, 3, 1, 2)
        out = F.interpolate(nchw, size=(height, width), mode="bilinear", align_corners=False)
        return out.permute(0, 2, 3, 1)
    rows = _resize_matrix(in_h, height, interpolation, images.device).to(torch.float32)
    cols = _resize_matrix(in_w, width, interpolation, images.device).to(torch.float32)
    # (batch, H, W, C) -> (batch, h, w, C)
    return torch.einsum("hH,bHWc,wW->bhwc", rows, images.float(), cols)


def crop_box(height: int, width: int, target_h: int, target_w: int) -> Tuple[int, int, int, int]:
    """Keras's ``smart_resize`` centred crop: (top, left, crop_height, crop_width)."""
    crop_h = min(height, int(float(width * target_h) / target_w))
    crop_w = min(width, int(float(height * target_w) / target_h))
    return int((height - crop_h) / 2), int((width - crop_w) / 2), crop_h, crop_w


def smart_resize(images: torch.Tensor, size: Sequence[int], interpolation: str = "bilinear",
                 antialias: bool = False) -> torch.Tensor:
    """Crop to the target aspect ratio (centred), then resize (Keras's ``smart_resize``)."""
    top, left, crop_h, crop_w = crop_box(images.shape[-3], images.shape[-2], size[0], size[1])
    cropped = images[:, top:top + crop_h, left:left + crop_w, :]
    return resize_images(cropped, size, interpolation, antialias)


def pad_to_aspect(images: torch.Tensor, size: Sequence[int], fill_value: float) -> torch.Tensor:
    """Pad (centred) to the target aspect ratio with ``fill_value`` (Keras 3's Resizing)."""
    height, width = images.shape[-3], images.shape[-2]
    pad_h = max(height, int(float(width * size[0]) / size[1]))
    pad_w = max(width, int(float(height * size[1]) / size[0]))
    top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
    # F.pad pads from the last dim: (C, C, W, W, H, H)
    return F.pad(images, (0, 0, left, pad_w - width - left, top, pad_h - height - top),
                 value=float(fill_value))


def _map_coordinates(coord: torch.Tensor, length: int, fill_mode: str) -> torch.Tensor:
    """TensorFlow's ``MapCoordinate`` for one axis (input coordinates, float)."""
    if fill_mode == "constant":
        return coord
    if fill_mode == "nearest" or length <= 1:
        return coord.clamp(0, length - 1)
    if fill_mode == "reflect":
        sz2 = 2 * length
        neg = torch.trunc(-coord / sz2) * sz2 + coord
        neg = torch.where(neg < -length, neg + sz2, -neg - 1)
        pos = coord - sz2 * torch.trunc(coord / sz2)
        pos = torch.where(pos >= length, sz2 - pos - 1, pos)
    else:  # wrap
        sz = length - 1
        neg = coord + length * (torch.trunc(-coord / sz) + 1)
        pos = coord - length * torch.trunc(coord / sz)
    mapped = torch.where(coord < 0, neg, torch.where(coord > length - 1, pos, coord))
    return mapped.clamp(0, length - 1)


def projective_transform(images: torch.Tensor, transforms: torch.Tensor,
                         interpolation: str = "bilinear", fill_mode: str = "reflect",
                         fill_value: float = 0.0) -> torch.Tensor:
    """``ImageProjectiveTransformV3``: output pixel (x, y) reads the input at
    ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``."""
    batch, height, width, channels = images.shape
    t = transforms.to(device=images.device, dtype=torch.float32)  # (batch, 8)
    ys = torch.arange(height, device=images.device, dtype=torch.float32)
    xs = torch.arange(width, device=images.device, dtype=torch.float32)
    y, x = torch.meshgrid(ys, xs, indexing="ij")  # (height, width)
    a = [t[:, i, None, None] for i in range(8)]
    k = a[6] * x + a[7] * y + 1.0
    in_x = _map_coordinates((a[0] * x + a[1] * y + a[2]) / k, width, fill_mode)
    in_y = _map_coordinates((a[3] * x + a[4] * y + a[5]) / k, height, fill_mode)
    flat = images.reshape(batch, height * width, channels)

    def read(row: torch.Tensor, col: torch.Tensor) -> torch.Tensor:
        inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
        index = (row.clamp(0, height - 1) * width + col.clamp(0, width - 1)).long()
        values = torch.gather(flat, 1, index.reshape(batch, -1, 1).expand(-1, -1, channels))
        values = values.reshape(batch, height, width, channels)
        return torch.where(inside[..., None], values,
                           torch.full_like(values, float(fill_value)))

    if interpolation == "nearest":
        def round_half_away(v: torch.Tensor) -> torch.Tensor:
            return torch.sign(v) * torch.floor(v.abs() + 0.5)
        return read(round_half_away(in_y), round_half_away(in_x))
    y0, x0 = torch.floor(in_y), torch.floor(in_x)
    y1, x1 = y0 + 1, x0 + 1
    wy1, wx1 = (in_y - y0)[..., None], (in_x - x0)[..., None]
    wy0, wx0 = (y1 - in_y)[..., None], (x1 - in_x)[..., None]
    top = wx0 * read(y0, x0) + wx1 * read(y0, x1)
    bottom = wx0 * read(y1, x0) + wx1 * read(y1, x1)
    return wy0 * top + wy1 * bottom


def rotation_matrix(angles: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Keras's ``get_rotation_matrix``: (batch, 8) transforms for ``angles`` (radians)."""
    cos, sin = torch.cos(angles), torch.sin(angles)
    x_offset = ((width - 1) - (cos * (width - 1) - sin * (height - 1))) / 2.0
    y_offset = ((height - 1) - (sin * (width - 1) + cos * (height - 1))) / 2.0
    zeros = torch.zeros_like(angles)
    return torch.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], dim=1)


def translation_matrix(dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Keras's ``get_translation_matrix`` for shifts ``dx``, ``dy`` in pixels: (batch, 8)."""
    ones, zeros = torch.ones_like(dx), torch.zeros_like(dx)
    return torch.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], dim=1)


def zoom_matrix(zoom_w: torch.Tensor, zoom_h: torch.Tensor, height: int,
                width: int) -> torch.Tensor:
    """Keras's ``get_zoom_matrix``: (batch, 8) transforms."""
    x_offset = ((width - 1.0) / 2.0) * (1.0 - zoom_w)
    y_offset = ((height - 1.0) / 2.0) * (1.0 - zoom_h)
    zeros = torch.zeros_like(zoom_w)
    return torch.stack([zoom_w, zeros, x_offset, zeros, zoom_h, y_offset, zeros, zeros], dim=1)
