"""``tf.data.experimental``: the transformation functions (for ``Dataset.apply``) and
constructors tutorials still call by their experimental names."""
from __future__ import annotations

import typing
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from torchkeras.data import legacy_experimental
from torchkeras.data.legacy_experimental import (  # noqa: F401  (TF's deprecated names)
    SHARD_HINT, RandomDataset, assert_cardinality, at, copy_to_device, dense_to_sparse_batch,
    enable_debug_mode, from_list, get_structure, map_and_batch, parallel_interleave,
    prefetch_to_device, shuffle_and_repeat, unbatch)
from torchkeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from torchkeras.data.csv_dataset import CsvDataset, make_csv_dataset
from torchkeras.data.iterator import get_next_as_optional
from torchkeras.data.optional import Optional
from torchkeras.data.options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions,
                                     DistributeOptions, ExternalStatePolicy, OptimizationOptions,
                                     ServiceOptions, ThreadingOptions)
from torchkeras.data.reducer import Reducer, group_by_reducer
from torchkeras.data.sql_dataset import SqlDataset
from torchkeras.data.structure import TensorSpec, map_leaves, to_leaf
from torchkeras.data.tfrecord import DatasetTFRecordWriter as TFRecordWriter

__all__ = ["AUTOTUNE", "AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "Counter",
           "DistributeOptions", "ExternalStatePolicy", "OptimizationOptions", "Optional",
           "Reducer", "ServiceOptions", "SqlDataset", "ThreadingOptions", "get_next_as_optional",
           "group_by_reducer", "pad_to_cardinality", "CsvDataset", "INFINITE_CARDINALITY",
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


def save(dataset: Dataset, path: str, compression: typing.Optional[str] = None,
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


def group_by_window(key_func: Callable, reduce_func: Callable,
                    window_size: typing.Optional[int] = None,
                    window_size_func: typing.Optional[Callable] = None) -> Transformation:
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
                       seed: typing.Optional[int] = None) -> Transformation:
    """``Dataset.rejection_resample`` as a transformation."""
    return lambda dataset: dataset.rejection_resample(class_func, target_dist, initial_dist,
                                                      seed)


def snapshot(path: str, compression: typing.Optional[str] = "AUTO", reader_func: Any = None,
             shard_func: Any = None) -> Transformation:
    """``Dataset.snapshot`` as a transformation."""
    return lambda dataset: dataset.snapshot(path, compression, reader_func, shard_func)


def _zeros(spec: TensorSpec) -> Any:
    """A zero (empty string) leaf of ``spec``, as TF's ``zeros(spec.shape, spec.dtype)``."""
    if spec.shape is None or None in spec.shape:
        raise ValueError("`tf.data.experimental.pad_to_cardinality` needs every component's "
                         f"shape to be fully defined, received the component spec {spec}.")
    if spec.dtype_name == "string":
        return to_leaf(np.full(spec.shape, "", dtype=object) if spec.shape else "")
    return torch.zeros(spec.shape, dtype=spec.dtype)


def pad_to_cardinality(cardinality: int, mask_key: str = "valid") -> Transformation:
    """Pads a dataset of dict elements with zero elements up to ``cardinality``; each
    element gets ``element[mask_key]``: True for the real ones, False for the padding."""
    target = int(cardinality)

    def apply(dataset: Dataset) -> Dataset:
        count = int(dataset.cardinality())
        if count < 0:
            raise ValueError("The dataset passed into `pad_to_cardinality` must have a known "
                             f"cardinalty, but has cardinality {count}")
        if count > target:
            raise ValueError("The dataset passed into `pad_to_cardinality` must have a "
                             f"cardinalty less than the target cardinality ({target}), but "
                             f"has cardinality {count}")
        spec = dataset.element_spec
        if not isinstance(spec, Mapping):
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a "
                             "dictionary.")
        filler = dict(map_leaves(_zeros, spec))
        filler[mask_key] = False

        def valid(element: Any) -> Any:
            element = dict(element)
            element[mask_key] = True
            return element

        padding = Dataset.from_tensors(filler).repeat(target - count)
        return dataset.map(valid).concatenate(padding)

    return apply
