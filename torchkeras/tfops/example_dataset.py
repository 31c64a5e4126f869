"""``tf.data.experimental.parse_example_dataset`` and ``make_batched_features_dataset``:
datasets of ``tf.train.Example`` records parsed with :func:`parsing.parse_example`, composed
of Dataset methods in TF's order (files -> interleave -> shuffle -> repeat -> batch -> parse
-> label -> prefetch)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

from torchkeras.data.dataset import AUTOTUNE, Dataset
from torchkeras.data.structure import TensorSpec, flatten
from torchkeras.data.tfrecord import TFRecordDataset
from torchkeras.tfops.parsing import parse_example

__all__ = ["make_batched_features_dataset", "parse_example_dataset"]

Transformation = Callable[[Dataset], Dataset]


def parse_example_dataset(features: Dict[str, Any], num_parallel_calls: int = 1,
                          deterministic: Optional[bool] = None) -> Transformation:
    """A transformation parsing a dataset of string vectors (batches of serialized
    ``tf.train.Example``) to dicts of batched features, as ``tf.io.parse_example``."""
    if features is None:
        raise ValueError("Argument `features` is required, but not specified.")

    def apply(dataset: Dataset) -> Dataset:
        spec = dataset.element_spec
        if not isinstance(spec, TensorSpec) or spec.dtype_name != "string" or \
                (spec.shape is not None and len(spec.shape) != 1):
            raise TypeError("`tf.data.experimental.parse_example_dataset`: the input dataset "
                            "must be a dataset of vectors of strings (batch the serialized "
                            f"records first); received element_spec={spec}.")
        return dataset.map(lambda serialized: parse_example(serialized, features),
                           num_parallel_calls=num_parallel_calls, deterministic=deterministic)

    return apply


def _key_value_pairs(dataset: Dataset) -> bool:
    spec = dataset.element_spec
    return isinstance(spec, tuple) and len(spec) == 2 and all(
        isinstance(s, TensorSpec) and s.dtype_name == "string" for s in flatten(spec))


def make_batched_features_dataset(file_pattern: Any, batch_size: int, features: Dict[str, Any],
                                  reader: Optional[Callable[..., Dataset]] = None,
                                  label_key: Optional[str] = None,
                                  reader_args: Optional[Sequence[Any]] = None,
                                  num_epochs: Optional[int] = None, shuffle: bool = True,
                                  shuffle_buffer_size: int = 10000,
                                  shuffle_seed: Optional[int] = None,
                                  prefetch_buffer_size: Optional[int] = None,
                                  reader_num_threads: Optional[int] = None,
                                  parser_num_threads: Optional[int] = None,
                                  sloppy_ordering: bool = False,
                                  drop_final_batch: bool = False) -> Dataset:
    """Batches of feature dicts (``(features, label)`` with ``label_key``) from the
    ``tf.train.Example`` records of the files matching ``file_pattern``. As TF,
    ``num_epochs=None`` repeats forever (and drops the last partial batch)."""
    reader = TFRecordDataset if reader is None else reader
    reader_num_threads = 1 if reader_num_threads is None else reader_num_threads
    parser_num_threads = 2 if parser_num_threads is None else parser_num_threads
    prefetch_buffer_size = AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size
    if label_key and label_key not in features:
        raise ValueError(f"The `label_key` provided ({label_key}) must be one of the "
                         f"`features` keys: {list(features)}.")
    arguments = list(reader_args or [])
    dataset = Dataset.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    dataset = dataset.interleave(lambda filename: reader(filename, *arguments),
                                 cycle_length=reader_num_threads, block_length=1)
    if _key_value_pairs(dataset):
        dataset = dataset.map(lambda _, value: value)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = dataset.apply(parse_example_dataset(features, parser_num_threads))
    if label_key:
        dataset = dataset.map(lambda x: (x, x.pop(label_key)))
    return dataset.prefetch(prefetch_buffer_size)
