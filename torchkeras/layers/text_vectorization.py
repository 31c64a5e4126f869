"""``TextVectorization``: raw strings to token indices, multi-hot, counts or tf-idf.

Runs on the host, as TensorFlow's string ops do: standardize (ASCII lower-casing and
Keras's punctuation regex), split (ASCII whitespace or code points), n-grams, then a
``StringLookup`` with mask token ``""``; the result is a torch tensor.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers import string_ops
from torchkeras.layers.base import Layer, as_eager_tensor
from torchkeras.layers.dense_only import refuse_tensor_kind
from torchkeras.layers.index_lookup import (COUNT, INT, MULTI_HOT, TF_IDF, adapt_batches,
                                            encode_indices, validate_string_arg)
from torchkeras.layers.string_lookup import StringLookup

__all__ = ["TextVectorization"]

LOWER_AND_STRIP_PUNCTUATION = "lower_and_strip_punctuation"
STRIP_PUNCTUATION = "strip_punctuation"
LOWER = "lower"
WHITESPACE = "whitespace"
CHARACTER = "character"


class TextVectorization(Layer):
    _accepts_string_inputs = True

    """Strings to token indices (``output_mode='int'``, padded to the longest sample or to
    ``output_sequence_length``) or to one vector per sample (``multi_hot``, ``count``,
    ``tf_idf``): ``layer.adapt(texts)`` then ``layer(np.array(["the cat"]))``."""

    def __init__(self, max_tokens: Optional[int] = None,
                 standardize: Union[str, Callable, None] = LOWER_AND_STRIP_PUNCTUATION,
                 split: Union[str, Callable, None] = WHITESPACE,
                 ngrams: Union[int, Tuple[int, ...], None] = None,
                 output_mode: Optional[str] = INT,
                 output_sequence_length: Optional[int] = None,
                 pad_to_max_tokens: bool = False, vocabulary: Any = None,
                 idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", vocabulary_size: Optional[int] = None,
                 **kwargs: Any):
        name = "TextVectorization"
        validate_string_arg(standardize, (LOWER_AND_STRIP_PUNCTUATION, LOWER, STRIP_PUNCTUATION),
                            name, "standardize", allow_none=True, allow_callables=True)
        validate_string_arg(split, (WHITESPACE, CHARACTER), name, "split",
                            allow_none=True, allow_callables=True)
        output_mode = {"binary": MULTI_HOT, "tf-idf": TF_IDF}.get(output_mode, output_mode)
        validate_string_arg(output_mode, (INT, COUNT, MULTI_HOT, TF_IDF), name, "output_mode",
                            allow_none=True)
        if isinstance(ngrams, list):  # a JSON config gives the tuple back as a list
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) or
                (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == INT and not (isinstance(output_sequence_length, int) or
                                       output_sequence_length is None):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             f"`output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != INT and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is "
                             f"not 'int'. Received output_sequence_length="
                             f"{output_sequence_length}.")
        if kwargs.get("dtype") in (None, "string"):
            kwargs["dtype"] = "int64" if output_mode == INT else backend.floatx()
        super().__init__(**kwargs)
        if ragged:
            refuse_tensor_kind(name, self.name, "ragged")
        if sparse:
            refuse_tensor_kind(name, self.name, "sparse")
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._ragged = ragged
        self._encoding = encoding
        # Held outside torch's module tree: Keras saves it as part of this layer.
        self.__dict__["_lookup_layer"] = StringLookup(
            name=f"{self.name}_lookup", max_tokens=max_tokens, vocabulary=vocabulary,
            idf_weights=idf_weights, pad_to_max_tokens=pad_to_max_tokens, mask_token="",
            output_mode=output_mode if output_mode is not None else INT, sparse=sparse,
            has_input_vocabulary=vocabulary is not None, encoding=encoding,
            vocabulary_size=vocabulary_size)

    # ------------------------------------------------------------- vocabulary
    def get_vocabulary(self, include_special_tokens: bool = True) -> List[str]:
        """The vocabulary; index 0 is the mask ``""`` and 1 the OOV ``"[UNK]"`` (int mode)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    @property
    def idf_weights(self) -> Optional[torch.Tensor]:
        return self._lookup_layer.idf_weights

    # ------------------------------------------------------------------ adapt
    def adapt(self, data: Any, batch_size: Optional[int] = None,
              steps: Optional[int] = None) -> None:
        """Learn the vocabulary from strings: an array, a list or a dataset of batches."""
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError("Cannot adapt StringLookup layer after setting a static "
                             "vocabulary via init argument or `set_vocabulary`.")
        lookup.reset_state()
        for batch in adapt_batches(data, batch_size, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        tokens = self._preprocess(data)
        if isinstance(tokens, list):
            self._lookup_layer.update_rows(tokens)
        else:
            self._lookup_layer.update_state(tokens)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    # ------------------------------------------------------------------- call
    def _preprocess(self, inputs: Any) -> Any:
        """Standardized strings (an array), or token rows (a list of lists) after split."""
        strings = string_ops.to_str_array(inputs)
        if self._standardize in (LOWER, LOWER_AND_STRIP_PUNCTUATION):
            strings = string_ops.lower(strings)
        if self._standardize in (STRIP_PUNCTUATION, LOWER_AND_STRIP_PUNCTUATION):
            strings = string_ops.strip_punctuation(strings)
        if callable(self._standardize):
            strings = string_ops.to_str_array(self._standardize(strings))
        if self._split is None:
            if self._ngrams is not None:
                rows = [list(r) for r in strings.reshape(-1, strings.shape[-1])] \
                    if strings.ndim else [[strings.item()]]
                return string_ops.ngrams(rows, self._ngrams)
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError("When using TextVectorization to tokenize strings, the "
                                 "innermost dimension of the input array must be 1, got "
                                 f"shape {strings.shape}")
            strings = strings.reshape(strings.shape[:-1])
        if self._split == WHITESPACE:
            rows = string_ops.split_whitespace(strings)
        elif self._split == CHARACTER:
            rows = string_ops.split_characters(strings)
        else:
            rows = string_ops.to_ragged(self._split(strings))
        if self._ngrams is not None:
            rows = string_ops.ngrams(rows, self._ngrams)
        return rows

    def _eager_call(self, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
        """Host-side: strings in, a tensor out (no autograd: indices and counts)."""
        if not self.built:
            self._maybe_build(tuple(np.shape(inputs)))
        return as_eager_tensor(self.call(inputs))

    def call(self, inputs: Any) -> Any:
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        scalar = np.ndim(inputs) == 0
        tokens = self._preprocess(inputs if not scalar else [inputs])
        device = backend.get_device()
        if self._output_mode is None:
            return tokens
        if isinstance(tokens, np.ndarray):  # no split: one token per string
            indices = lookup._lookup(tokens)
            if self._output_mode == INT and self._output_sequence_length is not None:
                indices = _fit_last_axis(indices, self._output_sequence_length)
            out = lookup.encode(indices, device)
            return out[0] if scalar and self._output_mode == INT else out
        flat, lengths = string_ops.flatten_ragged(tokens)
        flat_indices = lookup._lookup(np.array(flat, dtype=object)).tolist()
        rows, start = [], 0
        for length in lengths:
            rows.append(flat_indices[start:start + length])
            start += length
        if self._output_mode == INT:
            out = torch.from_numpy(string_ops.pad_ragged(rows, self._output_sequence_length))
            out = out.to(device)
        else:
            padded = string_ops.pad_ragged(rows, None, fill=-1)  # -1: not counted
            idf = lookup.idf_weights
            out = encode_indices(torch.from_numpy(padded).to(device), self._output_mode,
                                 lookup._depth(), idf, self.name)
        return out[0] if scalar else out

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        batch = input_shape[0] if input_shape else None
        if self._output_mode == INT:
            if self._split is None and self._output_sequence_length is None:
                return input_shape
            return (batch, self._output_sequence_length)
        return (batch, self._lookup_layer._depth())

    # ------------------------------------------------------------------ files
    def get_config(self) -> Dict[str, Any]:
        lookup = self._lookup_layer
        config = super().get_config()
        vocabulary, idf = lookup.config_vocabulary()
        config["dtype"] = "string"  # tf-keras: the layer's (input) dtype is always string
        config.update({
            "max_tokens": lookup.max_tokens, "standardize": self._standardize,
            "split": self._split, "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
            "ragged": self._ragged, "vocabulary": vocabulary, "idf_weights": idf,
            "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()})
        return config

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)

    def save_own_variables(self, store: Any) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: Any) -> None:
        self._lookup_layer.load_own_variables(store)


def _fit_last_axis(indices: np.ndarray, length: int) -> np.ndarray:
    """Trim or zero-pad the last axis to ``length`` (tf-keras's dense path)."""
    indices = indices[..., :length]
    pad = length - indices.shape[-1]
    if pad > 0:
        indices = np.pad(indices, [(0, 0)] * (indices.ndim - 1) + [(0, pad)])
    return indices
