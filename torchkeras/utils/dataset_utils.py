"""Datasets for ``fit``: ``image_dataset_from_directory``, ``text_dataset_from_directory``,
``audio_dataset_from_directory``, ``timeseries_dataset_from_array`` and ``split_dataset``.
They return ``torchkeras.data.Dataset`` (``tf.data``) built as Keras builds them: the same
file index, shuffle (``np.random.RandomState(seed)``) and ``validation_split`` split, so a
tutorial gets the same training and validation files (compat/test_dataset_dirs.py), and
images are decoded and resized with ``tf.image``'s arithmetic (torchkeras.tfops).
``Dataset`` and ``AUTOTUNE`` are re-exported here for the old import path.
"""
from __future__ import annotations

import os
import random
from typing import Any, List, Optional, Tuple, Union

import numpy as np
import torch

from torchkeras.data import AUTOTUNE, Dataset
from torchkeras.data.dataset import batch_size_of
from torchkeras.layers import image_ops
from torchkeras.tfops import audio as tf_audio
from torchkeras.tfops import image as tf_image
from torchkeras.tfops import io as tf_io

__all__ = ["AUTOTUNE", "Dataset", "audio_dataset_from_directory", "image_dataset_from_directory",
           "split_dataset", "text_dataset_from_directory", "timeseries_dataset_from_array"]

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


# ------------------------------------------------------------------ indexing
def _valid_files(directory: str, follow_links: bool, formats: Tuple[str, ...]) -> List[str]:
    """Relative paths under ``directory`` as Keras walks them (folders sorted, then files)."""
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                found.append(os.path.join(root, fname))
    return found


def index_directory(directory: str, labels: Any, formats: Tuple[str, ...],
                    class_names: Optional[List[str]] = None, shuffle: bool = True,
                    seed: Optional[int] = None, follow_links: bool = False
                    ) -> Tuple[List[str], np.ndarray, List[Any]]:
    """``(file_paths, labels, class_names)`` as Keras's ``index_directory``."""
    if labels == "inferred":
        subdirs = [d.rstrip("/") for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names and set(class_names) != set(subdirs):
            raise ValueError("The `class_names` passed did not match the names of the "
                             "subdirectories of the target directory. "
                             f"Expected: {subdirs}, but received: {class_names}")
        class_names = list(class_names) if class_names else subdirs
    else:
        subdirs = [""]
        class_names = subdirs
    paths: List[str] = []
    label_ids: List[int] = []
    for subdir in subdirs:  # sorted folders; labels follow `class_names`' order
        found = _valid_files(os.path.join(directory, subdir), follow_links, formats)
        paths += found
        label_ids += [class_names.index(subdir)] * len(found)
    label_array = np.asarray(label_ids, dtype="int32")
    if labels not in ("inferred", None):
        if len(labels) != len(paths):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(labels)} while "
                             f"we found {len(paths)} files in directory {directory}.")
        class_names = sorted(set(labels))
        label_array = np.asarray(labels)
    print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, class_names


def _split(samples: List[str], labels: Optional[np.ndarray], validation_split: Optional[float],
           subset: Optional[str]) -> Tuple[List[str], Optional[np.ndarray]]:
    """Keras's ``get_training_or_validation_split``: validation is the last part."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        return samples[:-num_val], None if labels is None else labels[:-num_val]
    if subset == "validation":
        print(f"Using {num_val} files for validation.")
        return samples[-num_val:], None if labels is None else labels[-num_val:]
    raise ValueError('`subset` must be either "training" or "validation", '
                     f"received: {subset}")


def _check_split(validation_split: Optional[float], subset: Optional[str], shuffle: bool,
                 seed: Optional[int]) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, "
                         f"received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def _encode_labels(labels: np.ndarray, label_mode: Optional[str], num_classes: int) -> Any:
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("int32")


def _labelled(dataset: Dataset, labels: Optional[np.ndarray], label_mode: Optional[str],
              num_classes: int) -> Dataset:
    if labels is None or label_mode is None:
        return dataset
    return Dataset.zip((dataset, Dataset.from_tensor_slices(
        _encode_labels(labels, label_mode, num_classes))))


def _finish(dataset: Dataset, batch_size: Optional[int], shuffle: bool,
            seed: Optional[int], batch: Any = None) -> Dataset:
    if batch_size is not None:
        if shuffle:
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = batch(dataset, batch_size) if batch else dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset.prefetch(AUTOTUNE)


def _from_directory(directory: str, labels: Any, label_mode: Optional[str],
                    class_names: Optional[List[str]], formats: Tuple[str, ...],
                    batch_size: Optional[int], shuffle: bool, seed: Optional[int],
                    validation_split: Optional[float], subset: Optional[str],
                    follow_links: bool, load: Any, batch: Any = None) -> Any:
    """The index, split and pipeline every ``*_dataset_from_directory`` shares."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of "
                             "the same size as the number of files in the target directory. "
                             "If you wish to infer the labels from the subdirectory names in "
                             'the target directory, pass `labels="inferred"`. If you wish to '
                             "get a dataset that only contains the files (no labels), pass "
                             f"`labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError("You can only pass `class_names` if `labels='inferred'`. "
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None and shuffle:
        seed = np.random.randint(1e6)
    paths, label_ids, class_names = index_directory(directory, labels, formats, class_names,
                                                    shuffle, seed, follow_links)
    num_classes = len(class_names)
    if label_mode == "binary" and num_classes != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")

    def build(part_paths: List[str], part_labels: Optional[np.ndarray]) -> Dataset:
        if not part_paths:
            raise ValueError(f"No files found in directory {directory}. Allowed formats: "
                             f"{formats}")
        items = Dataset.from_tensor_slices(np.asarray(part_paths, dtype=object)).map(
            load, num_parallel_calls=AUTOTUNE)
        dataset = _finish(_labelled(items, part_labels, label_mode, num_classes), batch_size,
                          shuffle, seed, batch)
        dataset.class_names = class_names
        dataset.file_paths = part_paths
        return dataset

    if subset == "both":
        train = build(*_split(paths, label_ids, validation_split, "training"))
        return [train, build(*_split(paths, label_ids, validation_split, "validation"))]
    return build(*_split(paths, label_ids, validation_split, subset))


# ----------------------------------------------------------------- public API
def image_dataset_from_directory(directory: str, labels: Any = "inferred",
                                 label_mode: Optional[str] = "int",
                                 class_names: Optional[List[str]] = None,
                                 color_mode: str = "rgb", batch_size: Optional[int] = 32,
                                 image_size: Tuple[int, int] = (256, 256), shuffle: bool = True,
                                 seed: Optional[int] = None,
                                 validation_split: Optional[float] = None,
                                 subset: Optional[str] = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 **kwargs: Any) -> Any:
    """Batches of ``(images, labels)`` from ``directory/<class>/<image>`` (decoding needs
    Pillow). Images are float32 ``image_size + (channels,)`` (uint8 with
    ``interpolation="nearest"``, as Keras 2), values 0..255, decoded and
    resized as Keras does (``tf.io.decode_image`` + ``tf.image.resize``); the result has
    ``class_names`` and ``file_paths``. ``subset="both"`` gives ``[train, validation]``."""
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    image_ops.check_interpolation(interpolation, "image_dataset_from_directory")
    size = (int(image_size[0]), int(image_size[1]))

    def load(path: Any) -> torch.Tensor:
        img = tf_image.decode_image(tf_io.read_file(path), channels=channels,
                                    expand_animations=False)
        if crop_to_aspect_ratio:  # Keras's smart_resize: centred crop to the aspect ratio
            top, left, crop_h, crop_w = image_ops.crop_box(img.shape[0], img.shape[1], *size)
            img = img[top:top + crop_h, left:left + crop_w]
        # float32, except uint8 for "nearest" (tf.image.resize keeps the dtype; Keras 2)
        return tf_image.resize(img, size, method=interpolation)

    return _from_directory(directory, labels, label_mode, class_names, IMAGE_FORMATS,
                           batch_size, shuffle, seed, validation_split, subset, follow_links,
                           load)


def text_dataset_from_directory(directory: str, labels: Any = "inferred",
                                label_mode: Optional[str] = "int",
                                class_names: Optional[List[str]] = None,
                                batch_size: Optional[int] = 32, max_length: Optional[int] = None,
                                shuffle: bool = True, seed: Optional[int] = None,
                                validation_split: Optional[float] = None,
                                subset: Optional[str] = None,
                                follow_links: bool = False) -> Any:
    """Batches of ``(texts, labels)`` from ``directory/<class>/<file>.txt``; texts are NumPy
    string arrays (the first ``max_length`` bytes of each file, as ``tf.strings.substr``)."""

    def read(path: Any) -> np.str_:
        data = tf_io.read_file(path)
        data = data[:max_length] if max_length is not None else data
        return np.str_(data.decode("utf-8", errors="replace"))

    return _from_directory(directory, labels, label_mode, class_names, (".txt",), batch_size,
                           shuffle, seed, validation_split, subset, follow_links, read)


def _read_wav(path: Any, output_sequence_length: Optional[int]) -> torch.Tensor:
    """16-bit PCM WAV -> float32 ``(samples, channels)`` in [-1, 1) (``tf.audio.decode_wav``),
    cut or zero-padded to ``output_sequence_length``."""
    audio, _ = tf_audio.decode_wav(tf_io.read_file(path), desired_samples=(
        -1 if output_sequence_length is None else output_sequence_length))
    return audio


def audio_dataset_from_directory(directory: str, labels: Any = "inferred",
                                 label_mode: Optional[str] = "int",
                                 class_names: Optional[List[str]] = None,
                                 batch_size: Optional[int] = 32,
                                 sampling_rate: Optional[int] = None,
                                 output_sequence_length: Optional[int] = None,
                                 ragged: bool = False, shuffle: bool = True,
                                 seed: Optional[int] = None,
                                 validation_split: Optional[float] = None,
                                 subset: Optional[str] = None,
                                 follow_links: bool = False) -> Any:
    """Batches of ``(audio, labels)`` from ``directory/<class>/<file>.wav`` (the stdlib
    ``wave`` module): float32 ``(batch, samples, channels)``, padded with zeros to the longest
    clip of each batch unless ``output_sequence_length`` fixes the length; ``ragged=True``
    gives RaggedTensor batches instead."""
    if sampling_rate is not None:  # Keras's checks and its error without tensorflow-io
        if not isinstance(sampling_rate, int):
            raise ValueError("`sampling_rate` should have an integer value. "
                             f"Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError("`sampling_rate` should be higher than 0. "
                             f"Received: sampling_rate={sampling_rate}")
        raise ImportError("To use the argument `sampling_rate`, you should install "
                          "tensorflow_io. You can install it via `pip install tensorflow-io`. "
                          "(torchkeras does not resample audio: resample the files "
                          "beforehand, or leave `sampling_rate=None`.)")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")

    def padded(dataset: Dataset, size: int) -> Dataset:
        if ragged:  # tf.RaggedTensor stand-in batches (torchkeras/data/ragged.py)
            return dataset.ragged_batch(size)
        if output_sequence_length is not None:
            return dataset.batch(size)
        return dataset.padded_batch(size)

    return _from_directory(directory, labels, label_mode, class_names, (".wav",), batch_size,
                           shuffle, seed, validation_split, subset, follow_links,
                           lambda path: _read_wav(path, output_sequence_length), padded)


# ------------------------------------------------------------------ split
def _samples(dataset: Any) -> Tuple[List[Any], Any]:
    """A list of samples and how to restack them (Keras's ``_convert_dataset_to_list``)."""
    if isinstance(dataset, Dataset):
        if batch_size_of(dataset) is not None:
            dataset = dataset.unbatch()
        return list(dataset.as_numpy_iterator()), Dataset
    if isinstance(dataset, np.ndarray):
        return list(dataset), np.ndarray
    if isinstance(dataset, (list, tuple)):
        arrays = [np.asarray(a) for a in dataset]
        for index, array in enumerate(arrays):
            if len(array) != len(arrays[0]):
                raise ValueError("Received a list of NumPy arrays with different lengths. "
                                 f"Mismatch found at index {index}, Expected shape="
                                 f"{arrays[0].shape} Received shape={array.shape}.")
        return list(zip(*arrays)), tuple
    raise TypeError("The `dataset` argument must be either a `tf.data.Dataset` object or a "
                    f"list/tuple of arrays. Received: dataset={dataset} of type "
                    f"{type(dataset)}")


def _restack(samples: List[Any]) -> Any:
    first = samples[0]
    if isinstance(first, dict):
        return {key: np.asarray([s[key] for s in samples]) for key in first}
    if isinstance(first, tuple):
        return tuple(np.asarray(column) for column in zip(*samples))
    return np.asarray(samples)


def _split_sizes(left_size: Union[int, float, None], right_size: Union[int, float, None],
                 total: int) -> Tuple[int, int]:
    """Keras's ``_rescale_dataset_split_sizes``."""
    for value, side in ((left_size, "left"), (right_size, "right")):
        if value is not None and type(value) not in (int, float):
            raise TypeError(f"Invalid `{side}_size` Type. Expected: int or float or None, "
                            f"Received: type({side}_size)={type(value)}.")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    for value, side in ((left_size, "left"), (right_size, "right")):
        if (type(value) is int and (value <= 0 or value >= total)) or \
                (type(value) is float and (value <= 0 or value >= 1)):
            raise ValueError(f"`{side}_size` should be either a positive integer smaller than "
                             f"{total}, or a float within the range `[0, 1]`. Received: "
                             f"{side}_size={value}")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError("The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total}. Received: left_size + right_size = {left + right}and "
                         f"total_length = {total}")
    for value, side in ((left, "left"), (right, "right")):
        if value == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and "
                             f"`right_size`={right}.Resulting {side} side dataset split will "
                             "be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


def split_dataset(dataset: Any, left_size: Union[int, float, None] = None,
                  right_size: Union[int, float, None] = None, shuffle: bool = False,
                  seed: Optional[int] = None) -> Tuple[Dataset, Dataset]:
    """Two datasets (left, right) from a ``Dataset`` or a list/tuple of arrays; sizes are
    counts or fractions; ``shuffle`` uses Python's ``random`` with ``seed`` as Keras does, so
    the same seed gives the same split."""
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    samples, _ = _samples(dataset)
    if shuffle:
        seed = random.randint(0, int(1e6)) if seed is None else seed
        random.seed(seed)
        random.shuffle(samples)
    left, right = _split_sizes(left_size, right_size, len(samples))
    parts = [Dataset.from_tensor_slices(_restack(samples[:left])),
             Dataset.from_tensor_slices(_restack(samples[-right:]))]
    batch_size = batch_size_of(dataset)
    if batch_size is not None:
        parts = [part.batch(batch_size) for part in parts]
    return parts[0].prefetch(AUTOTUNE), parts[1].prefetch(AUTOTUNE)


def timeseries_dataset_from_array(data: Any, targets: Any, sequence_length: int,
                                  sequence_stride: int = 1, sampling_rate: int = 1,
                                  batch_size: Optional[int] = 128, shuffle: bool = False,
                                  seed: Optional[int] = None, start_index: Optional[int] = None,
                                  end_index: Optional[int] = None) -> Dataset:
    """Sliding windows over ``data`` (``targets[i]`` goes with the window starting at ``i``),
    with Keras's argument checks, window positions and shuffling."""
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= n:
            raise ValueError("`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError("`end_index` must be lower than the length of the data. "
                             f"Received: end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0:
        raise ValueError(f"`sampling_rate` must be higher than 0. Received: "
                         f"sampling_rate={sampling_rate}")
    if sampling_rate >= n:
        raise ValueError("`sampling_rate` must be lower than the length of the data. Received: "
                         f"sampling_rate={sampling_rate}, for data of length {n}")
    if sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be higher than 0. Received: "
                         f"sequence_stride={sequence_stride}")
    if sequence_stride >= n:
        raise ValueError("`sequence_stride` must be lower than the length of the data. "
                         f"Received: sequence_stride={sequence_stride}, for data of length {n}")
    start_index = start_index or 0
    end_index = end_index or n
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    start_positions = np.arange(0, num_seqs, sequence_stride, dtype="int64")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(start_positions)
    window = np.arange(sequence_length) * sampling_rate
    data_part = np.asarray(data)[start_index:end_index]
    windows = data_part[start_positions[:, None] + window[None, :]]  # (num_windows, length, ...)
    if targets is not None:
        target_part = np.asarray(targets)[start_index:end_index]
        dataset = Dataset.from_tensor_slices((windows, target_part[start_positions]))
    else:
        dataset = Dataset.from_tensor_slices(windows)
    if batch_size is not None:
        if shuffle:
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        return dataset.batch(batch_size)
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset
