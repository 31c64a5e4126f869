"""``tf.data.experimental.DatasetInitializer``, ``table_from_dataset`` and
``index_table_from_dataset``: ``tf.lookup`` tables (torchkeras/tfops/lookup.py) filled from
a dataset of (key, value) scalars or of keys."""
from __future__ import annotations

from typing import Any, Hashable, List, Optional, Tuple

from torchkeras.data.dataset import Dataset
from torchkeras.data.errors import FailedPreconditionError
from torchkeras.tfops import lookup
from torchkeras.tfops.lookup import FastHashSpec, HasherSpec

__all__ = ["DatasetInitializer", "index_table_from_dataset", "table_from_dataset"]

_INTEGER = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


class DatasetInitializer(lookup.TableInitializerBase):
    """Pairs from a dataset of (key, value) scalars, for ``tf.lookup.StaticHashTable``."""

    def __init__(self, dataset: Dataset, vocab_size: Optional[int] = None) -> None:
        self.dataset = dataset
        spec = dataset.element_spec
        problem = lookup.dataset_spec_error(spec)
        if problem is not None:
            raise ValueError(f"`tf.data.experimental.DatasetInitializer`: {problem}")
        self._vocab_size = vocab_size
        super().__init__(spec[0].dtype_name, spec[1].dtype_name)

    def pairs(self) -> Tuple[List[Hashable], List[Any]]:
        keys: List[Hashable] = []
        values: List[Any] = []
        dataset = self.dataset if self._vocab_size is None else \
            self.dataset.take(self._vocab_size)
        for key, value in dataset:
            keys.extend(lookup.flat_keys(key)[0])
            values.extend(lookup.flat_keys(value)[0])
        values = [v.decode("utf-8", errors="surrogateescape") if isinstance(v, bytes) else v
                  for v in values]
        if self._vocab_size is not None and len(keys) != self._vocab_size:
            raise FailedPreconditionError(f"`tf.data.experimental.DatasetInitializer`: Input "
                                          "dataset was expected to contain "
                                          f"{self._vocab_size} elements but contained only "
                                          f"{len(keys)} elements.")
        return keys, values


def table_from_dataset(dataset: Optional[Dataset] = None, num_oov_buckets: int = 0,
                       vocab_size: Optional[int] = None, default_value: Any = None,
                       hasher_spec: HasherSpec = FastHashSpec, key_dtype: Any = "string",
                       name: Optional[str] = None) -> lookup.LookupInterface:
    """A table of the dataset's (key, value) pairs; with ``num_oov_buckets``, other keys get
    ``size + hash(key) % num_oov_buckets`` (int64 values only)."""
    where = "tf.data.experimental.table_from_dataset"
    spec = dataset.element_spec
    problem = lookup.dataset_spec_error(spec)
    if problem is not None:
        raise ValueError(f"`{where}`: {problem}")
    if default_value is None:
        default_value = -1
        if spec[1].dtype_name == "string" or spec[1].dtype_name == "bool":
            raise ValueError(f"`{where}`: `default_value` must be specified when creating a "
                             "table from a dataset that produces values of type "
                             f"{lookup.tf_repr(spec[1].dtype_name)}.")
    if num_oov_buckets < 0:
        raise ValueError(f"`{where}`: `num_oov_buckets` must be greater than or equal to 0, "
                         f"got {num_oov_buckets}.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"`{where}`: `vocab_size` must be greater than 0, got {vocab_size}.")
    key_name = lookup.dtype_name(key_dtype)
    if key_name not in _INTEGER + ("string",):
        raise TypeError(f"`{where}`: `key_dtype` must be either an integer or string type, "
                        f"but got {lookup.tf_repr(key_name)}")
    table = lookup.StaticHashTable(DatasetInitializer(dataset, vocab_size), default_value,
                                   name=name)
    if num_oov_buckets:
        return lookup.IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec, key_dtype,
                                             name, where)
    return table


def index_table_from_dataset(dataset: Optional[Dataset] = None, num_oov_buckets: int = 0,
                             vocab_size: Optional[int] = None, default_value: Any = -1,
                             hasher_spec: HasherSpec = FastHashSpec, key_dtype: Any = "string",
                             name: Optional[str] = None) -> lookup.LookupInterface:
    """A table mapping each key of the dataset to its position (int64), as
    ``table_from_dataset(dataset.enumerate().map(lambda i, k: (k, i)), ...)``."""
    return table_from_dataset(dataset.enumerate().map(lambda index, key: (key, index)),
                              num_oov_buckets, vocab_size, default_value, hasher_spec,
                              key_dtype, name)
