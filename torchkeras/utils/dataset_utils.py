"""Datasets for ``fit``: ``image_dataset_from_directory``, ``text_dataset_from_directory``,
``timeseries_dataset_from_array``. They return ``torchkeras.data.Dataset`` (``tf.data``);
``Dataset`` and ``AUTOTUNE`` are re-exported here for the old import path.
"""
from __future__ import annotations

import os
from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.data import AUTOTUNE, Dataset
from torchkeras.preprocessing import image as image_module

__all__ = ["AUTOTUNE", "Dataset", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]


# ------------------------------------------------------------------ indexing
def _index_directory(directory: str, labels: Any, formats: Tuple[str, ...],
                     class_names: Optional[List[str]], shuffle: bool, seed: Optional[int],
                     follow_links: bool) -> Tuple[List[str], Optional[np.ndarray], List[str]]:
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
        if class_names:
            if sorted(class_names) != sorted(subdirs) and set(class_names) - set(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs}, "
                                 f"but received: {class_names}")
            subdirs = list(class_names)
        class_names = subdirs
    else:
        subdirs = [""]
        class_names = list(class_names or [])
    paths, label_ids = [], []
    for index, subdir in enumerate(subdirs):
        root = os.path.join(directory, subdir)
        for dirpath, _, names in sorted(os.walk(root, followlinks=follow_links)):
            for fname in sorted(names):
                if fname.lower().endswith(formats):
                    paths.append(os.path.join(dirpath, fname))
                    label_ids.append(index)
    if labels in ("inferred", None):
        label_array = np.asarray(label_ids, dtype="int32") if labels == "inferred" else None
    else:
        label_array = np.asarray(labels)
        if len(label_array) != len(paths):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(label_array)} while "
                             f"we found {len(paths)} files in directory {directory}.")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, class_names


def _split(samples: List[str], labels: Optional[np.ndarray], validation_split: Optional[float],
           subset: Optional[str]) -> Tuple[List[str], Optional[np.ndarray]]:
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
    if subset not in ("training", "validation", None):
        raise ValueError('`subset` must be either "training", "validation" or None, '
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
            seed: Optional[int]) -> Dataset:
    if shuffle:
        dataset = dataset.shuffle(buffer_size=(batch_size or 1) * 8, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset


def _check_label_mode(label_mode: Optional[str], labels: Any, num_classes: int) -> None:
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if label_mode == "binary" and num_classes != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={num_classes} classes")


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
                                 **kwargs: Any) -> Dataset:
    """Batches of ``(images, labels)`` from ``directory/<class>/<image>`` (needs Pillow).

    Images are float32 arrays of shape ``image_size + (channels,)`` with values 0..255; the
    result has ``class_names`` and ``file_paths`` like Keras's dataset.
    """
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None and shuffle:
        seed = np.random.randint(1e6)
    formats = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
    paths, label_ids, class_names = _index_directory(directory, labels, formats, class_names,
                                                     shuffle, seed, follow_links)
    _check_label_mode(label_mode, labels, len(class_names))
    paths, label_ids = _split(paths, label_ids, validation_split, subset)
    print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    size = tuple(image_size)

    def load(path: Any) -> torch.Tensor:
        img = image_module.load_img(str(path), color_mode=color_mode, target_size=size,
                                    interpolation=interpolation,
                                    keep_aspect_ratio=crop_to_aspect_ratio)
        return torch.from_numpy(image_module.img_to_array(img, data_format="channels_last",
                                                          dtype="float32"))

    images = Dataset.from_tensor_slices(np.asarray(paths, dtype=object)).map(load)
    dataset = _finish(_labelled(images, label_ids, label_mode, len(class_names)), batch_size,
                      shuffle, seed)
    dataset.class_names = class_names
    dataset.file_paths = paths
    return dataset


def text_dataset_from_directory(directory: str, labels: Any = "inferred",
                                label_mode: Optional[str] = "int",
                                class_names: Optional[List[str]] = None,
                                batch_size: Optional[int] = 32, max_length: Optional[int] = None,
                                shuffle: bool = True, seed: Optional[int] = None,
                                validation_split: Optional[float] = None,
                                subset: Optional[str] = None,
                                follow_links: bool = False) -> Dataset:
    """Batches of ``(texts, labels)`` from ``directory/<class>/<file>.txt``; texts are a NumPy
    array of Python strings (truncated to ``max_length`` characters)."""
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None and shuffle:
        seed = np.random.randint(1e6)
    paths, label_ids, class_names = _index_directory(directory, labels, (".txt",), class_names,
                                                     shuffle, seed, follow_links)
    _check_label_mode(label_mode, labels, len(class_names))
    paths, label_ids = _split(paths, label_ids, validation_split, subset)
    print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")

    def read(path: Any) -> str:
        with open(str(path), encoding="utf-8") as handle:
            text = handle.read()
        return text[:max_length] if max_length is not None else text

    texts = Dataset.from_tensor_slices(np.asarray(paths, dtype=object)).map(read)
    dataset = _finish(_labelled(texts, label_ids, label_mode, len(class_names)), batch_size,
                      shuffle, seed)
    dataset.class_names = class_names
    dataset.file_paths = paths
    return dataset


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
