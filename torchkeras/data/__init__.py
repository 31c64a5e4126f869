"""``tf.data`` on torch.utils.data: ``Dataset``, ``TextLineDataset``, ``TFRecordDataset``, ``Options``, ``AUTOTUNE``.

``import torchkeras.data as data; data.Dataset.from_tensor_slices(...)``, or ``tf.data`` through
the compat runner. See dataset.py (the lazy description), pipeline.py (how it runs) and
structure.py (elements and ``TensorSpec``).
"""
from __future__ import annotations

from typing import Any

from torchkeras.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset, TextLineDataset
from torchkeras.data import experimental, ragged
from torchkeras.data.experimental import cardinality
from torchkeras.data.errors import InvalidArgumentError, OpError, OutOfRangeError
from torchkeras.data.iterator import DatasetIterator
from torchkeras.data.optional import Optional
from torchkeras.data.options import AutoShardPolicy, Options, ThreadingOptions
from torchkeras.data.tfrecord import TFRecordDataset
from torchkeras.data.fixed_length_record import FixedLengthRecordDataset
from torchkeras.data.structure import SparseTensorSpec, TensorSpec, string

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "AutoShardPolicy",
           "Dataset", "DatasetIterator", "InvalidArgumentError", "OpError", "Optional",
           "FixedLengthRecordDataset", "Options", "OutOfRangeError", "SparseTensorSpec", "TFRecordDataset", "TensorSpec",
           "TextLineDataset", "ThreadingOptions", "cardinality", "experimental", "ragged",
           "string"]


def __getattr__(name: str) -> Any:
    raise AttributeError(f"`tf.data.{name}` is not provided by torchkeras.")
