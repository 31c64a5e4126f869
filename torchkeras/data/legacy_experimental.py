"""The deprecated ``tf.data.experimental`` names older tutorials call (``map_and_batch``,
``parallel_interleave``, ``shuffle_and_repeat``, ``unbatch``, ...), written, as TF defines
them, with the ``Dataset`` methods that replaced them; and, for the names torchkeras does not
provide, what to use instead."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Optional, Sequence

from torchkeras.data.dataset import INFINITE, Dataset

__all__ = ["RandomDataset", "SHARD_HINT", "assert_cardinality", "at", "copy_to_device",
           "dense_to_sparse_batch", "enable_debug_mode", "from_list", "get_structure",
           "map_and_batch", "parallel_interleave", "prefetch_to_device", "shuffle_and_repeat", "unbatch"]

Transformation = Callable[[Dataset], Dataset]
SHARD_HINT = -1  # ``shard(SHARD_HINT, SHARD_HINT)`` under AutoShardPolicy.HINT

RandomDataset = Dataset.random


def map_and_batch(map_func: Callable, batch_size: int, num_parallel_batches: Optional[int] = None,
                  drop_remainder: bool = False,
                  num_parallel_calls: Optional[int] = None) -> Transformation:
    """``map(map_func)`` followed by ``batch(batch_size, drop_remainder)``."""
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError("`map_and_batch()` accepts either `num_parallel_batches` or "
                         "`num_parallel_calls`, received both: "
                         f"num_parallel_batches={num_parallel_batches}, "
                         f"num_parallel_calls={num_parallel_calls}.")
    return lambda dataset: dataset.map(map_func, num_parallel_calls).batch(
        batch_size, drop_remainder=drop_remainder)


def parallel_interleave(map_func: Callable, cycle_length: int, block_length: int = 1,
                        sloppy: Optional[bool] = False,
                        buffer_output_elements: Optional[int] = None,
                        prefetch_input_elements: Optional[int] = None) -> Transformation:
    """``interleave(map_func, cycle_length, block_length)``; ``sloppy`` only allowed TF to
    reorder, torchkeras keeps the deterministic order."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


def shuffle_and_repeat(buffer_size: int, count: Optional[int] = None,
                       seed: Optional[int] = None) -> Transformation:
    """``shuffle(buffer_size, seed)`` followed by ``repeat(count)`` (a new order each pass)."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def dense_to_sparse_batch(batch_size: int, row_shape: Any) -> Transformation:
    """``Dataset.sparse_batch(batch_size, row_shape)`` as a transformation (TF's
    deprecated name)."""
    return lambda dataset: dataset.sparse_batch(batch_size, row_shape)


def unbatch() -> Transformation:
    """``Dataset.unbatch()`` as a transformation."""
    return lambda dataset: dataset.unbatch()


def prefetch_to_device(device: str, buffer_size: Optional[int] = None) -> Transformation:
    """``prefetch(buffer_size)``: ``fit`` moves each batch to the model's device itself."""
    return lambda dataset: dataset.prefetch(buffer_size)


def copy_to_device(target_device: str, source_device: str = "/cpu:0") -> Transformation:
    """The dataset unchanged: ``fit`` moves each batch to the model's device itself."""
    return lambda dataset: dataset


def assert_cardinality(expected_cardinality: int) -> Transformation:
    """Declares the dataset's cardinality; iterating raises if it holds another count."""
    expected = int(expected_cardinality)

    def apply(dataset: Dataset) -> Dataset:
        def make() -> Iterator[Any]:
            seen = 0
            for element in dataset:
                seen += 1
                if expected != INFINITE and seen > expected:
                    raise RuntimeError(f"Input dataset was expected to contain {expected} "
                                       f"elements but contained at least {seen} elements.")
                yield element
            if expected == INFINITE or seen < expected:
                raise RuntimeError(
                    f"Input dataset was expected to contain "
                    f"{'an infinite number of' if expected == INFINITE else expected} "
                    f"elements but contained only {seen} elements.")

        return Dataset(make, expected, lambda: dataset.element_spec, dataset.options())

    return apply


def at(dataset: Dataset, index: int) -> Any:
    """The element at ``index`` (``tf.data.experimental.at``)."""
    index = int(index)
    count = int(dataset.cardinality())
    if index < 0 or (count >= 0 and index >= count):
        raise IndexError(f"`tf.data.experimental.at`: Index out of range [0, {count}):{index}")
    for element in dataset.skip(index).take(1):
        return element
    raise IndexError(f"`tf.data.experimental.at`: Index out of range: the dataset has fewer "
                     f"than {index + 1} elements.")


def from_list(elements: Sequence[Any], name: Optional[str] = None) -> Dataset:
    """A dataset of ``elements`` in order; rows of different lengths are allowed (their
    spec has ``None`` there)."""
    if not elements:
        raise ValueError("`tf.data.experimental.from_list` requires at least one element, "
                         "received an empty list.")
    parts = [Dataset.from_tensors(element) for element in elements]
    while len(parts) > 1:  # pairwise: nesting depth log2(len(elements))
        parts = [parts[i].concatenate(parts[i + 1]) if i + 1 < len(parts) else parts[i]
                 for i in range(0, len(parts), 2)]
    return parts[0]


def get_structure(dataset_or_iterator: Any) -> Any:
    """The ``element_spec`` of a dataset (torchkeras's iterators are plain Python
    iterators, without one: pass the dataset)."""
    spec = getattr(dataset_or_iterator, "element_spec", None)
    if spec is None:
        raise TypeError("`tf.data.experimental.get_structure` expects a `tf.data.Dataset` "
                        "(torchkeras's dataset iterators carry no `element_spec`; pass the "
                        f"dataset), received: {type(dataset_or_iterator).__name__}.")
    return spec


def enable_debug_mode() -> None:
    """Accepted: torchkeras runs every dataset function eagerly already."""
    return None


# The names TF 2.21's tf.data.experimental has and torchkeras does not: what to use instead.
NOT_PROVIDED: Dict[str, str] = {
    "service": "torchkeras has no tf.data service; read data in the training process.",
    "distributed_save": "use `Dataset.save`.",
    "from_variant": "torchkeras datasets are Python objects, with no variant tensor.",
    "to_variant": "torchkeras datasets are Python objects, with no variant tensor.",
    "get_model_proto": "torchkeras's pipeline has no autotune model.",
    "make_saveable_from_iterator": "save the model's weights; iterators are not checkpointed.",
}
