"""``tf.data.experimental``: the transformation functions (for ``Dataset.apply``) and
constructors tutorials still call by their experimental names."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import torch

from torchkeras.data import legacy_experimental
from torchkeras.data.legacy_experimental import (  # noqa: F401  (TF's deprecated names)
    SHARD_HINT, RandomDataset, assert_cardinality, at, copy_to_device, dense_to_sparse_batch,
    enable_debug_mode, from_list, get_structure, map_and_batch, parallel_interleave,
    prefetch_to_device, shuffle_and_repeat, unbatch)
from torchkeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from torchkeras.data.csv_dataset import CsvDataset, make_csv_dataset
from torchkeras.data.options import AutoShardPolicy
from torchkeras.data.tfrecord import DatasetTFRecordWriter as TFRecordWriter

__all__ = ["AUTOTUNE", "AutoShardPolicy", "Counter", "CsvDataset", "INFINITE_CARDINALITY",
           "TFRecordWriter", "UNKNOWN_CARDINALITY", "bucket_by_sequence_length", "cardinality",
           "choose_from_datasets", "dense_to_ragged_batch", "enumerate_dataset",
           "get_single_element", "group_by_window", "ignore_errors", "load", "make_csv_dataset",
           "rejection_resample", "sample_from_datasets", "save", "scan", "snapshot",
           "take_while", "unique"]

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN
Transformation = Callable[[Dataset], Dataset]
__all__ += legacy_experimental.__all__
NOT_PROVIDED = legacy_experimental.NOT_PROVIDED  # name -> what to use instead

sample_from_datasets = Dataset.sample_from_datasets
load = Dataset.load


def choose_from_datasets(datasets: Sequence[Dataset], choice_dataset: Dataset,
                         stop_on_empty_dataset: bool = False) -> Dataset:
    """As ``Dataset.choose_from_datasets``, but (as TF's experimental endpoint) passing over
    an exhausted dataset by default."""
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def cardinality(dataset: Dataset) -> torch.Tensor:
    """``tf.data.experimental.cardinality(dataset)``."""
    return dataset.cardinality()


def Counter(start: int = 0, step: int = 1, dtype: Any = None) -> Dataset:  # noqa: N802
    return Dataset.counter(start, step, dtype)


def save(dataset: Dataset, path: str, compression: Optional[str] = None,
         shard_func: Any = None, checkpoint_args: Any = None) -> None:
    dataset.save(path, compression, shard_func, checkpoint_args)


def get_single_element(dataset: Dataset) -> Any:
    return dataset.get_single_element()


def bucket_by_sequence_length(element_length_func: Callable, bucket_boundaries: Sequence[int],
                              bucket_batch_sizes: Sequence[int], padded_shapes: Any = None,
                              padding_values: Any = None, pad_to_bucket_boundary: bool = False,
                              no_padding: bool = False,
                              drop_remainder: bool = False) -> Transformation:
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def group_by_window(key_func: Callable, reduce_func: Callable, window_size: Optional[int] = None,
                    window_size_func: Optional[Callable] = None) -> Transformation:
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size,
                                                   window_size_func)


def scan(initial_state: Any, scan_func: Callable) -> Transformation:
    return lambda dataset: dataset.scan(initial_state, scan_func)


def ignore_errors(log_warning: bool = False) -> Transformation:
    return lambda dataset: dataset.ignore_errors(log_warning)


def take_while(predicate: Callable) -> Transformation:
    return lambda dataset: dataset.take_while(predicate)


def unique() -> Transformation:
    return lambda dataset: dataset.unique()


def enumerate_dataset(start: int = 0) -> Transformation:
    return lambda dataset: dataset.enumerate(start)


def dense_to_ragged_batch(batch_size: int, drop_remainder: bool = False,
                          row_splits_dtype: Any = None) -> Transformation:
    """``Dataset.ragged_batch`` as a transformation (TF's deprecated name)."""
    return lambda dataset: dataset.ragged_batch(batch_size, drop_remainder, row_splits_dtype)


def rejection_resample(class_func: Callable, target_dist: Any, initial_dist: Any = None,
                       seed: Optional[int] = None) -> Transformation:
    """``Dataset.rejection_resample`` as a transformation."""
    return lambda dataset: dataset.rejection_resample(class_func, target_dist, initial_dist,
                                                      seed)


def snapshot(path: str, compression: Optional[str] = "AUTO", reader_func: Any = None,
             shard_func: Any = None) -> Transformation:
    """``Dataset.snapshot`` as a transformation."""
    return lambda dataset: dataset.snapshot(path, compression, reader_func, shard_func)
