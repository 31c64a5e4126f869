"""``StringLookup`` and ``IntegerLookup``: vocabulary lookups on the host."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch

from torchkeras.layers import farmhash, string_ops
from torchkeras.layers.index_lookup import INT, IndexLookup

__all__ = ["IntegerLookup", "StringLookup"]


class StringLookup(IndexLookup):
    """Strings (a NumPy array of str/bytes, or a list) to indices of a vocabulary:
    ``StringLookup(vocabulary=["a", "b"])(np.array([["a"], ["z"]]))`` is ``[[2], [1]]``."""

    def __init__(self, max_tokens: Optional[int] = None, num_oov_indices: int = 1,
                 mask_token: Optional[str] = None, oov_token: str = "[UNK]",
                 vocabulary: Any = None, idf_weights: Any = None, encoding: str = "utf-8",
                 invert: bool = False, output_mode: str = INT, sparse: bool = False,
                 pad_to_max_tokens: bool = False, vocabulary_size: Optional[int] = None,
                 **kwargs: Any):
        kwargs.pop("vocabulary_dtype", None)
        self._accepts_string_inputs = not invert
        if kwargs.get("dtype") == "string":  # Keras 3 writes the input dtype
            kwargs["dtype"] = None
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype="string", idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens,
                         vocabulary_size=vocabulary_size, **kwargs)

    def _to_keys(self, values: Any) -> np.ndarray:
        if isinstance(values, torch.Tensor) or (isinstance(values, np.ndarray) and
                                                values.dtype.kind in "biuf"):
            raise ValueError(f"Layer {self.name} (StringLookup) expects string inputs (a "
                             f"NumPy array of str/bytes or a list of str). Received: "
                             f"inputs of dtype {values.dtype}")
        return string_ops.to_str_array(values)

    def _hash_oov(self, keys: np.ndarray) -> np.ndarray:
        """OOV buckets as tf-keras: ``tf.strings.to_hash_bucket_fast`` (FarmHash
        ``Fingerprint64`` of the UTF-8 bytes, modulo ``num_oov_indices``)."""
        fingerprints = farmhash.fingerprint64(keys)
        return (fingerprints % np.uint64(self.num_oov_indices)).astype(np.int64)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config


class IntegerLookup(IndexLookup):
    """Integers to indices of a vocabulary: ``IntegerLookup(vocabulary=[12, 36])``."""

    def __init__(self, max_tokens: Optional[int] = None, num_oov_indices: int = 1,
                 mask_token: Optional[int] = None, oov_token: int = -1,
                 vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = INT,
                 sparse: bool = False, pad_to_max_tokens: bool = False,
                 vocabulary_size: Optional[int] = None, **kwargs: Any):
        if not str(vocabulary_dtype).startswith(("int", "uint")):
            raise ValueError(f"`vocabulary_dtype` must be an integer dtype. "
                             f"Received: {vocabulary_dtype}")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If `max_tokens` is set for `IntegerLookup`, it must be "
                             f"greater than 1. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"The value of `num_oov_indices` argument for `IntegerLookup` "
                             f"must >= 0. Received: num_oov_indices={num_oov_indices}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token),
                         vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
                         vocabulary_size=vocabulary_size, **kwargs)

    def _to_keys(self, values: Any) -> np.ndarray:
        if isinstance(values, torch.Tensor):
            values = values.detach().cpu().numpy()
        array = np.asarray(values)
        if array.dtype.kind not in "biu":
            if array.dtype.kind == "f" and np.all(np.mod(array, 1) == 0):
                return array.astype(np.int64)
            raise ValueError(f"Layer {self.name} (IntegerLookup) expects integer inputs. "
                             f"Received: inputs of dtype {array.dtype}")
        return array.astype(np.int64)

    def _token_from_file(self, line: str) -> Any:
        return int(line)

    def _hash_oov(self, keys: np.ndarray) -> np.ndarray:
        return np.mod(keys.astype(np.int64), self.num_oov_indices)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return [int(v) if v is not None else None
                for v in super().get_vocabulary(include_special_tokens)]
