"""``keras.preprocessing.image``: ``ImageDataGenerator``, ``load_img``, ``img_to_array``.

Augmentation follows Keras 2 (same random draws in the same order, same affine matrix,
bilinear sampling with scipy's boundary modes) but needs no scipy: the resampling is NumPy.
Reading and writing image files needs Pillow (``pip install pillow``).
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Dict, List, Optional, Sequence as SequenceType, Tuple, Union

import numpy as np

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras import backend
from torchkeras.data.sequence import Sequence

__all__ = ["DirectoryIterator", "ImageDataGenerator", "Iterator", "NumpyArrayIterator",
           "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift",
           "array_to_img", "flip_axis", "img_to_array", "load_img", "save_img",
           "transform_matrix_offset_center"]

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
_PIL_INTERPOLATION = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


# ----------------------------------------------------------------------------- files
def _pil_image():
    try:
        from PIL import Image  # optional: pillow
    except ImportError as error:
        raise ImportError("Could not import PIL.Image. The use of `load_img` requires PIL. "
                          "Install it with `pip install pillow`.") from error
    return Image


def load_img(path: Any, grayscale: bool = False, color_mode: str = "rgb",
             target_size: Optional[Tuple[int, int]] = None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False):
    """Load an image file as a PIL image (``color_mode`` grayscale, rgb or rgba;
    ``target_size=(height, width)`` resizes)."""
    Image = _pil_image()
    if grayscale:
        warnings.warn("grayscale is deprecated. Please use color_mode = 'grayscale'")
        color_mode = "grayscale"
    with open(path, "rb") as handle:
        img = Image.open(handle)
        img.load()
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        width_height = (target_size[1], target_size[0])
        if img.size != width_height:
            if interpolation not in _PIL_INTERPOLATION:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                                 f"Supported methods are {', '.join(_PIL_INTERPOLATION)}")
            resample = getattr(Image, interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                crop_height = (width * target_size[0]) // target_size[1]
                crop_width = (height * target_size[1]) // target_size[0]
                crop_height, crop_width = min(height, crop_height), min(width, crop_width)
                left, top = (width - crop_width) // 2, (height - crop_height) // 2
                img = img.crop((left, top, left + crop_width, top + crop_height))
            img = img.resize(width_height, resample)
    return img


def img_to_array(img: Any, data_format: Optional[str] = None,
                 dtype: Optional[str] = None) -> np.ndarray:
    """A PIL image (or array) as a 3-D float array, channels last by default."""
    data_format = data_format or backend.image_data_format()
    dtype = dtype or backend.floatx()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    x = np.asarray(img, dtype=dtype)
    if len(x.shape) == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif len(x.shape) == 2:
        x = x.reshape((1,) + x.shape) if data_format == "channels_first" else \
            x.reshape(x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def array_to_img(x: Any, data_format: Optional[str] = None, scale: bool = True,
                 dtype: Optional[str] = None):
    """A 3-D array as a PIL image (values rescaled to 0..255 when ``scale``)."""
    Image = _pil_image()
    data_format = data_format or backend.image_data_format()
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    if x.shape[2] == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if x.shape[2] == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if x.shape[2] == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {x.shape[2]}")


def save_img(path: Any, x: Any, data_format: Optional[str] = None,
             file_format: Optional[str] = None, scale: bool = True, **kwargs: Any) -> None:
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or file_format == "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


# ------------------------------------------------------------------ transforms
def transform_matrix_offset_center(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """``matrix`` applied about the image centre."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    return np.asarray(x).swapaxes(axis, 0)[::-1, ...].swapaxes(0, axis)


def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    x = np.rollaxis(x, channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    x = np.stack([np.clip(c + intensity, min_x, max_x) for c in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """Multiply by ``brightness`` (Keras goes through a PIL image; here: clip to the input's
    0..255 range, which is what that round trip does for uint8-range images)."""
    out = np.asarray(x, dtype=np.float64) * brightness
    return np.clip(out, 0, 255).astype(np.asarray(x).dtype)


def _boundary(coords: np.ndarray, size: int, mode: str) -> Tuple[np.ndarray, np.ndarray]:
    """Map sample coordinates into ``[0, size-1]`` like scipy.ndimage's ``mode``; also
    return which samples fall outside (used by ``constant``)."""
    outside = (coords < 0) | (coords > size - 1)
    if mode == "nearest" or mode == "constant":
        return np.clip(coords, 0, size - 1), outside
    if mode == "reflect":  # half-sample symmetric: d c b a | a b c d | d c b a
        period = 2 * size
        c = np.mod(coords + 0.5, period)
        c = np.where(c >= size, period - c, c) - 0.5
        return np.clip(c, 0, size - 1), np.zeros_like(outside)
    if mode == "wrap":  # scipy's 'wrap': the first and last samples overlap (period size-1)
        return (np.mod(coords, size - 1) if size > 1 else coords * 0), np.zeros_like(outside)
    raise ValueError(f"Invalid fill_mode: {mode}. Expected one of "
                     "{'constant', 'nearest', 'reflect', 'wrap'}")


def _affine_resample(channels: np.ndarray, matrix: np.ndarray, offset: np.ndarray,
                     fill_mode: str, cval: float, order: int) -> np.ndarray:
    """scipy.ndimage.affine_transform on each (rows, cols) channel: output[o] =
    input[matrix @ o + offset], bilinear (order 1) or nearest (order 0)."""
    rows, cols = channels.shape[1:]
    grid_r, grid_c = np.meshgrid(np.arange(rows, dtype=np.float64),
                                 np.arange(cols, dtype=np.float64), indexing="ij")
    src_r = matrix[0, 0] * grid_r + matrix[0, 1] * grid_c + offset[0]  # (rows, cols)
    src_c = matrix[1, 0] * grid_r + matrix[1, 1] * grid_c + offset[1]
    tol = 1e-9
    src_r = np.where(np.abs(src_r - np.round(src_r)) < tol, np.round(src_r), src_r)
    src_c = np.where(np.abs(src_c - np.round(src_c)) < tol, np.round(src_c), src_c)
    r, out_r = _boundary(src_r, rows, fill_mode)
    c, out_c = _boundary(src_c, cols, fill_mode)
    if order == 0:
        ri = np.clip(np.floor(r + 0.5).astype(int), 0, rows - 1)
        ci = np.clip(np.floor(c + 0.5).astype(int), 0, cols - 1)
        result = channels[:, ri, ci]
    else:
        r0, c0 = np.floor(r).astype(int), np.floor(c).astype(int)
        wr, wc = r - r0, c - c0
        r1, c1 = np.minimum(r0 + 1, rows - 1), np.minimum(c0 + 1, cols - 1)
        top = channels[:, r0, c0] * (1 - wc) + channels[:, r0, c1] * wc
        bottom = channels[:, r1, c0] * (1 - wc) + channels[:, r1, c1] * wc
        result = top * (1 - wr) + bottom * wr
    if fill_mode == "constant":
        result = np.where((out_r | out_c)[None], cval, result)
    return result.astype(channels.dtype)


def apply_affine_transform(x: np.ndarray, theta: float = 0, tx: float = 0, ty: float = 0,
                           shear: float = 0, zx: float = 1, zy: float = 1, row_axis: int = 1,
                           col_axis: int = 2, channel_axis: int = 0, fill_mode: str = "nearest",
                           cval: float = 0.0, order: int = 1) -> np.ndarray:
    """Rotate (degrees), shift, shear (degrees) and zoom one 3-D image, as Keras 2."""
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {({row_axis, col_axis, channel_axis}) - {0, 1, 2}}")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    matrix = None
    for part, active in (
            (lambda: np.array([[np.cos(np.deg2rad(theta)), -np.sin(np.deg2rad(theta)), 0],
                               [np.sin(np.deg2rad(theta)), np.cos(np.deg2rad(theta)), 0],
                               [0, 0, 1]]), theta != 0),
            (lambda: np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]), tx != 0 or ty != 0),
            (lambda: np.array([[1, -np.sin(np.deg2rad(shear)), 0],
                               [0, np.cos(np.deg2rad(shear)), 0], [0, 0, 1]]), shear != 0),
            (lambda: np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]), zx != 1 or zy != 1)):
        if active:
            matrix = part() if matrix is None else np.dot(matrix, part())
    if matrix is None:
        return x
    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix.astype(np.float64), h, w)
    channels = np.rollaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # the matrix is in (x, y) order; arrays index (row, col)
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    out = _affine_resample(channels, matrix[:2, :2], matrix[:2, 2], fill_mode, cval, order)
    return np.rollaxis(out, 0, channel_axis + 1)


# ------------------------------------------------------------------- iterators
class Iterator(Sequence):
    """Base of the batch iterators: a ``Sequence`` (``len``, ``[i]``) that is also a Python
    iterator (``next(it)``), reshuffled at each epoch end."""

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: Optional[int]) -> None:
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.index_array: Optional[np.ndarray] = None

    def _set_index_array(self) -> None:
        self.index_array = np.arange(self.n)
        if self.shuffle:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx: int):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.index_array is None:
            self._set_index_array()
        self.total_batches_seen += 1
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self) -> None:
        self._set_index_array()

    def reset(self) -> None:
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.index_array is None or self.batch_index == 0 and self.total_batches_seen:
            self._set_index_array()
        if self.n == 0:
            raise StopIteration
        idx = self.batch_index
        self.batch_index = (self.batch_index + 1) % len(self)
        self.total_batches_seen += 1
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    next = __next__

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray):
        raise NotImplementedError


def _check_subset(subset: Optional[str]) -> None:
    if subset not in (None, "training", "validation"):
        raise ValueError(f"Invalid subset name: {subset}; expected 'training' or 'validation'")


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from in-memory arrays (``ImageDataGenerator.flow``)."""

    def __init__(self, x: Any, y: Any, image_data_generator: "ImageDataGenerator",
                 batch_size: int = 32, shuffle: bool = False, sample_weight: Any = None,
                 seed: Optional[int] = None, data_format: Optional[str] = None,
                 save_to_dir: Optional[str] = None, save_prefix: str = "",
                 save_format: str = "png", subset: Optional[str] = None,
                 ignore_class_split: bool = False, dtype: Optional[str] = None) -> None:
        _check_subset(subset)
        self.dtype = dtype or backend.floatx()
        x_misc: List[np.ndarray] = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(xx) for xx in x[1]] if isinstance(x[1], (list, tuple)) \
                else [np.asarray(x[1])]
            x = x[0]
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {np.asarray(x).shape}, "
                             f"y.shape = {np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {np.asarray(x).shape}, "
                             f"sample_weight.shape = {np.asarray(sample_weight).shape}")
        if subset is not None:
            split_idx = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and not np.array_equal(
                    np.unique(y[:split_idx]), np.unique(y[split_idx:])):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted by "
                                 "the label, you might want to shuffle them.")
            part = slice(None, split_idx) if subset == "validation" else slice(split_idx, None)
            x = x[part]
            x_misc = [xx[part] for xx in x_misc]
            if y is not None:
                y = y[part]
            if sample_weight is not None:
                sample_weight = sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed "
                             f"an array with shape {self.x.shape}")
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format or backend.image_data_format()
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            params = generator.get_random_transform(self.x[j].shape)
            x = generator.apply_transform(self.x[j].astype(self.dtype), params)
            batch_x[i] = generator.standardize(x)
        if self.save_to_dir:
            for i, j in enumerate(index_array):
                save_img(os.path.join(self.save_to_dir, f"{self.save_prefix}_{j}_"
                                      f"{np.random.randint(1e4)}.{self.save_format}"),
                         batch_x[i], self.data_format, scale=True)
        batch_x_miscs = [xx[index_array] for xx in self.x_misc]
        output: Tuple[Any, ...] = (batch_x if not batch_x_miscs else [batch_x] + batch_x_miscs,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class DirectoryIterator(Iterator):
    """Batches of augmented images read from ``directory/<class>/<image>`` files."""

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory: str, image_data_generator: "ImageDataGenerator",
                 target_size: Tuple[int, int] = (256, 256), color_mode: str = "rgb",
                 classes: Optional[List[str]] = None, class_mode: Optional[str] = "categorical",
                 batch_size: int = 32, shuffle: bool = True, seed: Optional[int] = None,
                 data_format: Optional[str] = None, save_to_dir: Optional[str] = None,
                 save_prefix: str = "", save_format: str = "png", follow_links: bool = False,
                 subset: Optional[str] = None, interpolation: str = "nearest",
                 keep_aspect_ratio: bool = False, dtype: Optional[str] = None) -> None:
        _check_subset(subset)
        if color_mode not in {"rgb", "rgba", "grayscale"}:
            raise ValueError(f"Invalid color mode: {color_mode}; expected \"rgb\", \"rgba\", "
                             "or \"grayscale\".")
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.directory = directory
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.color_mode = color_mode
        self.data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}[color_mode]
        self.image_shape = self.target_size + (channels,) if self.data_format == \
            "channels_last" else (channels,) + self.target_size
        self.class_mode = class_mode
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        self.keep_aspect_ratio = keep_aspect_ratio
        split = image_data_generator._validation_split
        bounds = (0.0, 1.0)
        if subset is not None and split:
            bounds = (0.0, split) if subset == "validation" else (split, 1.0)
        if not classes:
            classes = sorted(name for name in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, name)))
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        filenames: List[str] = []
        labels: List[int] = []
        for name in classes:
            root = os.path.join(directory, name)
            files = []
            for dirpath, _, names in sorted(os.walk(root, followlinks=follow_links)):
                for fname in sorted(names):
                    if fname.lower().endswith(tuple("." + e for e in WHITE_LIST_FORMATS)):
                        files.append(os.path.relpath(os.path.join(dirpath, fname), directory))
            start, stop = int(bounds[0] * len(files)), int(bounds[1] * len(files))
            files = files[start:stop]
            filenames.extend(files)
            labels.extend([self.class_indices[name]] * len(files))
        self.filenames = filenames
        self.classes = np.asarray(labels, dtype="int32")
        self.samples = len(filenames)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self) -> List[str]:
        return [os.path.join(self.directory, f) for f in self.filenames]

    @property
    def labels(self) -> np.ndarray:
        return self.classes

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        generator = self.image_data_generator
        paths = self.filepaths
        for i, j in enumerate(index_array):
            img = load_img(paths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format)
            if hasattr(img, "close"):
                img.close()
            params = generator.get_random_transform(x.shape)
            x = generator.apply_transform(x, params)
            batch_x[i] = generator.standardize(x)
        if self.class_mode == "input":
            return batch_x, batch_x.copy()
        if self.class_mode in ("binary", "sparse"):
            return batch_x, self.classes[index_array].astype(self.dtype)
        if self.class_mode == "categorical":
            batch_y = np.zeros((len(index_array), self.num_classes), dtype=self.dtype)
            batch_y[np.arange(len(index_array)), self.classes[index_array]] = 1.0
            return batch_x, batch_y
        return batch_x


# ----------------------------------------------------------------- generator
def _range_pair(value: Union[float, SequenceType[float]], name: str) -> Tuple[float, float]:
    if np.isscalar(value):
        return (1 - value, 1 + value)
    if len(value) == 2:
        return (value[0], value[1])
    raise ValueError(f"`{name}` should be a float or a tuple or list of two floats. "
                     f"Received: {value}")


class ImageDataGenerator:
    """Real-time image augmentation, as Keras 2's (``flow``, ``flow_from_directory``)."""

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False,
                 samplewise_std_normalization: bool = False, zca_whitening: bool = False,
                 zca_epsilon: float = 1e-6, rotation_range: float = 0,
                 width_shift_range: Any = 0.0, height_shift_range: Any = 0.0,
                 brightness_range: Optional[Tuple[float, float]] = None,
                 shear_range: float = 0.0, zoom_range: Any = 0.0,
                 channel_shift_range: float = 0.0, fill_mode: str = "nearest",
                 cval: float = 0.0, horizontal_flip: bool = False, vertical_flip: bool = False,
                 rescale: Optional[float] = None, preprocessing_function: Any = None,
                 data_format: Optional[str] = None, validation_split: float = 0.0,
                 interpolation_order: int = 1, dtype: Optional[str] = None) -> None:
        if zca_whitening:
            raise NotImplementedError("`zca_whitening` is not supported by torchkeras's "
                                      "ImageDataGenerator.")
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = False
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        if fill_mode not in ("constant", "nearest", "reflect", "wrap"):
            raise ValueError(f"Invalid fill_mode: {fill_mode}")
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or backend.floatx()
        self.interpolation_order = interpolation_order
        data_format = data_format or backend.image_data_format()
        if data_format not in {"channels_last", "channels_first"}:
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             f"Received: {data_format}")
        self.data_format = data_format
        self.channel_axis, self.row_axis, self.col_axis = \
            (1, 2, 3) if data_format == "channels_first" else (3, 1, 2)
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. "
                             f" Received: {validation_split}")
        self._validation_split = validation_split
        self.mean: Optional[np.ndarray] = None
        self.std: Optional[np.ndarray] = None
        self.zoom_range = _range_pair(zoom_range, "zoom_range")
        if brightness_range is not None and (
                not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2):
            raise ValueError("`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        self.brightness_range = brightness_range

    def flow(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
             sample_weight: Any = None, seed: Optional[int] = None,
             save_to_dir: Optional[str] = None, save_prefix: str = "",
             save_format: str = "png", ignore_class_split: bool = False,
             subset: Optional[str] = None) -> NumpyArrayIterator:
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset,
                                  dtype=self.dtype)

    def flow_from_directory(self, directory: str, target_size: Tuple[int, int] = (256, 256),
                            color_mode: str = "rgb", classes: Optional[List[str]] = None,
                            class_mode: Optional[str] = "categorical", batch_size: int = 32,
                            shuffle: bool = True, seed: Optional[int] = None,
                            save_to_dir: Optional[str] = None, save_prefix: str = "",
                            save_format: str = "png", follow_links: bool = False,
                            subset: Optional[str] = None, interpolation: str = "nearest",
                            keep_aspect_ratio: bool = False) -> DirectoryIterator:
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, keep_aspect_ratio=keep_aspect_ratio,
                                 classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, dtype=self.dtype)

    def flow_from_dataframe(self, *args: Any, **kwargs: Any):
        raise NotImplementedError("`flow_from_dataframe` is not provided by torchkeras; use "
                                  "`flow_from_directory` or `flow` on arrays.")

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """preprocessing_function, rescale, then sample-/feature-wise normalisation."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_center`, but it "
                              "hasn't been fit on any training data. Fit it first by calling "
                              "`.fit(numpy_data)`.")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                warnings.warn("This ImageDataGenerator specifies "
                              "`featurewise_std_normalization`, but it hasn't been fit on any "
                              "training data. Fit it first by calling `.fit(numpy_data)`.")
        return x

    def _shift(self, value: Any, size: int) -> float:
        if not value:
            return 0
        try:  # 1-D array-like or int
            shift = np.random.choice(value)
            shift *= np.random.choice([-1, 1])
        except ValueError:  # floating point
            shift = np.random.uniform(-value, value)
        if np.max(value) < 1:
            shift *= size
        return shift

    def get_random_transform(self, img_shape: Tuple[int, ...],
                             seed: Optional[int] = None) -> Dict[str, Any]:
        """Random parameters, drawn from ``np.random`` in Keras's order."""
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        tx = self._shift(self.height_shift_range, img_shape[img_row_axis])
        ty = self._shift(self.width_shift_range, img_shape[img_col_axis])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x: np.ndarray, transform_parameters: Dict[str, Any]) -> np.ndarray:
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0),
                                   p.get("shear", 0), p.get("zx", 1), p.get("zy", 1),
                                   row_axis=img_row_axis, col_axis=img_col_axis,
                                   channel_axis=img_channel_axis, fill_mode=self.fill_mode,
                                   cval=self.cval, order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], img_channel_axis)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, img_col_axis)
        if p.get("flip_vertical", False):
            x = flip_axis(x, img_row_axis)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x: np.ndarray, seed: Optional[int] = None) -> np.ndarray:
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x: Any, augment: bool = False, rounds: int = 1,
            seed: Optional[int] = None) -> None:
        """Compute the feature-wise mean/std used by ``featurewise_*`` options."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: "
                             + str(x.shape))
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            ax = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    ax[i + r * x.shape[0]] = self.random_transform(x[i])
            x = ax
        broadcast_shape = [1, 1, 1]
        broadcast_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=(0, self.row_axis, self.col_axis)),
                                   broadcast_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=(0, self.row_axis, self.col_axis)),
                                  broadcast_shape)
            x /= self.std + 1e-6


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
