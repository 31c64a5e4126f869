"""``tf.data.Dataset``: a lazy description of an input pipeline.

Each method returns a new ``Dataset`` holding a recipe (``make()`` -> a fresh iterator, the
cardinality, the element spec); nothing runs until iteration, which builds the
``torch.utils.data`` pipeline (see pipeline.py). Each iteration is one epoch: ``shuffle``
reshuffles per iteration unless ``reshuffle_each_iteration=False``; ``cache`` replays its first
complete pass. Elements are tuples/dicts of CPU torch tensors (numbers) and NumPy values
(strings), as structure.py describes.
"""
from __future__ import annotations

import builtins
import collections
import dis
import glob as _glob
import itertools
import os
import types
import zlib
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np
import torch

from torchkeras.backend.messages import NotProvidedError, did_you_mean
from torchkeras.data import combinators, file_cache, indexed, pipeline, resample, sparse
from torchkeras.data.errors import InvalidArgumentError
from torchkeras.data.iterator import DatasetIterator
from torchkeras.data.options import Options, frozen
from torchkeras.data.ragged import RaggedTensor
from torchkeras.data.sparse import SparseTensor
from torchkeras.data.structure import (RaggedTensorSpec, SparseTensorSpec, TensorSpec, flatten,
                                       flatten_up_to, is_string, map_leaves, pack, respec,
                                       same_structure, spec_of, stack, structure_difference,
                                       to_element, to_leaf, with_numpy)

AUTOTUNE = pipeline.AUTOTUNE
INFINITE = -1
UNKNOWN = -2

__all__ = ["AUTOTUNE", "INFINITE", "NOT_PROVIDED_METHODS", "UNKNOWN", "Dataset",
           "TextLineDataset"]


def _call(fn: Callable, element: Any) -> Any:
    """tf.data's calling convention: a tuple element is unpacked into positional arguments."""
    if isinstance(element, tuple) and not hasattr(element, "_fields"):
        return fn(*element)
    return fn(element)


def _writes_globals(code: types.CodeType) -> bool:
    if any(op.opname in ("STORE_GLOBAL", "DELETE_GLOBAL") for op in dis.get_instructions(code)):
        return True
    return any(_writes_globals(c) for c in code.co_consts if isinstance(c, types.CodeType))


def _captured(fn: Callable) -> Callable:
    """``fn`` with the values its closure and module names hold now: TF traces a dataset
    function when the transformation is made, so ``lines.map(lambda x: (x, i))`` in a loop
    over ``i`` keeps each pass's ``i`` (the "Load text" tutorial's labeler); a lazy call
    would see the last one. Objects are shared, not copied; a function that assigns module
    names (``global``) keeps the live module."""
    if not isinstance(fn, types.FunctionType):
        return fn
    cells = []
    for cell in fn.__closure__ or ():
        try:
            cells.append(types.CellType(cell.cell_contents))
        except ValueError:  # not assigned yet (defined later in the enclosing scope): live
            cells.append(cell)
    names = fn.__globals__ if _writes_globals(fn.__code__) else dict(fn.__globals__)
    copy = types.FunctionType(fn.__code__, names, fn.__name__, fn.__defaults__,
                              tuple(cells) if fn.__closure__ else None)
    copy.__kwdefaults__, copy.__qualname__ = fn.__kwdefaults__, fn.__qualname__
    copy.__module__ = fn.__module__
    copy.__dict__.update(fn.__dict__)
    return copy


def _interleave_cycle(cycle_length: Optional[int], num_parallel_calls: Optional[int]) -> int:
    """TF's ``interleave`` cycle length: unset (or AUTOTUNE), the CPU count when sequential,
    ``min(num_parallel_calls, CPUs)`` for a fixed parallelism, and ``ceil(CPUs / 3)`` with
    ``num_parallel_calls=AUTOTUNE`` (TF keeps two prefetched elements per cycle element, so
    it sizes the cycle for three threads per element). Order depends on it."""
    cpus = pipeline.resolve_parallelism(AUTOTUNE)
    if cycle_length not in (None, AUTOTUNE):
        cycle = _positive(cycle_length, "cycle_length")
        if num_parallel_calls not in (None, AUTOTUNE) and num_parallel_calls > cycle:
            raise InvalidArgumentError(
                "If `cycle_length` is set to a fixed value, `num_parallel_calls` must be "
                "either `tf.data.AUTOTUNE` or a value less than or equal to `cycle_length`. "
                f"However, `num_parallel_calls` is {num_parallel_calls} and `cycle_length` is "
                f"{cycle}")
        return cycle
    if num_parallel_calls is None:
        return cpus
    if num_parallel_calls == AUTOTUNE:
        return -(-cpus // 3)
    return min(pipeline.resolve_parallelism(num_parallel_calls), cpus)


def _fn_name(fn: Callable) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _failed(error: Exception, method: str, fn: Callable, index: int) -> Exception:
    message = (f"Error in the function `{_fn_name(fn)}` passed to `Dataset.{method}`, on element "
               f"{index}: {type(error).__name__}: {error}")
    try:
        return type(error)(message)
    except Exception:  # an exception type with another constructor
        return RuntimeError(message)


def _batch_leaves(leaves: Sequence[Any], component: int) -> Any:
    if isinstance(leaves[0], RaggedTensor):  # ragged elements batch into a ragged batch
        return RaggedTensor(leaves)
    if any(isinstance(leaf, SparseTensor) for leaf in leaves):
        if not all(isinstance(leaf, SparseTensor) for leaf in leaves):
            raise TypeError(f"`Dataset.batch`: component {component} mixes SparseTensor and "
                            "dense elements.")
        return sparse.batch(leaves, component)
    shapes = [tuple(np.shape(leaf)) for leaf in leaves]
    for i, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise ValueError(f"Cannot batch tensors with different shapes in component "
                             f"{component}. First element had shape {list(shapes[0])} and "
                             f"element {i} had shape {list(shape)}.")
    return stack(leaves)


def _spec_from_element(element: Any) -> Any:
    return map_leaves(spec_of, element)


def _batched_spec(spec: TensorSpec, dim: Optional[int]) -> TensorSpec:
    """The spec of a batch of ``spec`` components (a SparseTensorSpec stays one)."""
    return respec(spec, None if spec.shape is None else (dim,) + spec.shape)


def _unbatched_spec(spec: TensorSpec) -> TensorSpec:
    return type(spec)(None if spec.shape is None else spec.shape[1:], spec.dtype)


def _as_bytes(leaf: Any) -> Any:
    """A string leaf as TF's ``.numpy()`` gives it: UTF-8 ``bytes``."""
    if isinstance(leaf, (str, bytes)):
        return leaf.encode("utf-8") if isinstance(leaf, str) else bytes(leaf)
    if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "USO":
        out = np.empty(leaf.shape, dtype=object)
        for index, item in np.ndenumerate(leaf):
            out[index] = item.encode("utf-8") if isinstance(item, str) else item
        return out
    if isinstance(leaf, SparseTensor):  # TF's SparseTensor._numpy(): the dense array
        dense = sparse.to_dense(leaf)
        return dense.numpy() if isinstance(dense, torch.Tensor) else dense
    return leaf


# tf.data.Dataset methods torchkeras does not implement: reading them says so.
# (with what to use instead)
NOT_PROVIDED_METHODS = {
    "fingerprint": "torchkeras's datasets are Python pipelines without TF's graph "
                   "fingerprint."}


def _missing_method(owner: str, name: str, known: Any) -> AttributeError:
    if name in NOT_PROVIDED_METHODS:
        return NotProvidedError(f"`tf.data.Dataset.{name}` is not provided by torchkeras: "
                                f"{NOT_PROVIDED_METHODS[name]}")
    return AttributeError(f"'{owner}' object has no attribute '{name}'."
                          + did_you_mean(name, [k for k in known if not k.startswith("_")]))


class _DatasetType(type):
    """Class-level reads of a missing ``tf.data.Dataset.X`` say it is not provided."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise _missing_method(cls.__name__, name, dir(cls))


class Dataset(metaclass=_DatasetType):
    """A re-iterable stream of elements, with the ``tf.data.Dataset`` methods."""

    def __init__(self, make: Callable[[], Iterator[Any]], cardinality: int = UNKNOWN,
                 spec: Optional[Callable[[], Any]] = None,
                 options: Optional[Options] = None) -> None:
        self._make = make
        self._cardinality = cardinality
        self._spec_fn = spec
        self._spec: Any = None
        self._options = options or Options()
        self._slices: Optional[indexed.Slices] = None  # in-memory fast path (indexed.py)
        self._in_memory = False  # batches of in-memory slices: prefetch runs inline
        self._ragged_rows = False  # rows sliced from a RaggedTensor upstream (batch: ragged)

    def _derive_slices(self, order: indexed.Order, cardinality: int) -> "Dataset":
        """A dataset reading this one's slices in another order."""
        slices = self._slices.with_order(order)
        result = self._derive(slices.elements, cardinality, lambda: self.element_spec)
        result._slices = slices
        return result

    def _derive(self, make: Callable[[], Iterator[Any]], cardinality: int,
                spec: Optional[Callable[[], Any]] = None) -> "Dataset":
        result = Dataset(make, cardinality, spec, self._options)
        result._ragged_rows = self._ragged_rows
        return result

    # ------------------------------------------------------------------ sources
    @staticmethod
    def from_tensor_slices(tensors: Any, name: Optional[str] = None) -> "Dataset":
        """Elements are the slices ``tensors[i]`` of every component."""
        structure = to_element(tensors)
        leaves = flatten(structure)
        sizes = [_leading(leaf) for leaf in leaves]
        if None in sizes:
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        for size in sizes[1:]:
            if size != sizes[0]:
                raise ValueError(f"Dimensions {sizes[0]} and {size} are not compatible")
        count = sizes[0]
        if any(isinstance(leaf, (RaggedTensor, SparseTensor)) for leaf in leaves):  # rows
            dataset = Dataset(lambda: (pack(structure, [_row(leaf, i) for leaf in leaves])
                                       for i in builtins.range(count)), count,
                              lambda: map_leaves(_unbatched_spec,
                                                 _spec_from_element(structure)))
            dataset._ragged_rows = any(isinstance(leaf, RaggedTensor) for leaf in leaves)
            return dataset
        slices = indexed.Slices(structure, leaves,
                                lambda: iter([np.arange(count, dtype=np.int64)]))
        dataset = Dataset(slices.elements, count, lambda: map_leaves(
            _unbatched_spec, _spec_from_element(structure)))
        dataset._slices = slices
        return dataset

    @staticmethod
    def from_tensors(tensors: Any, name: Optional[str] = None) -> "Dataset":
        """One element: ``tensors`` itself."""
        element = to_element(tensors)
        return Dataset(lambda: iter([element]), 1, lambda: _spec_from_element(element))

    @staticmethod
    def from_generator(generator: Callable[..., Any], output_types: Any = None,
                       output_shapes: Any = None, args: Optional[Sequence[Any]] = None,
                       output_signature: Any = None, name: Optional[str] = None) -> "Dataset":
        """Elements from ``generator(*args)``, checked against ``output_signature`` (or
        ``output_types``/``output_shapes``) and converted to its dtypes."""
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError("The `output_types` and `output_shapes` arguments can only be "
                                "used if `output_signature` is not set.")
            signature = output_signature
        elif output_types is not None:
            signature = _signature(output_types, output_shapes)
        else:
            raise TypeError("To specify the output signature you need to provide either the "
                            "`output_signature` argument or the `output_types` argument.")
        specs = flatten(signature)
        call_args = tuple(args or ())

        def convert(value: Any) -> Any:
            parts = flatten_up_to(signature, value)  # a spec takes its whole part, (0,) too
            if parts is None or len(parts) != len(specs):
                raise TypeError("`generator` yielded an element that did not match the "
                                f"expected structure. The expected structure was {signature}, "
                                f"but the yielded element was {value}.")
            leaves = []
            for spec, leaf in zip(specs, parts):
                leaf = _as_dtype(leaf, spec)
                shape = tuple(np.shape(leaf))
                if spec.shape is not None and (len(shape) != len(spec.shape) or any(
                        e is not None and e != a for e, a in zip(spec.shape, shape))):
                    raise ValueError(f"`generator` yielded an element of shape {shape} where "
                                     f"an element of shape {spec.shape} was expected.")
                leaves.append(leaf)
            return pack(signature, leaves)

        def make() -> Iterator[Any]:
            return (convert(value) for value in generator(*call_args))

        return Dataset(make, UNKNOWN, lambda: signature)

    @staticmethod
    def range(*args: int, output_type: Any = None, name: Optional[str] = None) -> "Dataset":
        """``range(stop)``, ``range(start, stop[, step])`` as int64 scalars."""
        values = builtins.range(*args)
        dtype = torch.int64 if output_type is None else TensorSpec((), output_type).dtype
        return Dataset(lambda: (torch.tensor(v, dtype=dtype) for v in values), len(values),
                       lambda: TensorSpec((), dtype))

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: Optional[str] = None) -> "Dataset":
        """Elements ``(a_i, b_i, ...)`` (the structure of ``datasets``) until one ends."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        parts = flatten(datasets)
        for i, part in enumerate(parts):
            if not isinstance(part, Dataset):
                raise TypeError("Invalid `datasets`. `datasets` is expected to be a (nested) "
                                f"structure of `tf.data.Dataset` objects. Component {i} is "
                                f"{type(part).__name__}.")
        counts = [p._cardinality for p in parts]
        known = [n for n in counts if n >= 0]
        if known:
            count = min(known) if UNKNOWN not in counts or min(known) == 0 else UNKNOWN
        else:
            count = UNKNOWN if UNKNOWN in counts else INFINITE

        def make() -> Iterator[Any]:
            return (pack(datasets, list(items)) for items in zip(*parts))

        return Dataset(make, count, lambda: pack(datasets, [p.element_spec for p in parts]))

    @staticmethod
    def list_files(file_pattern: Any, shuffle: Optional[bool] = None,
                   seed: Optional[int] = None, name: Optional[str] = None) -> "Dataset":
        """File names matching ``file_pattern`` (a glob), shuffled unless ``shuffle=False``."""
        patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else \
            list(np.asarray(file_pattern).reshape(-1))
        files = sorted({f for p in patterns for f in _glob.glob(str(p))})
        if not files:
            raise ValueError(f"No files matched pattern: {', '.join(map(str, patterns))}")
        dataset = Dataset.from_tensor_slices(np.asarray(files))
        return dataset if shuffle is False else dataset.shuffle(len(files), seed=seed)

    # --------------------------------------------------------- transformations
    def map(self, map_func: Callable, num_parallel_calls: Optional[int] = None,
            deterministic: Optional[bool] = None, name: Optional[str] = None) -> "Dataset":
        """``map_func(*element)`` for each element; ``num_parallel_calls`` > 1 or
        ``AUTOTUNE`` runs that many calls at once in threads, keeping the input order."""
        workers = pipeline.resolve_parallelism(num_parallel_calls)
        map_func = _captured(map_func)

        def apply(indexed: Any) -> Any:
            index, element = indexed
            try:
                result = _call(map_func, element)
                # TF: a returned list (e.g. decode_csv's columns) is a tuple of components
                return to_element(tuple(result) if isinstance(result, list) else result)
            except Exception as error:
                raise _failed(error, "map", map_func, index) from error

        def apply_in_pool(indexed: Any) -> Any:
            try:
                return apply(indexed)
            except Exception as error:  # raised in order by Resumable
                return combinators.Failure(error)

        # Both iterators stay usable after a failed element (builtins.map does not end on an
        # exception; Resumable re-raises outside the pool's generator): ignore_errors() goes on
        def make() -> Iterator[Any]:
            source = enumerate(self._make())
            if workers == 1:
                return builtins.map(apply, source)
            return combinators.Resumable(pipeline.parallel_map(
                source, apply_in_pool, workers, deterministic is not False))

        return self._derive(make, self._cardinality, lambda: self._traced_spec(map_func))

    def _traced_spec(self, fn: Callable) -> Any:
        """The spec of ``fn``'s result on the first element; a leading dimension that is
        unknown in the input stays unknown (as in a traced tf.function)."""
        first = next(iter(self._make()))
        result = _spec_from_element(to_element(_call(fn, first)))
        batch_unknown = any(s.shape and s.shape[0] is None for s in flatten(self.element_spec))
        if not batch_unknown:
            return result
        batch = {_leading(leaf) for leaf in flatten(first)} - {None}
        return map_leaves(lambda s: respec(s, (None,) + s.shape[1:])
                          if s.shape and s.shape[0] in batch else s, result)

    def filter(self, predicate: Callable, name: Optional[str] = None) -> "Dataset":
        """The elements for which ``predicate(*element)`` is True."""
        predicate = _captured(predicate)

        def keep(index: int, element: Any) -> bool:
            try:
                result = _call(predicate, element)
            except Exception as error:
                raise _failed(error, "filter", predicate, index) from error
            if np.ndim(result) != 0:
                raise ValueError("Invalid `predicate`. `predicate` must return a scalar "
                                 f"boolean tensor, but its return shape is "
                                 f"{tuple(np.shape(result))}.")
            return bool(result)

        return self._derive(lambda: (e for i, e in enumerate(self._make()) if keep(i, e)),
                            UNKNOWN, lambda: self.element_spec)

    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Optional[int] = None, deterministic: Optional[bool] = None,
              name: Optional[str] = None) -> "Dataset":
        """Consecutive elements stacked into batches of ``batch_size``."""
        batch_size = _positive(batch_size, "batch_size")

        def make() -> Iterator[Any]:
            ragged = [isinstance(s, RaggedTensorSpec) for s in flatten(self.element_spec)] \
                if self._ragged_rows else None
            iterator = self._make()
            while True:
                chunk = list(itertools.islice(iterator, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                columns = zip(*[flatten(e) for e in chunk])
                yield pack(chunk[0], [RaggedTensor(c) if ragged and ragged[i] else
                                      _batch_leaves(c, i) for i, c in enumerate(columns)])

        if self._slices is not None:  # one gather per component and batch
            slices = self._slices

            def make() -> Iterator[Any]:  # noqa: F811
                return slices.batches(batch_size, drop_remainder)

        dim = batch_size if drop_remainder else None
        result = self._derive(make, _batched(self._cardinality, batch_size, drop_remainder),
                              lambda: map_leaves(lambda s: _batched_spec(s, dim),
                                                 self.element_spec))
        result._batch_size = batch_size  # as TF's BatchDataset (keras.utils.split_dataset)
        result._in_memory = self._slices is not None
        return result

    def padded_batch(self, batch_size: int, padded_shapes: Any = None,
                     padding_values: Any = None, drop_remainder: bool = False,
                     name: Optional[str] = None) -> "Dataset":
        """Batches whose components are padded (at the end of each dimension) to
        ``padded_shapes`` (None dimensions: the longest in the batch)."""
        batch_size = _positive(batch_size, "batch_size")

        def spec_structure() -> Any:
            return self.element_spec

        def targets(structure: Any) -> List[Any]:
            shapes = padded_shapes
            if shapes is None:
                return [None] * len(flatten(structure))
            found = flatten_up_to(structure, shapes)  # a component's shape may be a tuple
            if found is None:
                raise ValueError("The padded shape structure does not match the dataset "
                                 f"element structure at "
                                 f"{structure_difference(structure, shapes)}: "
                                 f"padded_shapes={shapes}, element={structure}.")
            return found

        def values(structure: Any) -> List[Any]:
            if padding_values is None:
                return [None] * len(flatten(structure))
            if not isinstance(padding_values, (tuple, dict)):
                return [padding_values] * len(flatten(structure))
            if not same_structure(structure, padding_values):
                raise ValueError("The padding values structure does not match the dataset "
                                 f"element structure at "
                                 f"{structure_difference(structure, padding_values)}: "
                                 f"padding_values={padding_values}, element={structure}.")
            return flatten(padding_values)

        def make() -> Iterator[Any]:
            iterator = self._make()
            while True:
                chunk = list(itertools.islice(iterator, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                shapes, pads = targets(chunk[0]), values(chunk[0])
                columns = zip(*[flatten(e) for e in chunk])
                yield pack(chunk[0], [_pad_batch(list(c), shapes[i], pads[i], i)
                                      for i, c in enumerate(columns)])

        def spec() -> Any:
            structure = spec_structure()
            dim = batch_size if drop_remainder else None
            shapes = targets(structure)
            out = []
            for s, target in zip(flatten(structure), shapes):
                inner = tuple(None if t is None or t == -1 else int(t) for t in target) \
                    if target is not None else (None,) * len(s.shape or ())
                out.append(TensorSpec((dim,) + inner, s.dtype))
            return pack(structure, out)

        return self._derive(make, _batched(self._cardinality, batch_size, drop_remainder), spec)

    def ragged_batch(self, batch_size: int, drop_remainder: bool = False,
                     row_splits_dtype: Any = None, name: Optional[str] = None) -> "Dataset":
        """Batches whose components of varying shape become :class:`RaggedTensor` rows (a
        component of one known shape is stacked, as TF does)."""
        batch_size = _positive(batch_size, "batch_size")

        def make() -> Iterator[Any]:
            specs = flatten(self.element_spec)
            iterator = self._make()
            while True:
                chunk = list(itertools.islice(iterator, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                columns = zip(*[flatten(e) for e in chunk])
                yield pack(chunk[0], [_ragged_or_stacked(c, spec)
                                      for c, spec in zip(columns, specs)])

        dim = batch_size if drop_remainder else None
        return self._derive(make, _batched(self._cardinality, batch_size, drop_remainder),
                            lambda: map_leaves(lambda s: TensorSpec(
                                None if s.shape is None else (dim,) + s.shape, s.dtype),
                                self.element_spec))

    def unbatch(self, name: Optional[str] = None) -> "Dataset":
        """Splits each element's components along their first dimension."""
        def make() -> Iterator[Any]:
            for element in self._make():
                leaves = flatten(element)
                sizes = {_leading(leaf) for leaf in leaves}
                if len(sizes) != 1:
                    raise ValueError("Input element components have different first "
                                     f"dimensions: {sorted(sizes)}.")
                for i in builtins.range(sizes.pop()):
                    yield pack(element, [_row(leaf, i) for leaf in leaves])

        return self._derive(make, self._unbatched_cardinality(),
                            lambda: map_leaves(_unbatched_spec, self.element_spec))

    def _unbatched_cardinality(self) -> int:
        if self._cardinality == INFINITE:
            return INFINITE
        if self._cardinality < 0:
            return UNKNOWN
        dims = {s.shape[0] if s.shape else None for s in flatten(self.element_spec)}
        return self._cardinality * dims.pop() if len(dims) == 1 and None not in dims \
            else UNKNOWN

    def sparse_batch(self, batch_size: int, row_shape: Any,
                     name: Optional[str] = None) -> "Dataset":
        """Batches of ``batch_size`` dense elements of varying shape, each a
        ``tf.SparseTensor`` of dense_shape ``[batch] + row_shape`` holding every entry of
        the elements (an element larger than ``row_shape`` is an error)."""
        batch_size = _positive(batch_size, "batch_size")
        rows = [None if d is None else int(d) for d in
                (row_shape.tolist() if isinstance(row_shape, (torch.Tensor, np.ndarray))
                 else list(row_shape))]
        if any(d is not None and d < 0 for d in rows):
            raise ValueError(f"`Dataset.sparse_batch`: `row_shape` dimensions must be >= 0 "
                             f"(or None), received: row_shape={rows}")

        def make() -> Iterator[Any]:
            iterator = self._make()
            while True:
                chunk = list(itertools.islice(iterator, batch_size))
                if not chunk:
                    return
                if not isinstance(chunk[0], (torch.Tensor, np.ndarray, np.generic)):
                    raise TypeError("`Dataset.sparse_batch` expects a dataset of single "
                                    "dense tensors, received an element of type "
                                    f"{type(chunk[0]).__name__}.")
                yield sparse.dense_rows_to_sparse(chunk, rows, "Dataset.sparse_batch")

        def spec() -> Any:
            element = self.element_spec
            if not isinstance(element, TensorSpec) or isinstance(element, SparseTensorSpec):
                raise TypeError("`Dataset.sparse_batch` expects a dataset of single dense "
                                f"tensors, received element_spec={element}.")
            return SparseTensorSpec([None] + rows, element.dtype)

        return self._derive(make, _batched(self._cardinality, batch_size, False), spec)

    def rebatch(self, batch_size: int, drop_remainder: bool = False,
                name: Optional[str] = None) -> "Dataset":
        """``unbatch().batch(batch_size, drop_remainder)``."""
        return self.unbatch().batch(batch_size, drop_remainder=drop_remainder)

    def shuffle(self, buffer_size: int, seed: Optional[int] = None,
                reshuffle_each_iteration: Optional[bool] = None,
                name: Optional[str] = None) -> "Dataset":
        """tf.data's buffer shuffle: fill ``buffer_size`` elements, emit a random one and
        put the next input element in its place. A new order each iteration (epoch) unless
        ``reshuffle_each_iteration=False``; ``seed`` makes the orders repeatable."""
        buffer_size = _positive(buffer_size, "buffer_size")
        base = int(np.random.randint(2 ** 31 - 1)) if seed is None else int(seed)
        epochs = itertools.count()

        def rng_for_pass() -> np.random.Generator:
            epoch = 0 if reshuffle_each_iteration is False else next(epochs)
            return np.random.default_rng([base, epoch])

        if self._slices is not None:
            return self._derive_slices(indexed.shuffled(self._slices.order, buffer_size,
                                                        rng_for_pass), self._cardinality)

        def make() -> Iterator[Any]:
            rng = rng_for_pass()  # the same draws as indexed.buffer_shuffle
            buffer: List[Any] = []
            for element in self._make():
                if len(buffer) < buffer_size:
                    buffer.append(element)
                    continue
                index = int(rng.integers(buffer_size))
                yield buffer[index]
                buffer[index] = element
            for index in rng.permutation(len(buffer)).tolist():
                yield buffer[index]

        return self._derive(make, self._cardinality, lambda: self.element_spec)

    def repeat(self, count: Optional[int] = None, name: Optional[str] = None) -> "Dataset":
        """The dataset ``count`` times (forever for None or -1)."""
        forever = count is None or count < 0

        def make() -> Iterator[Any]:
            passes = itertools.count() if forever else builtins.range(count)
            for _ in passes:
                empty = True
                for element in self._make():
                    empty = False
                    yield element
                if empty:
                    return

        if count == 0 or self._cardinality == 0:
            cardinality = 0
        elif forever:
            cardinality = INFINITE
        else:
            cardinality = self._cardinality * count if self._cardinality >= 0 else \
                self._cardinality
        if self._slices is not None:
            return self._derive_slices(indexed.repeated(self._slices.order, count),
                                       cardinality)
        return self._derive(make, cardinality, lambda: self.element_spec)

    def take(self, count: int, name: Optional[str] = None) -> "Dataset":
        """The first ``count`` elements (all for -1)."""
        count = int(count)
        if count < 0:
            cardinality = self._cardinality
        elif self._cardinality == UNKNOWN:
            cardinality = UNKNOWN
        else:
            cardinality = count if self._cardinality == INFINITE else \
                min(count, self._cardinality)
        if self._slices is not None and count >= 0:
            return self._derive_slices(indexed.taken(self._slices.order, count), cardinality)
        return self._derive(
            lambda: itertools.islice(self._make(), count if count >= 0 else None),
            cardinality, lambda: self.element_spec)

    def skip(self, count: int, name: Optional[str] = None) -> "Dataset":
        """All but the first ``count`` elements (none for -1)."""
        count = int(count)
        if count < 0:
            cardinality = 0
        elif self._cardinality >= 0:
            cardinality = max(self._cardinality - count, 0)
        else:
            cardinality = self._cardinality

        if self._slices is not None and count >= 0:
            return self._derive_slices(indexed.skipped(self._slices.order, count), cardinality)

        def make() -> Iterator[Any]:
            if count < 0:
                return iter(())
            return itertools.islice(self._make(), count, None)

        return self._derive(make, cardinality, lambda: self.element_spec)

    def cache(self, filename: str = "", name: Optional[str] = None) -> "Dataset":
        """Replays the first complete pass: from memory, or with ``filename`` from files
        written during that pass (re-read by later passes and later runs, as TF; a safe
        NumPy format, see file_cache.py)."""
        filename = str(filename) if filename else ""
        if filename:
            def make_file() -> Iterator[Any]:
                if file_cache.exists(filename):
                    return file_cache.read(filename)
                return file_cache.write(filename, self._make())

            result = self._derive(make_file, self._cardinality, lambda: self.element_spec)
            for attr in ("class_names", "file_paths"):
                if hasattr(self, attr):
                    setattr(result, attr, getattr(self, attr))
            return result
        if self._slices is not None:  # in memory already: replay the first pass's order
            return self._derive_slices(indexed.cached(self._slices.order), self._cardinality)
        store: List[Any] = []
        complete = [False]

        def make() -> Iterator[Any]:
            if complete[0]:
                yield from store
                return
            fresh: List[Any] = []
            for element in self._make():
                fresh.append(element)
                yield element
            store[:] = fresh
            complete[0] = True

        result = self._derive(make, self._cardinality, lambda: self.element_spec)
        for attr in ("class_names", "file_paths"):
            if hasattr(self, attr):
                setattr(result, attr, getattr(self, attr))
        return result

    def snapshot(self, path: str, compression: Optional[str] = "AUTO", reader_func: Any = None,
                 shard_func: Any = None, name: Optional[str] = None) -> "Dataset":
        """The first complete pass is written under the directory ``path`` (the safe format of
        ``cache(filename)``, file_cache.py); later passes and later runs read it back. As TF
        keys snapshots by the pipeline's fingerprint, a snapshot here is keyed by the element
        spec and cardinality: a pipeline of another shape writes its own."""
        if compression not in (None, "", "AUTO", "NONE") or reader_func is not None or \
                shard_func is not None:
            raise NotProvidedError("`tf.data.Dataset.snapshot(compression=..., reader_func=..., "
                                   "shard_func=...)` is not provided by torchkeras; call "
                                   "`snapshot(path)`.")
        root = str(path)

        def make() -> Iterator[Any]:
            key = repr((self.element_spec, self._cardinality)).encode("utf-8")
            filename = os.path.join(root, f"snapshot-{zlib.crc32(key):08x}")
            if file_cache.exists(filename):
                return file_cache.read(filename)
            os.makedirs(root, exist_ok=True)
            return file_cache.write(filename, self._make())

        return self._derive(make, self._cardinality, lambda: self.element_spec)

    def rejection_resample(self, class_func: Callable, target_dist: Any,
                           initial_dist: Any = None, seed: Optional[int] = None,
                           name: Optional[str] = None) -> "Dataset":
        """``(class, element)`` pairs resampled (by rejection, TF's algorithm: resample.py)
        so that the classes ``class_func(element)`` follow ``target_dist``."""
        rng_for_pass = _rng_per_pass(seed, False)

        def classify(element: Any) -> int:
            return int(_call(class_func, element))

        def pair(element: Any) -> Any:
            return (to_element(_call(class_func, element)), element)

        return self._derive(lambda: resample.rejection_resample(
            self._make, classify, pair, target_dist, initial_dist, rng_for_pass(),
            "Dataset.rejection_resample"), UNKNOWN,
            lambda: (spec_of(to_element(_call(class_func, next(iter(self._make()))))),
                     self.element_spec))

    def prefetch(self, buffer_size: int = AUTOTUNE, name: Optional[str] = None) -> "Dataset":
        """Produces up to ``buffer_size`` elements ahead in a background thread."""
        size = 2 if buffer_size is None or buffer_size == AUTOTUNE else int(buffer_size)
        if size == 0:
            return self
        if self._slices is not None or self._in_memory:
            # batches gathered from arrays in memory: a gather costs less than the handoff to
            # a background thread (bench/bench_tfdata.py), so these run inline
            result = self._derive(self._make, self._cardinality, lambda: self.element_spec)
            result._slices, result._in_memory = self._slices, True
        else:
            # with CUDA present the background thread also pins the tensors, so that fit's
            # copy to the GPU is non-blocking (engine/data_placement.send_batch)
            result = self._derive(lambda: pipeline.prefetch(
                self._make(), size, pin_memory=torch.cuda.is_available()),
                self._cardinality, lambda: self.element_spec)
        for attr in ("class_names", "file_paths"):
            if hasattr(self, attr):
                setattr(result, attr, getattr(self, attr))
        return result

    def concatenate(self, dataset: "Dataset", name: Optional[str] = None) -> "Dataset":
        """This dataset's elements followed by ``dataset``'s."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Expected a `tf.data.Dataset` to concatenate, received "
                            f"{type(dataset).__name__}.")
        merged = _compatible_specs([self.element_spec, dataset.element_spec],
                                   "Incompatible dataset elements:\n  {0} vs.   {1}")
        a, b = self._cardinality, dataset._cardinality
        if INFINITE in (a, b):
            count = INFINITE
        elif UNKNOWN in (a, b):
            count = UNKNOWN
        else:
            count = a + b
        return self._derive(lambda: itertools.chain(self._make(), dataset._make()), count,
                            lambda: merged)

    def enumerate(self, start: int = 0, name: Optional[str] = None) -> "Dataset":
        """Elements ``(index, element)`` with int64 indices from ``start``."""
        return self._derive(
            lambda: ((torch.tensor(i, dtype=torch.int64), e)
                     for i, e in builtins.enumerate(self._make(), start)),
            self._cardinality, lambda: (TensorSpec((), torch.int64), self.element_spec))

    def flat_map(self, map_func: Callable, name: Optional[str] = None) -> "Dataset":
        """The concatenation of the datasets ``map_func(*element)`` returns."""
        map_func = _captured(map_func)

        def make() -> Iterator[Any]:
            for index, element in builtins.enumerate(self._make()):
                yield from _as_dataset(_call(map_func, element), "flat_map", map_func,
                                       index)._make()

        return self._derive(make, UNKNOWN, lambda: self._inner_spec(map_func, "flat_map"))

    def _inner_spec(self, map_func: Callable, method: str) -> Any:
        """The element spec of the dataset ``map_func`` returns for the first element."""
        for element in self._make():
            return _as_dataset(_call(map_func, element), method, map_func, 0).element_spec
        return TensorSpec(None)

    def interleave(self, map_func: Callable, cycle_length: Optional[int] = None,
                   block_length: Optional[int] = None, num_parallel_calls: Optional[int] = None,
                   deterministic: Optional[bool] = None,
                   name: Optional[str] = None) -> "Dataset":
        """``cycle_length`` of the datasets ``map_func`` returns, read ``block_length``
        elements at a time in turn, as tf.data's interleave."""
        map_func = _captured(map_func)
        cycle = _interleave_cycle(cycle_length, num_parallel_calls)
        block = 1 if block_length is None else _positive(block_length, "block_length")

        def make() -> Iterator[Any]:
            inputs = builtins.enumerate(self._make())
            slots: List[Optional[Iterator[Any]]] = [None] * cycle
            index = block_index = opened = 0
            exhausted = False
            while not (exhausted and opened == 0):
                if slots[index] is not None:
                    try:
                        element = next(slots[index])
                    except StopIteration:
                        slots[index], opened, block_index = None, opened - 1, 0
                        index = (index + 1) % cycle
                        continue
                    block_index += 1
                    if block_index == block:
                        index, block_index = (index + 1) % cycle, 0
                    yield element
                elif not exhausted:
                    try:
                        position, element = next(inputs)
                    except StopIteration:
                        exhausted = True
                        continue
                    slots[index] = _as_dataset(_call(map_func, element), "interleave",
                                               map_func, position)._make()
                    opened += 1
                else:
                    index, block_index = (index + 1) % cycle, 0

        return self._derive(make, UNKNOWN, lambda: self._inner_spec(map_func, "interleave"))

    def window(self, size: int, shift: Optional[int] = None, stride: int = 1,
               drop_remainder: bool = False, name: Optional[str] = None) -> "Dataset":
        """Elements that are windows: (structures of) datasets of ``size`` input elements
        ``stride`` apart, a window starting every ``shift`` elements."""
        size = _positive(size, "size")
        shift = size if shift is None else _positive(shift, "shift")
        stride = _positive(stride, "stride")
        span = (size - 1) * stride + 1

        def window_of(elements: List[Any]) -> Any:
            columns = list(zip(*[flatten(e) for e in elements]))
            return pack(elements[0], [_ListDataset(list(c)) for c in columns])

        def make() -> Iterator[Any]:
            buffer: "collections.deque" = collections.deque()
            start = 0  # input index of buffer[0]
            next_window = 0
            for position, element in builtins.enumerate(self._make()):
                buffer.append(element)
                if position == next_window + span - 1:
                    yield window_of([buffer[next_window - start + k * stride]
                                     for k in builtins.range(size)])
                    next_window += shift
                    while buffer and start < next_window:
                        buffer.popleft()
                        start += 1
            if drop_remainder:
                return
            total = start + len(buffer)
            while next_window < total:
                picks = [buffer[next_window - start + k * stride] for k in builtins.range(size)
                         if next_window + k * stride < total]
                yield window_of(picks)
                next_window += shift

        if self._cardinality == INFINITE:
            cardinality = INFINITE
        elif self._cardinality >= 0:
            n = self._cardinality
            cardinality = max(n - span, -1) // shift + 1 if drop_remainder else -(-n // shift)
        else:
            cardinality = UNKNOWN
        return self._derive(make, cardinality,
                            lambda: map_leaves(lambda s: _WindowSpec(s), self.element_spec))

    def shard(self, num_shards: int, index: int, name: Optional[str] = None) -> "Dataset":
        """Every ``num_shards``-th element, starting at ``index``."""
        num_shards = _positive(num_shards, "num_shards")
        if not 0 <= index < num_shards:
            raise ValueError(f"`index` must be in [0, num_shards), received: index={index}, "
                             f"num_shards={num_shards}")
        n = self._cardinality
        count = n // num_shards + (1 if index < n % num_shards else 0) if n >= 0 else n
        if self._slices is not None:
            return self._derive_slices(indexed.sharded(self._slices.order, num_shards, index),
                                       count)
        return self._derive(lambda: itertools.islice(self._make(), index, None, num_shards),
                            count, lambda: self.element_spec)

    def apply(self, transformation_func: Callable[["Dataset"], "Dataset"]) -> "Dataset":
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("`transformation_func` must return a `tf.data.Dataset` object, "
                            f"received {type(result).__name__}.")
        return result

    def reduce(self, initial_state: Any, reduce_func: Callable[[Any, Any], Any]) -> Any:
        """``reduce_func(state, element)`` folded over the dataset."""
        state = to_element(initial_state)
        for element in self._make():
            state = to_element(reduce_func(state, element))
        return state

    def with_options(self, options: Options, name: Optional[str] = None) -> "Dataset":
        result = self._derive(self._make, self._cardinality, lambda: self.element_spec)
        result._options = self._options.merge(options)
        return result

    def options(self) -> Options:
        """The dataset's options (read-only, as TF: change them with ``with_options``)."""
        return frozen(self._options)

    # ------------------------------------------------------- combining and grouping
    @staticmethod
    def choose_from_datasets(datasets: Sequence["Dataset"], choice_dataset: "Dataset",
                             stop_on_empty_dataset: bool = True) -> "Dataset":
        """The next element of ``datasets[c]`` for each ``c`` of ``choice_dataset``."""
        datasets = _dataset_list(datasets, "choose_from_datasets")
        if not isinstance(choice_dataset, Dataset):
            raise TypeError("Invalid `choice_dataset`. `choice_dataset` must be a "
                            f"`tf.data.Dataset`, received {type(choice_dataset).__name__}.")
        spec = _compatible_specs([d.element_spec for d in datasets], _INCOMPATIBLE_DATASETS)

        def make() -> Iterator[Any]:
            return combinators.choose([d._make() for d in datasets], choice_dataset._make(),
                                      stop_on_empty_dataset)

        return Dataset(make, _interleaved_cardinality(datasets), lambda: spec)

    @staticmethod
    def sample_from_datasets(datasets: Sequence["Dataset"], weights: Any = None,
                             seed: Optional[int] = None, stop_on_empty_dataset: bool = False,
                             rerandomize_each_iteration: Optional[bool] = None) -> "Dataset":
        """Each element from a dataset drawn at random with probabilities ``weights``
        (uniform by default); ``seed`` makes the draws repeatable."""
        datasets = _dataset_list(datasets, "sample_from_datasets")
        if isinstance(weights, Dataset):
            raise NotProvidedError("`tf.data.Dataset.sample_from_datasets` with a dataset of "
                                   "`weights` is not provided by torchkeras; pass a list.")
        weights = [1.0] * len(datasets) if weights is None else [
            float(w) for w in np.asarray(weights, dtype=np.float64).reshape(-1)]
        if len(weights) != len(datasets):
            raise ValueError(f"Invalid `weights`. `weights` should have the same length as "
                             f"`datasets` but got `len(weights)={len(weights)}` vs. "
                             f"`len(datasets)={len(datasets)}`.")
        spec = _compatible_specs([d.element_spec for d in datasets], _INCOMPATIBLE_DATASETS)
        # as TF: datasets of weight 0 are left out, and a single one is returned as it is
        kept = [(d, w) for d, w in zip(datasets, weights) if w > 0]
        datasets, weights = ([d for d, _ in kept], [w for _, w in kept]) if kept else \
            ([datasets[0].take(0)], [1.0])
        if len(datasets) == 1:
            return datasets[0]
        rng_for_pass = _rng_per_pass(seed, rerandomize_each_iteration is not False)

        def make() -> Iterator[Any]:
            return combinators.sample([d._make() for d in datasets], weights, rng_for_pass(),
                                      stop_on_empty_dataset)

        return Dataset(make, _interleaved_cardinality(datasets), lambda: spec)

    @staticmethod
    def random(seed: Optional[int] = None, rerandomize_each_iteration: Optional[bool] = None,
               name: Optional[str] = None) -> "Dataset":
        """An infinite stream of random non-negative int64 scalars; with ``seed`` the same
        stream each iteration unless ``rerandomize_each_iteration=True``."""
        rng_for_pass = _rng_per_pass(seed, bool(rerandomize_each_iteration))

        def make() -> Iterator[Any]:
            rng = rng_for_pass()
            while True:
                for value in rng.integers(0, 2 ** 32, size=256).tolist():
                    yield torch.tensor(value, dtype=torch.int64)

        return Dataset(make, INFINITE, lambda: TensorSpec((), torch.int64))

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = None,
                name: Optional[str] = None) -> "Dataset":
        """``start, start + step, ...`` forever."""
        dtype = torch.int64 if dtype is None else TensorSpec((), dtype).dtype
        return Dataset(lambda: (torch.tensor(v, dtype=dtype)
                                for v in itertools.count(start, step)), INFINITE,
                       lambda: TensorSpec((), dtype))

    def group_by_window(self, key_func: Callable, reduce_func: Callable,
                        window_size: Optional[int] = None,
                        window_size_func: Optional[Callable] = None,
                        name: Optional[str] = None) -> "Dataset":
        """Elements grouped by ``key_func(*element)`` (an integer); each group of
        ``window_size`` (or ``window_size_func(key)``) elements becomes the dataset
        ``reduce_func(key, window)``, whose elements are emitted."""
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        sizes = window_size_func if window_size_func is not None else \
            (lambda key, size=_positive(window_size, "window_size"): size)

        def reduce(key: int, elements: List[Any]) -> Iterator[Any]:
            window = _ElementsDataset(elements, lambda: self.element_spec)
            out = reduce_func(torch.tensor(key, dtype=torch.int64), window)
            return _as_dataset(out, "group_by_window", reduce_func, key)._make()

        def make() -> Iterator[Any]:
            return combinators.group_by_window(
                self._make(), lambda e: _call(key_func, e), reduce,
                lambda key: int(sizes(torch.tensor(key, dtype=torch.int64))))

        def spec() -> Any:
            window = _ElementsDataset([], lambda: self.element_spec)
            return _as_dataset(reduce_func(torch.tensor(0, dtype=torch.int64), window),
                               "group_by_window", reduce_func, 0).element_spec

        return self._derive(make, UNKNOWN, spec)

    def bucket_by_sequence_length(self, element_length_func: Callable,
                                  bucket_boundaries: Sequence[int],
                                  bucket_batch_sizes: Sequence[int], padded_shapes: Any = None,
                                  padding_values: Any = None,
                                  pad_to_bucket_boundary: bool = False,
                                  no_padding: bool = False, drop_remainder: bool = False,
                                  name: Optional[str] = None) -> "Dataset":
        """Batches of elements of similar length: an element of length ``n`` goes to the
        bucket ``i`` with ``boundaries[i-1] <= n < boundaries[i]``, batched (padded) by
        ``bucket_batch_sizes[i]``, as TF's (a ``group_by_window``)."""
        boundaries = [int(b) for b in bucket_boundaries]
        batch_sizes = [int(b) for b in bucket_batch_sizes]
        if len(batch_sizes) != len(boundaries) + 1:
            raise ValueError("len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1 "
                             f"but `len(bucket_batch_sizes)={len(batch_sizes)}` and "
                             f"`len(bucket_boundaries)={len(boundaries)}`.")
        edges = [np.iinfo(np.int32).min] + boundaries + [np.iinfo(np.int32).max]

        def bucket_of(*element: Any) -> int:
            length = int(element_length_func(*element))
            return next(i for i in builtins.range(len(batch_sizes))
                        if edges[i] <= length < edges[i + 1])

        def batching(bucket: torch.Tensor, window: "Dataset") -> "Dataset":
            bucket = int(bucket)
            size = batch_sizes[bucket]
            if no_padding:
                return window.batch(size, drop_remainder=drop_remainder)
            filler = None
            if pad_to_bucket_boundary:
                if bucket >= len(batch_sizes) - 1:
                    raise ValueError("When pad_to_bucket_boundary=True, elements must have "
                                     "length < max(bucket_boundaries).")
                filler = boundaries[bucket] - 1
            # without padded_shapes: every dimension padded to the longest in the batch (the
            # element spec here is read off the first element, so its sizes may be too small)
            shapes = padded_shapes if padded_shapes is not None else map_leaves(
                lambda s: [None] * len(s.shape or ()), window.element_spec)
            shapes = _fill_none(shapes, filler)
            return window.padded_batch(size, shapes, padding_values,
                                       drop_remainder=drop_remainder)

        result = self.group_by_window(bucket_of, batching,
                                      window_size_func=lambda key: batch_sizes[int(key)])

        def spec() -> Any:  # traced as TF traces it: the bucket, so its boundary, unknown
            shapes = padded_shapes if padded_shapes is not None else map_leaves(
                lambda s: [None] * len(s.shape or ()), self.element_spec)
            shapes = flatten(shapes) if isinstance(shapes, (tuple, dict)) else [shapes]
            leaves = [TensorSpec((None,) + tuple(None if pad_to_bucket_boundary or d is None
                                                 or d == -1 else int(d) for d in shape),
                                 s.dtype)
                      for s, shape in zip(flatten(self.element_spec), shapes)]
            return pack(self.element_spec, leaves)

        if not no_padding:
            result._spec_fn = spec
        return result

    def scan(self, initial_state: Any, scan_func: Callable[[Any, Any], Any],
             name: Optional[str] = None) -> "Dataset":
        """``(state, out) = scan_func(state, element)`` over the elements; emits ``out``."""
        state = to_element(initial_state)
        return self._derive(
            lambda: combinators.scan(self._make(), state, scan_func, to_element),
            self._cardinality,
            lambda: _spec_from_element(next(combinators.scan(
                iter([next(iter(self._make()))]), state, scan_func, to_element))))

    def take_while(self, predicate: Callable, name: Optional[str] = None) -> "Dataset":
        """The elements up to the first for which ``predicate(*element)`` is False."""
        return self._derive(
            lambda: combinators.take_while(self._make(), lambda e: _call(predicate, e)),
            UNKNOWN if self._cardinality != 0 else 0, lambda: self.element_spec)

    def unique(self, name: Optional[str] = None) -> "Dataset":
        """The first occurrence of each element (scalar integers or strings)."""
        return self._derive(lambda: combinators.unique(self._make()), UNKNOWN,
                            lambda: self.element_spec)

    def ignore_errors(self, log_warning: bool = False, name: Optional[str] = None) -> "Dataset":
        """Drops the elements whose computation raised (a failing ``map`` call)."""
        return self._derive(lambda: combinators.skip_errors(self._make(), log_warning),
                            UNKNOWN, lambda: self.element_spec)

    def get_single_element(self, name: Optional[str] = None) -> Any:
        """The dataset's only element."""
        iterator = iter(self)
        try:
            element = next(iterator)
        except StopIteration:
            raise ValueError("Dataset was empty.") from None
        for _ in iterator:
            raise ValueError("Dataset had more than one element.")
        return element

    # ------------------------------------------------------------- save / load
    def save(self, path: str, compression: Optional[str] = None, shard_func: Any = None,
             checkpoint_args: Any = None) -> None:
        """Writes the elements under the directory ``path`` (torchkeras's own safe format,
        file_cache.py; ``Dataset.load`` reads it back)."""
        if compression not in (None, "") or shard_func is not None:
            raise NotProvidedError("`tf.data.Dataset.save(compression=..., shard_func=...)` "
                                   "is not provided by torchkeras.")
        for _ in file_cache.write(_saved(path), self._make()):
            pass

    @staticmethod
    def load(path: str, element_spec: Any = None, compression: Optional[str] = None,
             reader_func: Any = None) -> "Dataset":
        """The dataset ``Dataset.save`` wrote under ``path``."""
        stored = _saved(path)
        if not file_cache.exists(stored):
            raise FileNotFoundError(f"Could not find a dataset saved with "
                                    f"`tf.data.Dataset.save` at {path!r}.")
        count = int(file_cache.read_index(stored)["count"])
        dataset = Dataset(lambda: file_cache.read(stored), count,
                          None if element_spec is None else (lambda: element_spec))
        return dataset

    # ------------------------------------------------------------------ reading
    def __iter__(self) -> DatasetIterator:
        # The IterableDataset itself: a DataLoader around it (pipeline.loader) adds a profiler
        # record per element and nothing else when the pipeline does the batching.
        elements = (map_leaves(with_numpy, element) for element in pipeline.Pipeline(self._make))
        return DatasetIterator(elements, lambda: self.element_spec)

    def as_numpy_iterator(self) -> Iterator[Any]:
        """Elements with NumPy arrays in place of tensors; strings as ``bytes`` (a scalar) or
        an object array of ``bytes``, as TF gives them."""
        def numpy(leaf: Any) -> Any:
            if isinstance(leaf, torch.Tensor):
                return leaf.numpy() if leaf.dim() else leaf.numpy()[()]
            return _as_bytes(leaf)
        return (map_leaves(numpy, e) for e in self._make())

    @property
    def element_spec(self) -> Any:
        if self._spec is None:
            if self._spec_fn is None:
                self._spec = _first_spec(self._make)
            else:
                self._spec = self._spec_fn()
        return self._spec

    def cardinality(self) -> torch.Tensor:
        """The number of elements; ``INFINITE`` (-1) or ``UNKNOWN`` (-2)."""
        return torch.tensor(self._cardinality, dtype=torch.int64)

    def __len__(self) -> int:
        if self._cardinality == INFINITE:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        raise _missing_method(type(self).__name__, name, dir(type(self)))

    def __repr__(self) -> str:
        return f"<Dataset element_spec={self.element_spec}>"


class _ElementsDataset(Dataset):
    """A dataset over a list of whole elements (a ``group_by_window`` window)."""

    def __init__(self, elements: List[Any], spec: Callable[[], Any]) -> None:
        super().__init__(lambda: iter(elements), len(elements), spec)


class _ListDataset(Dataset):
    """A window component: a dataset over a list of leaves."""

    def __init__(self, leaves: List[Any]) -> None:
        super().__init__(lambda: iter(leaves), len(leaves),
                         lambda: spec_of(leaves[0]) if leaves else TensorSpec(None))


class _WindowSpec:
    """The spec of a window component: a dataset whose elements have ``spec``."""

    def __init__(self, spec: TensorSpec) -> None:
        self.element_spec = spec

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec}, TensorShape([]))"


class TextLineDataset(Dataset):
    """The lines of text files (without the line ending), as ``bytes``."""

    def __init__(self, filenames: Any, compression_type: Optional[str] = None,
                 buffer_size: Optional[int] = None, num_parallel_reads: Optional[int] = None,
                 name: Optional[str] = None) -> None:
        if compression_type not in (None, ""):
            raise ValueError("`TextLineDataset(compression_type=...)` is not provided by "
                             f"torchkeras; received compression_type={compression_type!r}.")
        names = [filenames] if isinstance(filenames, (str, bytes)) else \
            [str(f) for f in np.asarray(filenames).reshape(-1)]

        def make() -> Iterator[Any]:
            for filename in names:
                with open(filename, "rb") as handle:
                    for line in handle:
                        yield np.bytes_(line.rstrip(b"\n").rstrip(b"\r"))

        super().__init__(make, UNKNOWN, lambda: TensorSpec((), "string"))


# ------------------------------------------------------------------- helpers
def _leading(leaf: Any) -> Optional[int]:
    """The first dimension of a component (rows of a RaggedTensor), None for a scalar."""
    if isinstance(leaf, RaggedTensor):
        return len(leaf)
    if isinstance(leaf, SparseTensor):
        return sparse.leading(leaf, "Dataset.unbatch") if leaf.rank else None
    return int(np.shape(leaf)[0]) if np.ndim(leaf) else None


def _row(leaf: Any, i: int) -> Any:
    """Row ``i`` of a component (a SparseTensor's row keeps the remaining dense_shape)."""
    return sparse.row(leaf, i) if isinstance(leaf, SparseTensor) else leaf[i]


def _ragged_or_stacked(leaves: Sequence[Any], spec: TensorSpec) -> Any:
    """``ragged_batch``'s component: stacked when every element has the component's known
    shape, else a RaggedTensor of the elements."""
    known = spec.shape is not None and None not in spec.shape
    if known and all(not isinstance(leaf, RaggedTensor) and
                     tuple(np.shape(leaf)) == spec.shape for leaf in leaves):
        return stack(leaves)
    return RaggedTensor(leaves)


def _positive(value: Any, argument: str) -> int:
    value = int(value)
    if value <= 0:
        raise ValueError(f"`{argument}` must be greater than zero, received: "
                         f"{argument}={value}")
    return value


def _batched(cardinality: int, batch_size: int, drop_remainder: bool) -> int:
    if cardinality < 0:
        return cardinality
    return cardinality // batch_size if drop_remainder else -(-cardinality // batch_size)


def _first_spec(make: Callable[[], Iterator[Any]]) -> Any:
    for element in make():
        return _spec_from_element(element)
    return TensorSpec(None)


def _merge_spec(a: TensorSpec, b: TensorSpec) -> TensorSpec:
    """The most specific spec both ``a`` and ``b`` satisfy (same dtype)."""
    if a.shape is None or b.shape is None or len(a.shape) != len(b.shape):
        return respec(a, None)
    return respec(a, [x if x == y else None for x, y in zip(a.shape, b.shape)])


def _compatible_specs(specs: Sequence[Any], message: str) -> Any:
    """The merged element spec of datasets that are combined (``concatenate``,
    ``sample_from_datasets``...); a ``TypeError`` naming the component that differs
    (``message`` formatted with the two specs) when structures or dtypes do not match."""
    first = specs[0]
    for other in specs[1:]:
        difference = structure_difference(first, other)
        if difference is None:
            for i, (a, b) in enumerate(zip(flatten(first), flatten(other))):
                if a.dtype_name != b.dtype_name:
                    difference = f"component {i} has dtype tf.{a.dtype_name} vs. " \
                                 f"tf.{b.dtype_name}"
                    break
        if difference is not None:
            raise TypeError(message.format(first, other) + f"\n({difference}.)")
    merged = flatten(first)
    for other in specs[1:]:
        merged = [_merge_spec(a, b) for a, b in zip(merged, flatten(other))]
    return pack(first, merged)


_INCOMPATIBLE_DATASETS = ("Invalid `datasets`. `datasets` must have compatible element specs.\n"
                          " Dataset 0 element_spec={0}.\nDataset 1 element_spec={1}.")


def _dataset_list(datasets: Any, method: str) -> List["Dataset"]:
    datasets = list(datasets)
    if not datasets:
        raise ValueError(f"Invalid `datasets`. `datasets` should not be empty (in "
                         f"`Dataset.{method}`).")
    for i, dataset in enumerate(datasets):
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Invalid `datasets`. `datasets` is expected to be a list of "
                            f"`tf.data.Dataset` objects; item {i} is "
                            f"{type(dataset).__name__}.")
    return datasets


def _interleaved_cardinality(datasets: Sequence["Dataset"]) -> int:
    """TF's rule for choose/sample_from_datasets: infinite if one input is, else unknown."""
    return INFINITE if any(d._cardinality == INFINITE for d in datasets) else UNKNOWN


def _rng_per_pass(seed: Optional[int], rerandomize: bool) -> Callable[[], np.random.Generator]:
    """A generator per iteration: the same stream each pass unless ``rerandomize``."""
    base = int(np.random.randint(2 ** 31 - 1)) if seed is None else int(seed)
    passes = itertools.count()
    return lambda: np.random.default_rng([base, next(passes) if rerandomize else 0])


def _fill_none(shapes: Any, filler: Optional[int]) -> Any:
    """Padded shapes with unknown dimensions set to ``filler`` (None: pad to the longest)."""
    if isinstance(shapes, dict):
        return {key: _fill_none(value, filler) for key, value in shapes.items()}
    if isinstance(shapes, tuple):
        return tuple(_fill_none(value, filler) for value in shapes)
    return [filler if d is None or d == -1 else d for d in shapes]


def _saved(path: str) -> str:
    return os.path.join(str(path), "dataset")


def _as_dataset(value: Any, method: str, fn: Callable, index: int) -> Dataset:
    if isinstance(value, Dataset):
        return value
    if isinstance(value, tuple) and value and all(isinstance(v, Dataset) for v in value):
        return Dataset.zip(value)
    raise TypeError(f"The function `{_fn_name(fn)}` passed to `Dataset.{method}` must return a "
                    f"`tf.data.Dataset`; on element {index} it returned "
                    f"{type(value).__name__}.")


def _signature(output_types: Any, output_shapes: Any) -> Any:
    types = flatten(output_types) if isinstance(output_types, (tuple, dict)) else [output_types]
    if output_shapes is None:
        shapes: List[Any] = [None] * len(types)
    elif isinstance(output_types, (tuple, dict)):
        shapes = [tuple(s) if s is not None else None for s in
                  _flatten_shapes(output_shapes, output_types)]
    else:
        shapes = [tuple(output_shapes)]
    specs = [TensorSpec(s, t) for s, t in zip(shapes, types)]
    return pack(output_types, specs) if isinstance(output_types, (tuple, dict)) else specs[0]


def _flatten_shapes(shapes: Any, types: Any) -> List[Any]:
    if isinstance(types, dict):
        return [s for key in sorted(types) for s in _flatten_shapes(shapes[key], types[key])]
    if isinstance(types, tuple):
        return [s for sub_s, sub_t in zip(shapes, types) for s in _flatten_shapes(sub_s, sub_t)]
    return [shapes]


def _as_dtype(leaf: Any, spec: TensorSpec) -> Any:
    if spec.dtype_name == "string":
        if isinstance(leaf, (list, tuple)) and np.asarray(leaf).dtype.kind in "USO":
            leaf = to_leaf(_encoded(np.asarray(leaf, dtype=object)))  # bytes, as TF gives
        if not is_string(leaf):
            raise TypeError(f"`generator` yielded an element of type {type(leaf).__name__} "
                            "where an element of type tf.string was expected.")
        return to_leaf(leaf)
    if is_string(leaf):
        raise TypeError(f"`generator` yielded a string where an element of type "
                        f"tf.{spec.dtype_name} was expected.")
    if isinstance(leaf, torch.Tensor):
        return leaf.to(spec.dtype)
    return torch.from_numpy(np.array(leaf, dtype=spec.dtype_name, copy=True)) \
        if spec.dtype_name != "bfloat16" else torch.tensor(np.asarray(leaf), dtype=spec.dtype)


def _encoded(array: np.ndarray) -> np.ndarray:
    """An object array of ``str``/``bytes`` with every ``str`` UTF-8 encoded."""
    return np.vectorize(lambda v: v.encode() if isinstance(v, str) else v,
                        otypes=[object])(array) if array.size else array


def _pad_batch(leaves: List[Any], target: Any, value: Any, component: int) -> Any:
    ranks = {np.ndim(leaf) for leaf in leaves}
    if len(ranks) != 1:
        raise ValueError(f"Cannot batch tensors of different ranks in component {component}: "
                         f"{sorted(ranks)}.")
    rank = ranks.pop()
    longest = [max(int(np.shape(leaf)[d]) for leaf in leaves) for d in builtins.range(rank)]
    if target is not None:
        target = tuple(target)
        if len(target) != rank:
            raise ValueError(f"The padded shape {list(target)} of component {component} has "
                             f"rank {len(target)}, but the component has rank {rank}.")
        for d, t in enumerate(target):
            if t is not None and t != -1:
                if longest[d] > t:
                    raise ValueError(f"Attempted to pad to a smaller size than the input "
                                     f"element in component {component}: dimension {d} is "
                                     f"{longest[d]}, padded shape is {list(target)}.")
                longest[d] = int(t)
    if is_string(leaves[0]):
        fill = "" if value is None else value
        out = np.full([len(leaves)] + longest, fill, dtype=object)
        for i, leaf in enumerate(leaves):
            out[(i,) + tuple(slice(0, s) for s in np.shape(leaf))] = leaf
        return out.astype(np.asarray(leaves[0]).dtype.kind == "S" and "S" or "U")
    first = leaves[0]
    fill = 0 if value is None else (value.item() if isinstance(value, torch.Tensor) else value)
    out = torch.full([len(leaves)] + longest, fill, dtype=first.dtype)  # (batch, *longest)
    for i, leaf in enumerate(leaves):
        out[(i,) + tuple(slice(0, s) for s in leaf.shape)] = leaf
    return out


def batch_size_of(dataset: Any) -> Optional[int]:
    """The ``batch_size`` of the last ``batch()`` that made ``dataset`` (None when it is not
    batched), as TF's BatchDataset records it: ``keras.utils.split_dataset`` re-batches its
    two parts by it."""
    return getattr(dataset, "_batch_size", None)
