"""``IndexLookup``: the vocabulary table behind ``StringLookup`` and ``IntegerLookup``.

The table lives on the host (a dict from token to index); strings never become tensors.
``adapt`` counts tokens and keeps the most frequent (ties: the larger token first, as
tf-keras's ``np.lexsort(...)[::-1]``); ``output_mode`` encodes the indices as Keras does
(``int``, ``one_hot``, ``multi_hot``, ``count``, ``tf_idf``), returning a torch tensor.
"""
from __future__ import annotations

import collections
import contextlib
import os
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers import string_ops
from torchkeras.layers.base import Layer, as_eager_tensor
from torchkeras.layers.dense_only import refuse_tensor_kind

INT, ONE_HOT, MULTI_HOT, COUNT, TF_IDF = "int", "one_hot", "multi_hot", "count", "tf_idf"
OUTPUT_MODES = (INT, ONE_HOT, MULTI_HOT, COUNT, TF_IDF)
_DROPPED = np.iinfo(np.int64).max  # a mask token outside "int" mode: left out of the counts
_CONFIG_STATE = threading.local()


@contextlib.contextmanager
def vocabulary_in_config() -> Iterator[None]:
    """Within: an adapted vocabulary (and idf weights) is written into ``get_config()``.
    ``.h5`` files and ``to_json`` use it: tf-keras cannot save an adapted vocabulary to
    ``.h5`` and drops it from JSON; the ``.keras`` format keeps it in ``assets/`` instead."""
    previous = getattr(_CONFIG_STATE, "on", False)
    _CONFIG_STATE.on = True
    try:
        yield
    finally:
        _CONFIG_STATE.on = previous


def validate_string_arg(value: Any, allowed: Sequence[str], layer_name: str, arg_name: str,
                        allow_none: bool = False, allow_callables: bool = False) -> None:
    """tf-keras's ``layer_utils.validate_string_arg`` (its error text, typo included)."""
    if (allow_none and value is None) or (allow_callables and callable(value)) or \
            (isinstance(value, str) and value in allowed):
        return
    allowed_args = ("`None`, " if allow_none else "") + \
        ("a `Callable`, " if allow_callables else "") + \
        f"or one of the following values: {tuple(allowed)}"
    note = (f"If restoring a model and `{arg_name}` is a custom callable, please ensure the "
            "callable is registered as a custom object. See https://www.tensorflow.org/guide/"
            "keras/save_and_serialize#registering_the_custom_object for details. "
            if allow_callables else "")
    raise ValueError(f"Unkown value for `{arg_name}` argument of layer {layer_name}. {note}"
                     f"Allowed values are: {allowed_args}. Received: {value}")


def adapt_batches(data: Any, batch_size: Optional[int], steps: Optional[int]) -> Iterator[Any]:
    """``adapt``'s data as batches: arrays/lists/tensors split along axis 0 (``batch_size``,
    default 32, as Keras's data handler), datasets and other iterables as they come."""
    if isinstance(data, (np.ndarray, list, tuple, torch.Tensor, str, bytes)):
        array = data.detach().cpu().numpy() if isinstance(data, torch.Tensor) else \
            np.asarray(data, dtype=object if string_ops.is_string_value(data) else None)
        if array.ndim == 0:
            yield array
            return
        size = batch_size or 32
        for count, start in enumerate(range(0, len(array), size)):
            if steps is not None and count >= steps:
                return
            yield array[start:start + size]
        return
    for count, batch in enumerate(data):
        if steps is not None and count >= steps:
            return
        if isinstance(batch, tuple):
            raise ValueError("adapt() expects a dataset of inputs only; received a dataset "
                             f"of tuples of {len(batch)} elements. Map it to its inputs first "
                             "(`ds.map(lambda x, y: x)`).")
        yield batch.detach().cpu().numpy() if isinstance(batch, torch.Tensor) else batch


def encode_indices(indices: torch.Tensor, output_mode: str, depth: int,
                   idf_weights: Optional[torch.Tensor], layer_name: str) -> torch.Tensor:
    """tf-keras's ``encode_categorical_inputs`` (dense): one/multi-hot, counts or tf-idf
    over the last axis; indices outside ``[0, depth)`` (a dropped mask) are not counted."""
    if indices.dim() == 0:
        indices = indices.reshape(1)
    if output_mode == ONE_HOT and indices.shape[-1] != 1:
        indices = indices.unsqueeze(-1)
    if indices.dim() > 2:
        raise ValueError(f"When output_mode is not `'int'`, maximum supported output rank is "
                         f"2. Received output_mode {output_mode} and input shape "
                         f"{tuple(indices.shape)}, which would result in output rank "
                         f"{indices.dim()}.")
    rows = indices.reshape(-1, indices.shape[-1]) if indices.dim() == 2 else indices.reshape(1, -1)
    valid = (rows >= 0) & (rows < depth)
    counts = torch.zeros(rows.shape[0], depth, dtype=torch.float32, device=rows.device)
    counts.scatter_add_(1, torch.where(valid, rows, torch.zeros_like(rows)),
                        valid.to(torch.float32))  # (samples, depth)
    if output_mode in (ONE_HOT, MULTI_HOT):
        counts = (counts > 0).to(torch.float32)
    elif output_mode == TF_IDF:
        counts = counts * idf_weights.to(counts.device)
    return counts if indices.dim() == 2 else counts.reshape(depth)


class _KeyTable(dict):
    """token -> index; a missing token gives ``default`` (looked up at C speed)."""

    def __init__(self, table: Dict[Any, int], default: int):
        super().__init__(table)
        self.default = default

    def __missing__(self, key: Any) -> int:
        return self.default


class IndexLookup(Layer):
    """Maps tokens to indices through a vocabulary (base of StringLookup/IntegerLookup)."""

    def __init__(self, max_tokens: Optional[int], num_oov_indices: int, mask_token: Any,
                 oov_token: Any, vocabulary_dtype: str, vocabulary: Any = None,
                 idf_weights: Any = None, invert: bool = False, output_mode: str = INT,
                 sparse: bool = False, pad_to_max_tokens: bool = False, **kwargs: Any):
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        output_mode = {"binary": MULTI_HOT, "tf-idf": TF_IDF}.get(output_mode, output_mode)
        validate_string_arg(output_mode, OUTPUT_MODES, cls, "output_mode")
        if invert and output_mode != INT:
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if idf_weights is not None and output_mode != TF_IDF:
            raise ValueError(f"`idf_weights` should only be set if `output_mode` is "
                             f"`'tf_idf'`. Received: idf_weights={idf_weights} and "
                             f"output_mode={output_mode}")
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("has_static_table", None)
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == INT else backend.floatx()
        super().__init__(**kwargs)
        if sparse:
            refuse_tensor_kind(cls, self.name, "sparse")
        if output_mode == INT and not self.compute_dtype.startswith(("int", "uint")):
            raise ValueError(f"When `output_mode='int'`, `dtype` should be an integer type. "
                             f"Received: dtype={kwargs['dtype']}")
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: List[Any] = []           # learned tokens, in index order
        self._set_tokens([])                   # token -> index tables
        self._idf: Optional[np.ndarray] = None  # (depth,) float32 in tf_idf mode
        if output_mode == TF_IDF:
            self._idf = np.zeros(self._token_start_index(), np.float32)
        self._reset_counts()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ------------------------------------------------------------ token handling
    def _to_keys(self, values: Any) -> np.ndarray:
        """Inputs as an array of table keys (overridden by StringLookup/IntegerLookup)."""
        raise NotImplementedError

    def _token_from_file(self, line: str) -> Any:
        return line

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == INT else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    # ------------------------------------------------------------- vocabulary
    def vocabulary_size(self) -> int:
        """The vocabulary's size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def vocab_size(self) -> int:
        return self.vocabulary_size()

    def get_vocabulary(self, include_special_tokens: bool = True) -> List[Any]:
        """The vocabulary; with the special tokens, a term's position is its index."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == INT:
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    @property
    def idf_weights(self) -> Optional[torch.Tensor]:
        """The tf-idf weights per index (``tf_idf`` mode), else ``None``."""
        return None if self._idf is None else torch.as_tensor(self._idf)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (a list/array of tokens or a text file, one per line) and, in
        ``tf_idf`` mode, the idf weights."""
        if self.output_mode == TF_IDF:
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is TF_IDF")
        elif idf_weights is not None:
            raise ValueError(f"`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == TF_IDF:
                raise ValueError("output_mode `'tf_idf'` does not support loading a "
                                 "vocabulary from file.")
            with open(vocabulary, encoding="utf-8") as f:
                tokens = [self._token_from_file(line) for line in f.read().splitlines()]
            self._set_tokens(tokens)
            self._record_vocabulary_size()
            return
        if isinstance(vocabulary, torch.Tensor):
            vocabulary = vocabulary.detach().cpu().numpy()
        vocabulary = list(self._to_keys(np.asarray(vocabulary)).reshape(-1))
        if isinstance(idf_weights, torch.Tensor):
            idf_weights = idf_weights.detach().cpu().numpy()
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary, you passed {vocabulary}.")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are {repeated}")
        for name, token, check in (("mask_token", self.mask_token, True),
                                   ("oov_token", self.oov_token, self.invert)):
            if check and token is not None and token in tokens:
                index = max(i for i, t in enumerate(vocabulary) if t == token)
                raise ValueError(
                    f"Found reserved {'mask' if name == 'mask_token' else 'OOV'} token at "
                    "unexpected location in `vocabulary`. Note that passed `vocabulary` does "
                    "not need to include the OOV and mask tokens. Either remove all mask and "
                    "OOV tokens, or include them only at the start of the vocabulary in "
                    f"precisely this order: {special}. Received: {name}={token} at "
                    f"vocabulary index [{index}]")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Passed vocab size is {token_start + len(tokens)}, max "
                             f"vocab size is {self.max_tokens}.")
        self._set_tokens(tokens)
        self._record_vocabulary_size()
        if self.output_mode == TF_IDF and idf_weights is not False:
            idf = np.asarray(idf_weights, dtype=np.float32)
            if len(vocabulary) != len(idf):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. "
                                 f"len(idf_weights) is {len(idf)}, len(vocabulary) is "
                                 f"{len(vocabulary)}")
            if idf.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array, but received "
                                 f"{type(idf_weights)}")
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(idf))
            back = self.max_tokens - front - len(idf) if self.pad_to_max_tokens else 0
            self._idf = np.pad(idf, (front, back), "constant",
                               constant_values=(front_value, 0.0)).astype(np.float32)

    def _set_tokens(self, tokens: List[Any]) -> None:
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._table = {token: start + i for i, token in enumerate(self._tokens)}
        self._key_table = _KeyTable(self._table, self._oov_start_index()
                                    if self.num_oov_indices == 1 else -1)
        if self.mask_token is not None:  # the mask maps to 0 ("int") or is dropped
            self._key_table[self.mask_token] = 0 if self.output_mode == INT else _DROPPED

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        if self.output_mode != INT and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is not None and self.built and \
                size != self._frozen_vocab_size:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, the vocabulary size cannot be "
                               f"changed after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {size}")
        self._frozen_vocab_size = size

    # ------------------------------------------------------------------ adapt
    def _reset_counts(self) -> None:
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    def reset_state(self) -> None:
        self._reset_counts()

    def adapt(self, data: Any, batch_size: Optional[int] = None,
              steps: Optional[int] = None) -> None:
        """Learn the vocabulary (and idf weights) from ``data``: an array, a list, a
        ``tf.data``/torchkeras ``Dataset`` or any iterable of batches."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt {type(self).__name__} layer after setting a "
                             "static vocabulary via init argument or `set_vocabulary`.")
        self.reset_state()
        for batch in adapt_batches(data, batch_size, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count one batch: a rank-1 batch is one document (as tf-keras)."""
        keys = self._to_keys(data)
        if keys.ndim == 0:
            keys = keys.reshape(1)
        if keys.ndim == 1:
            keys = keys.reshape(1, -1)
        self.update_rows([list(row.reshape(-1)) for row in keys])

    def update_rows(self, rows: List[List[Any]]) -> None:
        """Count tokens of documents given as lists of keys (TextVectorization's path)."""
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == TF_IDF:
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        # count descending, ties by the larger token first (np.lexsort((tokens, counts))[::-1])
        ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            ordered = ordered[:self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == TF_IDF:
            document_counts = np.array([self._document_counts[t] for t in tokens], np.float64)
            idf = np.log(1 + self._num_documents / (1 + document_counts)).astype(np.float32)
            mean = idf.mean() if idf.size else np.float32(0)
            idf = np.concatenate([np.full(self._token_start_index(), mean, np.float32), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
            self._idf = idf.astype(np.float32)
        self.reset_state()
        self._record_vocabulary_size()

    # ------------------------------------------------------------------- call
    def _eager_call(self, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
        """Host-side lookup: NumPy strings/ints in, a tensor out (no autograd: indices)."""
        if not self.built:
            self._maybe_build(tuple(np.shape(inputs)))
        return as_eager_tensor(self.call(inputs))

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        """Indices of ``keys`` (mask and OOV handled as tf-keras's ``_lookup_dense``)."""
        flat = keys.reshape(-1)
        indices = np.fromiter(map(self._key_table.__getitem__, flat.tolist()), np.int64,
                              flat.size)
        if self.num_oov_indices == 0 and (indices == -1).any():
            oov = [k for k, i in zip(flat, indices) if i == -1]
            raise ValueError(f"When `num_oov_indices=0` all inputs should be in vocabulary, "
                             f"found OOV values {oov}, consider setting `num_oov_indices=1`.")
        if self.num_oov_indices > 1:
            oov = indices == -1
            if oov.any():
                indices[oov] = self._hash_oov(flat[oov]) + self._oov_start_index()
        return indices.reshape(keys.shape)

    def _hash_oov(self, keys: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _invert(self, indices: np.ndarray) -> np.ndarray:
        vocab = self.get_vocabulary()
        flat = indices.reshape(-1)
        out = [vocab[i] if 0 <= i < len(vocab) else self.oov_token for i in flat]
        return np.array(out, dtype=object if self.vocabulary_dtype == "string" else np.int64
                        ).reshape(indices.shape)

    def _depth(self) -> int:
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _ensure_known_vocab_size(self) -> None:
        if self.output_mode == INT or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, you must set the layer's "
                               "vocabulary before calling it. Either pass a `vocabulary` "
                               "argument to the layer, or call `adapt` with some sample "
                               "data.")

    def encode(self, indices: np.ndarray, device: torch.device) -> torch.Tensor:
        """Indices (from :meth:`_lookup`) as this layer's output tensor."""
        tensor = torch.from_numpy(np.ascontiguousarray(indices)).to(device)
        if self.output_mode == INT:
            return tensor.to(backend.torch_dtype(self.compute_dtype))
        idf = None if self._idf is None else torch.from_numpy(self._idf)
        return encode_indices(tensor, self.output_mode, self._depth(), idf, self.name)

    def call(self, inputs: Any) -> Any:
        self._ensure_known_vocab_size()
        device = inputs.device if isinstance(inputs, torch.Tensor) else backend.get_device()
        if self.invert:
            indices = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) \
                else np.asarray(inputs)
            values = self._invert(indices.astype(np.int64))
            if self.vocabulary_dtype == "string":
                return values
            return torch.from_numpy(values).to(device)
        return self.encode(self._lookup(self._to_keys(inputs)), device)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self.output_mode == INT:
            return tuple(input_shape)
        return (tuple(input_shape)[0] if len(input_shape) else None, self._depth())

    @property
    def compute_dtype(self) -> str:
        if getattr(self, "invert", False) and self.vocabulary_dtype == "string":
            return "string"
        return super().compute_dtype

    # ------------------------------------------------------------------ files
    def config_vocabulary(self) -> Tuple[Any, Any]:
        """``(vocabulary, idf_weights)`` for ``get_config``: the arguments given, or inside
        :func:`vocabulary_in_config` the adapted ones (special tokens included)."""
        vocabulary, idf = self.input_vocabulary, self.input_idf_weights
        if vocabulary is None and self._tokens and getattr(_CONFIG_STATE, "on", False):
            vocabulary = self.get_vocabulary(include_special_tokens=True)
            if self.output_mode == TF_IDF and self._idf is not None:
                idf = self._idf[:len(vocabulary)]
        if isinstance(vocabulary, (np.ndarray, torch.Tensor)):
            vocabulary = np.asarray(vocabulary).tolist()
        if isinstance(idf, (np.ndarray, torch.Tensor)):
            idf = np.asarray(idf).tolist()
        return vocabulary, idf

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        vocabulary, idf = self.config_vocabulary()
        config.update({"invert": self.invert, "max_tokens": self.max_tokens,
                       "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                       "mask_token": self.mask_token, "output_mode": self.output_mode,
                       "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                       "vocabulary_dtype": self.vocabulary_dtype, "idf_weights": idf,
                       "vocabulary": vocabulary, "vocabulary_size": self._frozen_vocab_size})
        return config

    def save_assets(self, dir_path: str) -> None:
        """Keras 3's ``assets/.../vocabulary.txt`` (only when the vocabulary was adapted)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        with open(path, encoding="utf-8") as f:
            values = [self._token_from_file(line) for line in f.read().split("\n")]
        self._load_vocabulary(values)

    def _load_vocabulary(self, values: List[Any]) -> None:
        """A saved vocabulary (special tokens included) back into the table."""
        self._has_input_vocabulary = False
        start = self._token_start_index()
        self._set_tokens(values[start:])
        self._frozen_vocab_size = self.vocabulary_size()

    def save_own_variables(self, store: Any) -> None:
        if self.output_mode == TF_IDF and self._idf is not None:
            store["idf_weights"] = self._idf

    def load_own_variables(self, store: Any) -> None:
        if self.output_mode == TF_IDF and "idf_weights" in store:
            self._idf = np.asarray(store["idf_weights"], np.float32)
