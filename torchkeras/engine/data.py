"""Feeding data to fit/evaluate/predict.

In-memory arrays (NumPy, lists, tensors, and lists/dicts of them) are moved to the device
once and batched by index: slices when not shuffled, a per-epoch ``randperm`` gather when
shuffled. No DataLoader, no per-batch host work. Generators, ``keras.utils.Sequence`` and
torch ``Dataset``/``DataLoader`` are iterated and each batch moved to the device.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.data import sparse
from torchkeras.engine import data_placement as placement
from torchkeras.graph.convert import to_tensor
from torchkeras.backend import nest

Batch = Tuple[Any, Any, Any]  # (x, y, sample_weight), each a structure of tensors or None


def is_pandas(value: Any) -> bool:
    """A pandas object, told by its type's module (pandas itself is never imported)."""
    return type(value).__module__.startswith("pandas")


def pandas_to_numpy(value: Any) -> np.ndarray:
    """tf-keras's conversion: a ``DataFrame`` is its 2-D array, a ``Series`` a column of
    shape ``(samples, 1)``; one ``to_numpy()`` (zero-copy where pandas allows)."""
    array = value.to_numpy()
    return np.expand_dims(array, -1) if array.ndim == 1 else array


def is_array_like(value: Any) -> bool:
    if isinstance(value, (np.ndarray, torch.Tensor, sparse.SparseTensor)) or is_pandas(value):
        return True
    if isinstance(value, (list, tuple)):
        return len(value) > 0 and all(
            is_array_like(v) or isinstance(v, (int, float, np.number, bool, str, bytes))
            for v in value)
    if isinstance(value, dict):
        return all(is_array_like(v) for v in value.values())
    return False


def is_iterable_source(value: Any) -> bool:
    """A generator, ``Sequence``, iterator or torch ``Dataset``/``DataLoader``."""
    if value is None or is_array_like(value):
        return False
    return (hasattr(value, "__next__") or hasattr(value, "__iter__") or
            hasattr(value, "__getitem__"))


def _is_plain_number_list(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_plain_number_list(v) for v in value)
    return isinstance(value, (int, float, bool, np.number))


def _is_plain_string_list(value: Any) -> bool:
    """``["some text", ...]`` (or nested): one array of strings, not a list of inputs."""
    if isinstance(value, (list, tuple)):
        return len(value) > 0 and all(_is_plain_string_list(v) for v in value)
    return isinstance(value, (str, bytes, np.str_, np.bytes_))


def leaf_dtypes(x: Any, count: int, input_dtypes: Any) -> List[Optional[str]]:
    """One input dtype per leaf of ``x`` (``count`` leaves): ``input_dtypes`` is a list in
    input order, or a dict by input name that a dict of inputs is matched against."""
    if isinstance(input_dtypes, dict):
        if isinstance(x, dict) and set(x) <= set(input_dtypes) and len(x) == count:
            return [input_dtypes[k] for k in sorted(x)]  # nest.flatten's order
        input_dtypes = list(input_dtypes.values())
    if input_dtypes and len(input_dtypes) == count:
        return list(input_dtypes)
    return [None] * count


STRING_COLUMN = "string_column"  # the dtype entry of an Input(shape=(1,), dtype="string")


def _x_leaf(leaf: Any, device: torch.device, dtype: Optional[str]) -> Any:
    """One input array as a tensor; strings (for a string or unknown input) stay a NumPy
    array, and a rank-1 one meant for a ``(None, 1)`` input gets its column axis (tf-keras's
    expand_1d)."""
    if dtype == STRING_COLUMN:
        array = to_tensor(leaf, device, None, keep_strings=True)
        return array[:, None] if isinstance(array, np.ndarray) and array.ndim == 1 else array
    # strings stay for a string input, and for a model whose inputs are not known yet (its
    # first layer decides: a user's Layer takes them, a built-in numeric one refuses them)
    return to_tensor(leaf, device, None, keep_integers=bool(dtype and not dtype.startswith(
        "float")), keep_strings=dtype is None or dtype == "string")


def standardize_arrays(value: Any) -> Any:
    """Lists of numbers become one array; lists of arrays stay a list of inputs; pandas
    ``DataFrame``/``Series`` become NumPy arrays (see :func:`pandas_to_numpy`)."""
    if value is None:
        return None
    if is_pandas(value):
        return pandas_to_numpy(value)
    if isinstance(value, (list, tuple)) and (_is_plain_number_list(value) or
                                             _is_plain_string_list(value)):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        return [standardize_arrays(v) for v in value]
    if isinstance(value, dict):
        return {k: standardize_arrays(v) for k, v in value.items()}
    return value


def num_samples(structure: Any, argument: str) -> int:
    sizes = [int(leaf.shape[0]) if len(getattr(leaf, "shape", ())) else 1
             for leaf in nest.flatten(structure) if leaf is not None]
    if not sizes:
        raise ValueError(f"Unexpected value for `{argument}`: it holds no data.")
    return sizes[0]


def check_sample_counts(x: Any, y: Any, sample_weight: Any) -> int:
    """Keras's error when x, y and sample_weight hold different numbers of samples."""
    counts = {}
    for label, structure in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if structure is None:
            continue
        for leaf in nest.flatten(structure):
            if leaf is None:
                continue
            shape = getattr(leaf, "shape", ())
            if len(shape) == 0:
                raise ValueError(f"Expected a batched array for `{label}`, received a scalar.")
            counts.setdefault(label, []).append(int(shape[0]))
    all_sizes = {s for sizes in counts.values() for s in sizes}
    if len(all_sizes) > 1:
        details = "\n".join(f"  {label} sizes: {', '.join(map(str, sizes))}"
                            for label, sizes in counts.items())
        raise ValueError("Data cardinality is ambiguous:\n" + details +
                         "\nMake sure all arrays contain the same number of samples.")
    size = all_sizes.pop() if all_sizes else 0
    if size == 0:
        raise ValueError("Expected input data to be non-empty.")
    return size


def train_validation_split(arrays: Sequence[Any], validation_split: float):
    """Keras 2's split: the last ``validation_split`` fraction, before any shuffling."""
    if not 0 <= validation_split < 1:
        raise ValueError("`validation_split` must be in the range [0, 1). Received: "
                         f"validation_split={validation_split}")
    size = num_samples([a for a in arrays if a is not None], "x")
    split_at = int(math.floor(size * (1.0 - validation_split)))
    if split_at == 0 or split_at == size:
        raise ValueError(f"Training data contains {size} samples, which is not sufficient to "
                         "split it into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, or a "
                         "different value for the `validation_split` argument.")

    def split(structure, start, stop):
        if structure is None:
            return None
        return nest.map_structure(lambda a: a[start:stop], structure)

    train = tuple(split(a, 0, split_at) for a in arrays)
    val = tuple(split(a, split_at, size) for a in arrays)
    return train, val


def class_weight_to_sample_weight(y: Any, class_weight: Dict[int, float],
                                  sample_weight: Any) -> np.ndarray:
    """Per-sample weights from ``class_weight`` (times ``sample_weight``), as Keras 2."""
    if isinstance(y, (list, tuple, dict)) and len(nest.flatten(y)) > 1:
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    labels = nest.flatten(y)[0]
    labels = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else \
        np.asarray(labels)
    class_ids = sorted(class_weight)
    if class_ids != list(range(len(class_ids))):
        raise ValueError("Expected `class_weight` to be a dict with keys from 0 to one less "
                         f"than the number of classes, found {class_weight}")
    table = np.asarray([class_weight[i] for i in class_ids], dtype=np.float32)
    if labels.ndim == 2 and labels.shape[1] > 1:
        classes = np.argmax(labels, axis=1)
    else:
        classes = labels.reshape(-1).astype(np.int64)
    if classes.size and (classes.min() < 0 or classes.max() >= len(table)):
        raise ValueError(f"`class_weight` has no entry for class {int(classes.max())}; "
                         f"received class_weight={class_weight}")
    weights = table[classes]
    if sample_weight is not None:
        weights = weights * np.asarray(_to_numpy(sample_weight), dtype=np.float32).reshape(-1)
    return weights


def _to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _home(value: Any) -> torch.device:
    """Where a leaf's tensor is built: a tensor's own device, the host for anything else."""
    return value.device if isinstance(value, torch.Tensor) else torch.device("cpu")


def _take_rows(value: Any, index: Any) -> Any:
    """Rows ``index`` (a slice or an index tensor) of a tensor, a sparse tensor (a
    tf.SparseTensor ``x``) or a NumPy array of strings."""
    if isinstance(value, torch.Tensor):
        if value.is_sparse:
            return sparse.take_rows(value, index)
        return value[index] if isinstance(index, slice) else value.index_select(0, index)
    return value[index if isinstance(index, slice) else index.cpu().numpy()]


class ArrayData:
    """In-memory data on the device (streamed from the host when too large for it),
    batched by index."""

    shard = None  # distributed: this process's share of each batch (distribute.BatchShard)
    generator = None  # distributed: the shuffling generator every process shares

    def __init__(self, x: Any, y: Any, sample_weight: Any, batch_size: int, shuffle: Any,
                 device: torch.device, input_dtypes: Any = None):
        self.size = check_sample_counts(x, y, sample_weight)
        self.batch_size = batch_size
        self.shuffle = shuffle
        flat_x = nest.flatten(x)
        dtypes = leaf_dtypes(x, len(flat_x), input_dtypes)
        # Converted where the data lies (NumPy: the host, zero-copy for float32), then
        # copied to the device once if it fits there, else batches stream from the host.
        self.x = nest.pack_sequence_as(x, [_x_leaf(leaf, _home(leaf), dt)
                                           for leaf, dt in zip(flat_x, dtypes)])
        self.y = None if y is None else nest.map_structure(
            lambda a: None if a is None else to_tensor(a, _home(a)), y)
        self.sample_weight = None if sample_weight is None else nest.map_structure(
            lambda a: to_tensor(a, _home(a), keep_integers=False), sample_weight)
        self.device = device
        host = [t for t in nest.flatten([self.x, self.y, self.sample_weight])
                if isinstance(t, torch.Tensor) and t.device != device]
        self.streamed = bool(host) and not placement.fits_on_device(device, host)
        if self.streamed:  # (rare) larger than the device budget: pinned host copies
            self.x, self.y, self.sample_weight = placement.pin(
                (self.x, self.y, self.sample_weight))
        else:
            self.x, self.y, self.sample_weight = placement.to_device(
                (self.x, self.y, self.sample_weight), device)

    @property
    def steps(self) -> int:
        return int(math.ceil(self.size / self.batch_size))

    def _take(self, structure: Any, index: Any) -> Any:
        if structure is None:
            return None
        if self.streamed:
            return self._take_streamed(structure, index)
        if isinstance(structure, torch.Tensor) and not structure.is_sparse:  # the common case
            return structure[index] if isinstance(index, slice) else \
                structure.index_select(0, index)
        return nest.map_structure(lambda t: _take_rows(t, index), structure)

    def _take_streamed(self, structure: Any, index: Any) -> Any:
        """A batch gathered where each tensor lies (the host, mostly), sent to the device."""
        def take(tensor: torch.Tensor) -> torch.Tensor:
            if getattr(tensor, "is_sparse", False):
                return sparse.take_rows(tensor, index)
            if isinstance(index, slice):
                return tensor[index]
            if isinstance(tensor, np.ndarray):  # strings stay on the host
                return tensor[index.cpu().numpy()]
            return tensor.index_select(0, index.to(tensor.device))
        return placement.send_batch(nest.map_structure(take, structure), self.device)

    def batches(self, steps: Optional[int] = None) -> Iterator[Batch]:
        """One epoch of batches; the last partial batch is kept."""
        order = None
        if self.shuffle == "batch":
            starts = torch.randperm(self.steps, generator=self.generator).tolist()
        else:
            starts = range(self.steps)
            if self.shuffle:
                order = torch.randperm(self.size, generator=self.generator)
                if not self.streamed:
                    order = order.to(self.device)
        for count, step in enumerate(starts):
            if steps is not None and count >= steps:
                return
            start = step * self.batch_size
            stop = min(start + self.batch_size, self.size)
            if self.shard is not None:
                start, stop = self.shard.bounds(start, stop)
            index: Any = slice(start, stop) if order is None else order[start:stop]
            yield (self._take(self.x, index), self._take(self.y, index),
                   self._take(self.sample_weight, index))


class IterableData:
    """Generators, ``Sequence``s and torch ``Dataset``/``DataLoader``s; each batch moved to
    the device. A Python generator is one stream shared across epochs (as Keras does)."""

    shard = None  # distributed: this process's share of each batch (distribute.BatchShard)

    def __init__(self, source: Any, batch_size: Optional[int], shuffle: Any,
                 device: torch.device, input_dtypes: Any = None):
        self.device = device
        self.input_dtypes = input_dtypes
        self.source = source
        self._stream = None
        if _is_torch_dataset(source):
            self.source = torch.utils.data.DataLoader(source, batch_size=batch_size or 32,
                                                      shuffle=bool(shuffle))

    @property
    def steps(self) -> Optional[int]:
        try:
            return len(self.source)
        except TypeError:
            return None

    def keep_stream_across_epochs(self, steps: Optional[int]) -> None:
        """fit with ``steps_per_epoch`` on a tf.data dataset of another length (an infinite
        ``repeat()``): each epoch goes on where the last stopped, as Keras 2's DataHandler
        (``should_recreate_iterator``: only when the steps equal the dataset's cardinality)."""
        cardinality = getattr(self.source, "cardinality", None)
        if steps is not None and callable(cardinality):
            self.continue_stream = int(cardinality()) != int(steps)

    continue_stream = False

    def _epoch_iterator(self) -> Iterator[Any]:
        source = self.source
        if self.continue_stream:
            if self._stream is None:
                self._stream = iter(source)
            return self._stream
        if hasattr(source, "__getitem__") and hasattr(source, "__len__") and \
                not isinstance(source, torch.utils.data.DataLoader):
            return (source[i] for i in range(len(source)))
        if hasattr(source, "__next__"):  # a generator or iterator: keep one stream
            return source
        return iter(source)

    def batches(self, steps: Optional[int] = None) -> Iterator[Batch]:
        iterator = self._epoch_iterator()
        count = 0
        while steps is None or count < steps:
            try:
                item = next(iterator)
            except StopIteration:
                self._stream = None
                if steps is not None and count < steps and (
                        hasattr(self.source, "__next__") or self.continue_stream):
                    warnings.warn("Your input ran out of data; interrupting training. Make sure "
                                  "that your dataset or generator can generate at least "
                                  "`steps_per_epoch * epochs` batches.")
                break
            count += 1
            batch = self._to_device(item)
            yield batch if self.shard is None else self.shard.take(batch)
        if hasattr(self.source, "on_epoch_end"):
            self.source.on_epoch_end()

    def _to_device(self, item: Any) -> Batch:
        if self.device.type == "cuda":  # host tensors pinned (tf.data's prefetch pins them
            item = placement.send_batch(item, self.device)  # ahead) and copied non-blocking
        x, y, sw = unpack_batch(item)
        flat_x = nest.flatten(standardize_arrays(x))
        dtypes = leaf_dtypes(standardize_arrays(x), len(flat_x), self.input_dtypes)
        x = nest.pack_sequence_as(standardize_arrays(x), [
            _x_leaf(leaf, self.device, dt) for leaf, dt in zip(flat_x, dtypes)])
        y = None if y is None else nest.map_structure(lambda a: to_tensor(a, self.device),
                                                      standardize_arrays(y))
        sw = None if sw is None else nest.map_structure(
            lambda a: to_tensor(a, self.device, keep_integers=False), standardize_arrays(sw))
        return x, y, sw


def unpack_batch(item: Any) -> Batch:
    """``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(item, tuple) or (isinstance(item, list) and len(item) in (2, 3) and
                                   not _is_plain_number_list(item)):
        if len(item) == 1:
            return item[0], None, None
        if len(item) == 2:
            return item[0], item[1], None
        if len(item) == 3:
            return item[0], item[1], item[2]
        raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                         f"`(x, y, sample_weight)`, found: {item}")
    return item, None, None


def _is_torch_dataset(source: Any) -> bool:
    return isinstance(source, torch.utils.data.Dataset) and not isinstance(
        source, torch.utils.data.IterableDataset) and not hasattr(source, "on_epoch_end")
