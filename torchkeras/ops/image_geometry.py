"""``keras.ops.image`` geometric ops and image metrics, as Keras 3's torch backend and its
``keras/src/ops/image.py`` compute them: ``map_coordinates``, ``affine_transform``,
``perspective_transform``, ``elastic_transform``, ``scale_and_translate``,
``extract_patches_3d``, ``ssim``."""
from __future__ import annotations

import functools
import itertools
import math
import operator
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from torchkeras.backend import config
from torchkeras.ops.core import convert_to_tensor
from torchkeras.ops.nn import conv

Tensor = torch.Tensor
_t = convert_to_tensor
_ORDERS = {"nearest": 0, "bilinear": 1}
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _mirror(index: Tensor, size: int) -> Tensor:
    s = size - 1  # half-wavelength of the triangular wave
    return torch.abs((index + s) % (2 * s) - s)


def _reflect(index: Tensor, size: int) -> Tensor:
    return torch.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


_INDEX_FIXERS: Dict[str, Callable[[Tensor, int], Tensor]] = {
    "constant": lambda index, size: torch.clip(index, 0, size - 1),
    "nearest": lambda index, size: torch.clip(index, 0, size - 1),
    "wrap": lambda index, size: index % size,
    "mirror": _mirror,
    "reflect": _reflect,
}


def _is_integer(x: Tensor) -> bool:
    return not (torch.is_floating_point(x) or torch.is_complex(x))


def _nodes(coordinate: Tensor, order: int) -> List[Tuple[Tensor, Any]]:
    """(index, weight) pairs of 1-D interpolation at ``coordinate``."""
    if order == 0:
        rounded = coordinate if _is_integer(coordinate) else torch.round(coordinate)
        return [(rounded.to(torch.int64), 1)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    index = lower.to(torch.int64)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def map_coordinates(inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant",
                    fill_value: float = 0.0) -> Tensor:
    """``inputs`` sampled at ``coordinates`` (one array per input axis), with nearest
    (``order=0``) or linear (``order=1``) interpolation; points outside follow ``fill_mode``."""
    values = _t(inputs)
    coords = [_t(c) for c in coordinates]
    if len(coords) != values.ndim:
        raise ValueError("First dim of `coordinates` must be the same as the rank of `inputs`. "
                         f"Received inputs with shape: {tuple(values.shape)} and coordinate "
                         f"leading dim of {len(coords)}")
    if coords[0].ndim < 1:
        raise ValueError("Invalid coordinates rank: expected at least rank 2. Received input "
                         f"with shape: {(len(coords),) + tuple(coords[0].shape)}")
    fixer = _INDEX_FIXERS.get(fill_mode)
    if fixer is None:
        raise ValueError("Invalid value for argument `fill_mode`. Expected one of "
                         f"{set(_INDEX_FIXERS)}. Received: fill_mode={fill_mode}")
    if order not in (0, 1):
        raise NotImplementedError("map_coordinates currently requires order<=1")
    if isinstance(fill_value, (int, float)) and _is_integer(values):
        fill_value = int(fill_value)
    per_axis = []
    for coordinate, size in zip(coords, values.shape):
        per_axis.append([(fixer(index, size),
                          (index >= 0) & (index < size) if fill_mode == "constant" else True,
                          weight) for index, weight in _nodes(coordinate, order)])
    outputs = []
    for items in itertools.product(*per_axis):
        indices, valid, weights = zip(*items)
        contribution = values[indices]
        if not all(v is True for v in valid):
            contribution = torch.where(functools.reduce(operator.and_, valid), contribution,
                                       fill_value)
        outputs.append(functools.reduce(operator.mul, weights) * contribution)
    result = functools.reduce(operator.add, outputs)
    if _is_integer(values) and not _is_integer(result):
        result = torch.round(result)
    return result.to(values.dtype)


def _check_interpolation(interpolation: str) -> int:
    if interpolation not in _ORDERS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{set(_ORDERS)}. Received: interpolation={interpolation}")
    return _ORDERS[interpolation]


def _check_images(images: Tensor) -> None:
    if images.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape="
                         f"{tuple(images.shape)}")


def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0,
                     data_format: Optional[str] = None) -> Tensor:
    """Images under the projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (one, or
    one per image): output pixel (x, y) reads input ``((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1`` (the affine part is used)."""
    data_format = data_format or config.image_data_format()
    order = _check_interpolation(interpolation)
    if fill_mode not in _FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{set(_FILL_MODES)}. Received: fill_mode={fill_mode}")
    images, transform = _t(images), _t(transform)
    _check_images(images)
    if transform.ndim not in (1, 2):
        raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank 2 "
                         "(batch of transforms). Received input with shape: transform.shape="
                         f"{tuple(transform.shape)}")
    single = images.ndim == 3
    x = images[None] if single else images
    transform = (transform[None] if transform.ndim == 1 else transform).clone()
    if data_format == "channels_first":
        x = x.permute(0, 2, 3, 1)  # (batch, height, width, channels)
    batch = x.shape[0]
    if transform.shape[0] == 1 and batch > 1:  # one transform for every image
        transform = transform.repeat(batch, 1)
    grid = torch.meshgrid(*[torch.arange(n, dtype=transform.dtype, device=transform.device)
                            for n in x.shape[1:]], indexing="ij")
    indices = torch.stack(grid, dim=-1).expand(batch, *x.shape[1:], 3)  # (b, h, w, c, 3)
    # (row, col) order: swap the x and y rows of the transform
    a0, a2 = transform[:, 0].clone(), transform[:, 2].clone()
    transform[:, 0], transform[:, 2] = transform[:, 4].clone(), transform[:, 5].clone()
    transform[:, 4], transform[:, 5] = a0, a2
    matrix = F.pad(transform, (0, 1), value=1).reshape(batch, 3, 3)
    offset = F.pad(matrix[:, 0:2, 2].clone(), (0, 1))  # (b, 3)
    matrix[:, 0:2, 2] = 0
    coords = torch.einsum("bhwij,bjk->bhwik", indices, matrix)
    coords = torch.moveaxis(coords, -1, 1) + offset.reshape(batch, 3, 1, 1, 1)
    out = torch.stack([map_coordinates(x[i], coords[i], order, fill_mode, fill_value)
                       for i in range(batch)])
    if data_format == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out[0] if single else out


def compute_homography_matrix(start_points: Any, end_points: Any) -> Tensor:
    """The 8 coefficients mapping ``end_points`` to ``start_points`` (``(batch, 4, 2)``)."""
    start, end = _t(start_points), _t(end_points)
    dtype = start.dtype if start.is_floating_point() else torch.float32
    compute = torch.promote_types(dtype, torch.float32)
    start, end = start.to(compute), end.to(compute)
    rows = []
    for k in range(4):
        ex, ey = end[:, k, 0], end[:, k, 1]
        sx, sy = start[:, k, 0], start[:, k, 1]
        one, zero = torch.ones_like(ex), torch.zeros_like(ex)
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
    coefficients = torch.stack(rows, dim=1)  # (batch, 8, 8)
    target = start.reshape(start.shape[0], 8, 1)  # x1, y1, x2, y2, ...
    return torch.linalg.solve(coefficients, target).reshape(-1, 8).to(dtype)


def perspective_transform(images: Any, start_points: Any, end_points: Any,
                          interpolation: str = "bilinear", fill_value: float = 0,
                          data_format: Optional[str] = None) -> Tensor:
    """Images warped so that the four ``start_points`` (x, y) land on ``end_points``."""
    data_format = data_format or config.image_data_format()
    images = _t(images)
    start = _t(start_points, images.dtype)
    end = _t(end_points, images.dtype)
    order = _check_interpolation(interpolation)
    _check_images(images)
    for name, points in (("start_points", start), ("end_points", end)):
        if tuple(points.shape[-2:]) != (4, 2) or points.ndim not in (2, 3):
            raise ValueError(f"Invalid {name} shape: expected (4,2) for a single image or "
                             f"(N,4,2) for a batch. Received shape: {tuple(points.shape)}")
    if start.shape != end.shape:
        raise ValueError("start_points and end_points must have the same shape. Received "
                         f"start_points.shape={tuple(start.shape)}, "
                         f"end_points.shape={tuple(end.shape)}")
    single = images.ndim == 3
    x = images[None] if single else images
    start = start[None] if start.ndim == 2 else start
    end = end[None] if end.ndim == 2 else end
    if data_format == "channels_first":
        x = x.permute(0, 2, 3, 1)
    batch, height, width, channels = x.shape
    transforms = compute_homography_matrix(start, end)
    if transforms.shape[0] == 1 and batch > 1:
        transforms = transforms.repeat(batch, 1)
    grid_x, grid_y = torch.meshgrid(torch.arange(width, dtype=x.dtype, device=x.device),
                                    torch.arange(height, dtype=x.dtype, device=x.device),
                                    indexing="xy")
    out = []
    for i in range(batch):
        a0, a1, a2, a3, a4, a5, a6, a7 = transforms[i]
        denom = a6 * grid_x + a7 * grid_y + 1.0
        x_in = (a0 * grid_x + a1 * grid_y + a2) / denom
        y_in = (a3 * grid_x + a4 * grid_y + a5) / denom
        coords = torch.stack([y_in.flatten(), x_in.flatten()], dim=0)
        out.append(torch.stack([map_coordinates(x[i, :, :, c], coords, order, "constant",
                                                fill_value).reshape(height, width)
                                for c in range(channels)], dim=-1))
    result = torch.stack(out)
    if data_format == "channels_first":
        result = result.permute(0, 3, 1, 2)
    return result[0] if single else result


def _blur(x: Tensor, size: int, sigma: float) -> Tensor:
    """``ops.image.gaussian_blur`` of one-channel maps ``(batch, 1, h, w)``."""
    pos = torch.arange(size, dtype=x.dtype, device=x.device) - (size - 1) / 2
    k = torch.exp(-0.5 * (pos / sigma) ** 2)
    k = k / torch.sum(k)
    return F.conv2d(x, torch.outer(k, k).view(1, 1, size, size), padding=size // 2)


def elastic_transform(images: Any, alpha: float = 20.0, sigma: float = 5.0,
                      interpolation: str = "bilinear", fill_mode: str = "reflect",
                      fill_value: float = 0.0, seed: Any = None,
                      data_format: Optional[str] = None) -> Tensor:
    """Images displaced by a random field: Gaussian noise blurred with ``sigma`` and scaled
    by ``alpha`` (pixels), resampled as ``map_coordinates`` (an int ``seed`` repeats it)."""
    data_format = data_format or config.image_data_format()
    order = _check_interpolation(interpolation)
    if fill_mode not in _FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{set(_FILL_MODES)}. Received: fill_mode={fill_mode}")
    images = _t(images)
    _check_images(images)
    alpha, sigma = float(alpha), float(sigma)
    single = images.ndim == 3
    x = images[None] if single else images
    if data_format == "channels_first":
        x = x.permute(0, 2, 3, 1)
    batch, height, width, channels = x.shape
    dtype = x.dtype if x.is_floating_point() else torch.float32
    generator = None
    if isinstance(seed, int):
        generator = torch.Generator(device=x.device)
        generator.manual_seed(seed)
    size = int(6 * sigma) | 1
    noise = torch.normal(0.0, 1.0, size=(2, batch, 1, height, width), generator=generator,
                         dtype=dtype, device=x.device) * sigma
    dx = _blur(noise[0], size, sigma)[:, 0]  # (batch, h, w)
    dy = _blur(noise[1], size, sigma)[:, 0]
    grid_x, grid_y = torch.meshgrid(torch.arange(width, device=x.device),
                                    torch.arange(height, device=x.device), indexing="xy")
    rows, cols = grid_y[None] + alpha * dy, grid_x[None] + alpha * dx
    out = torch.stack([torch.stack([map_coordinates(x[b, ..., c], [rows[b], cols[b]], order,
                                                    fill_mode, fill_value)
                                    for c in range(channels)], dim=-1)
                       for b in range(batch)])
    if data_format == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return (out[0] if single else out).to(images.dtype)


def _triangle(x: Tensor) -> Tensor:
    return torch.clamp(1 - torch.abs(x), min=0)


def _keys_cubic(x: Tensor) -> Tensor:
    out = ((1.5 * x - 2.5) * x) * x + 1.0
    out = torch.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
    return torch.where(x >= 2.0, torch.zeros_like(out), out)


def _lanczos(radius: float) -> Callable[[Tensor], Tensor]:
    def kernel(x: Tensor) -> Tensor:
        y = radius * torch.sin(math.pi * x) * torch.sin(math.pi * x / radius)
        out = torch.where(x > 1e-3, y / torch.where(x != 0, math.pi ** 2 * x ** 2,
                                                     torch.ones_like(x)), torch.ones_like(x))
        return torch.where(x > radius, torch.zeros_like(out), out)
    return kernel


_KERNELS = {"linear": _triangle, "bilinear": _triangle, "trilinear": _triangle,
            "cubic": _keys_cubic, "bicubic": _keys_cubic, "tricubic": _keys_cubic,
            "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def _weight_matrix(in_size: int, out_size: int, scale: Tensor, translation: Tensor,
                   kernel: Callable[[Tensor], Tensor], antialias: bool) -> Tensor:
    """``(in_size, out_size)`` resampling weights along one axis."""
    inv_scale = 1.0 / scale
    kernel_scale = torch.clamp(inv_scale, min=1.0) if antialias else 1.0
    sample = ((torch.arange(out_size, dtype=scale.dtype, device=scale.device) + 0.5)
              * inv_scale - translation * inv_scale - 0.5)
    distance = torch.abs(sample[None, :] - torch.arange(in_size, dtype=scale.dtype,
                                                        device=scale.device)[:, None])
    weights = kernel(distance / kernel_scale)
    total = torch.sum(weights, dim=0, keepdim=True)
    weights = torch.where(torch.abs(total) > 1000.0 * float(torch.finfo(torch.float32).eps),
                          weights / torch.where(total != 0, total, torch.ones_like(total)),
                          torch.zeros_like(weights))
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return torch.where(inside[None, :], weights, torch.zeros_like(weights))


def scale_and_translate(images: Any, output_shape: Sequence[int], scale: Any, translation: Any,
                        spatial_dims: Sequence[int], method: str,
                        antialias: bool = True) -> Tensor:
    """``images`` resampled along ``spatial_dims`` to ``output_shape``: output sample ``o``
    reads input position ``(o + 0.5 - translation) / scale - 0.5`` with the ``method``
    kernel (widened by ``1 / scale`` when ``antialias`` and downscaling)."""
    if method not in _KERNELS:
        raise ValueError("Invalid value for argument `method`. Expected of one "
                         f"{set(_KERNELS)}. Received: method={method}")
    x = _t(images)
    scale, translation = _t(scale), _t(translation)
    dtype = torch.promote_types(scale.dtype, translation.dtype)
    if not dtype.is_floating_point:
        dtype = torch.float32
    scale, translation = scale.to(dtype), translation.to(dtype)
    if len(spatial_dims) == 0:
        return x
    rounding = not x.is_floating_point()
    out = x.to(torch.float32) if rounding else x.clone()
    for i, d in enumerate(spatial_dims):
        d = d % x.ndim
        w = _weight_matrix(x.shape[d], int(output_shape[d]), scale[i], translation[i],
                           _KERNELS[method], antialias).to(out.dtype)
        out = torch.moveaxis(torch.tensordot(out, w, dims=([d], [0])), -1, d)
    if rounding:
        out = torch.clip(torch.round(out), torch.min(x), torch.max(x)).to(x.dtype)
    return out


def _triple(value: Union[int, Sequence[int]], name: str) -> Tuple[int, int, int]:
    if isinstance(value, int):
        return (value, value, value)
    if len(value) != 3:
        raise ValueError(f"Invalid `{name}` argument. Got: {value}")
    return tuple(int(v) for v in value)  # type: ignore[return-value]


def extract_patches_3d(volumes: Any, size: Union[int, Sequence[int]],
                       strides: Optional[Union[int, Sequence[int]]] = None,
                       dilation_rate: Union[int, Sequence[int]] = 1, padding: str = "valid",
                       data_format: Optional[str] = None) -> Tensor:
    """3-D patches of ``size`` flattened into the channel axis: ``(..., d, h, w,
    size_d * size_h * size_w * channels)`` (channels last), in (d, h, w, channel) order."""
    if not isinstance(size, int) and len(size) != 3:
        raise TypeError("Invalid `size` argument. Expected an int or a tuple of length 3. "
                        f"Received: size={size}")
    patch = _triple(size, "size")
    strides = patch if strides is None else _triple(strides, "strides")
    data_format = data_format or config.image_data_format()
    volumes = _t(volumes)
    if volumes.ndim not in (4, 5):
        raise ValueError("Invalid volumes rank: expected rank 4 (single volume) or rank 5 "
                         f"(batch of volumes). Received input with shape: volumes.shape="
                         f"{tuple(volumes.shape)}")
    channels = volumes.shape[-1] if data_format == "channels_last" else volumes.shape[-4]
    out_dim = patch[0] * patch[1] * patch[2] * channels
    kernel = torch.eye(out_dim, dtype=volumes.dtype, device=volumes.device)
    kernel = kernel.reshape(*patch, channels, out_dim)  # (d, h, w, in, out)
    single = volumes.ndim == 4
    x = volumes[None] if single else volumes
    out = conv(x, kernel, strides=strides, padding=padding, data_format=data_format,
               dilation_rate=dilation_rate)
    return out[0] if single else out


def ssim(image1: Any, image2: Any, max_val: float = 1.0, filter_size: int = 11,
         filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03,
         data_format: Optional[str] = None) -> Tensor:
    """Structural similarity of two images (batches): the mean over pixels and channels of
    SSIM with a ``filter_size`` Gaussian window (valid padding); 1 for identical images."""
    data_format = data_format or config.image_data_format()
    a, b = _t(image1), _t(image2)
    original = a.dtype
    compute = a.dtype if a.is_floating_point() else torch.float32
    a, b = a.to(compute), b.to(compute)
    for name, image in (("image1", a), ("image2", b)):
        if image.ndim not in (3, 4):
            raise ValueError(f"Invalid {name} rank: expected rank 3 (single image) or rank 4 "
                             f"(batch of images). Received input with shape: {name}.shape="
                             f"{tuple(image.shape)}")
    single = a.ndim == 3
    if single:
        a, b = a[None], b[None]
    if data_format == "channels_last":
        a, b = a.permute(0, 3, 1, 2), b.permute(0, 3, 1, 2)  # (batch, channels, h, w)
    batch, channels, height, width = a.shape
    pos = torch.arange(filter_size, dtype=compute, device=a.device) - (filter_size - 1) / 2.0
    gauss = torch.exp(-(pos ** 2) / (2.0 * filter_sigma ** 2))
    gauss = gauss / torch.sum(gauss)
    kernel = torch.outer(gauss, gauss).reshape(1, 1, filter_size, filter_size)
    a = a.reshape(-1, 1, height, width)  # (batch * channels, 1, h, w)
    b = b.reshape(-1, 1, height, width)

    def blur(x: Tensor) -> Tensor:
        return F.conv2d(x, kernel)
    mu1, mu2 = blur(a), blur(b)
    sigma1 = blur(a * a) - mu1 * mu1
    sigma2 = blur(b * b) - mu2 * mu2
    sigma12 = blur(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu1 * mu2 + c1) * (2.0 * sigma12 + c2)) / (
        (mu1 * mu1 + mu2 * mu2 + c1) * (sigma1 + sigma2 + c2))
    result = ssim_map.mean(dim=(1, 2, 3)).reshape(batch, channels).mean(dim=-1)
    result = result[0] if single else result
    return result.to(original)


__all__ = ["affine_transform", "elastic_transform", "extract_patches_3d", "map_coordinates",
           "perspective_transform", "scale_and_translate", "ssim"]
