"""Hashing and HashedCrossing with TensorFlow's hashes, so bins equal Keras's.

Strings (NumPy arrays of str/bytes) and integers are hashed on the host: ``Hashing`` hashes
an integer as its decimal string (``tf.as_string``) with FarmHash ``Fingerprint64``, or with
SipHash-2-4 keyed by ``salt``; ``HashedCrossing`` combines per-feature hashes with
``FingerprintCat64`` (integers enter as their value) as ``tf.sparse.cross_hashed``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers import farmhash
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.layers.base import Layer, as_eager_tensor
from torchkeras.layers.dense_only import refuse_tensor_kind
from torchkeras.layers.category_encoding import (COUNT, INT, MULTI_HOT, ONE_HOT,
                                                 encode_categorical_inputs, encoded_shape,
                                                 validate_output_mode)

__all__ = ["HashedCrossing", "Hashing"]

_CROSS_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash_key


def is_string_array(value: Any) -> bool:
    """A NumPy array (or nested list) of str/bytes."""
    if isinstance(value, (torch.Tensor,)) or is_keras_tensor(value):
        return False
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            return np.asarray(value).dtype.kind in "OUS"
        except ValueError:
            return False
    return False


def _host_array(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _int_dtype_check(layer_name: str, output_mode: str, dtype: str) -> None:
    if output_mode == INT and not dtype.startswith(("int", "uint")):
        raise ValueError(f"When `output_mode=\"int\"`, `dtype` should be an integer type. "
                         f"Received: dtype={dtype} ({layer_name})")


class Hashing(Layer):
    """Hash strings or integers into ``num_bins`` bins (bin 0 reserved for ``mask_value``
    when it is set); ``salt`` selects the keyed SipHash."""

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None,
                 output_mode: str = INT, sparse: bool = False, **kwargs: Any):
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == INT else backend.floatx()
        elif output_mode == INT and not str(kwargs["dtype"]).startswith(("int", "uint")):
            kwargs["dtype"] = "int64"
        super().__init__(**kwargs)
        validate_output_mode("Hashing", output_mode, (INT, ONE_HOT, MULTI_HOT, COUNT))
        if sparse:
            if output_mode == INT:
                raise ValueError("`sparse` may only be true if `output_mode` is `\"one_hot\"`, "
                                 "`\"multi_hot\"`, or `\"count\"`. Received: sparse=True and "
                                 f"output_mode={output_mode}")
            refuse_tensor_kind("Hashing", self.name, "sparse")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt: Optional[List[int]] = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size "
                                 f"2 integers, or a single integer. Received: salt={salt}.")

    def _input_dtype(self) -> Any:
        return "int64"  # integers are hashed exactly

    def hash_values(self, values: np.ndarray) -> np.ndarray:
        """Bins (int64) of a NumPy array of strings or integers."""
        values = np.asarray(values)
        hash_bins = self.num_bins
        mask = None
        if self.mask_value is not None and hash_bins > 1:
            hash_bins -= 1
            mask_value = self.mask_value
            if values.dtype.kind == "S" and isinstance(mask_value, str):
                mask_value = mask_value.encode("utf-8")
            mask = values == mask_value
        if values.dtype.kind in "iub":
            values = farmhash.integers_as_strings(values)
        elif values.dtype.kind not in "OUS":
            raise ValueError(f"Hashing (layer {self.name}) hashes strings or integers. "
                             f"Received: inputs of dtype {values.dtype}")
        if self.strong_hash:
            fingerprints = farmhash.siphash(values, self.salt)
        else:
            fingerprints = farmhash.fingerprint64(values)
        bins = np.asarray(fingerprints % np.uint64(hash_bins)).astype(np.int64)  # 0-d stays
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return np.asarray(bins)

    def _encode(self, bins: torch.Tensor) -> torch.Tensor:
        return encode_categorical_inputs(bins, self.output_mode, self.num_bins,
                                         self.compute_dtype)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        if is_string_array(inputs):  # strings never become tensors: hashed here, on the host
            bins = torch.from_numpy(self.hash_values(np.asarray(inputs)))
            return as_eager_tensor(self._encode(bins.to(backend.get_device())))
        if isinstance(inputs, (np.ndarray, list)) and np.asarray(inputs).dtype.kind == "f":
            self._float_error(np.asarray(inputs).dtype)  # before conversion casts to int
        return super().__call__(*args, **kwargs)

    def _float_error(self, dtype: Any) -> None:
        raise ValueError(f"Hashing (layer {self.name}) hashes strings or integers. "
                         f"Received: inputs of dtype {dtype}")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.is_floating_point():
            raise ValueError(f"Hashing (layer {self.name}) hashes strings or integers. "
                             f"Received: inputs of dtype {inputs.dtype}")
        bins = torch.from_numpy(self.hash_values(_host_array(inputs))).to(inputs.device)
        return self._encode(bins)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return encoded_shape(tuple(input_shape), self.output_mode, self.num_bins)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt,
                       "mask_value": self.mask_value, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config


class HashedCrossing(Layer):
    """Hash the cross of two or more categorical features (strings or integers, each of
    shape ``()``, ``(batch,)`` or ``(batch, 1)``) into ``num_bins`` bins."""

    def __init__(self, num_bins: int, output_mode: str = INT, sparse: bool = False,
                 **kwargs: Any):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == INT else backend.floatx()
        super().__init__(**kwargs)
        _int_dtype_check("HashedCrossing", output_mode, self.compute_dtype)
        validate_output_mode("HashedCrossing", output_mode, (INT, ONE_HOT))
        if sparse:
            refuse_tensor_kind("HashedCrossing", self.name, "sparse")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def _input_dtype(self) -> Any:
        return "int64"

    def _check_inputs(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("`HashedCrossing` should be called on a list or tuple of inputs. "
                             f"Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: inputs={inputs}")

    def cross_values(self, inputs: Sequence[np.ndarray]) -> np.ndarray:
        """The crossed bins (int64) of NumPy arrays of strings or integers."""
        self._check_inputs(inputs)
        arrays = [np.asarray(x) for x in inputs]
        first_shape = arrays[0].shape
        if len(first_shape) > 2 or (len(first_shape) == 2 and first_shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `[]`, `[batch_size]` "
                             f"or `[batch_size, 1]`. Received: inputs={inputs}")
        if not all(x.shape == first_shape for x in arrays[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. Received: "
                             f"inputs={inputs}")
        if not all(x.dtype.kind in "iuOUS" for x in arrays):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string "
                             f"dtype. Received: inputs={inputs}")
        hashed = np.full(first_shape, _CROSS_HASH_KEY, dtype=np.uint64)
        for array in arrays:
            if array.dtype.kind in "iu":
                feature = array.astype(np.int64).view(np.uint64)  # an integer is its own hash
            else:
                feature = farmhash.fingerprint64(array)
            hashed = farmhash.fingerprint_cat64(hashed, feature)
        return np.asarray(hashed % np.uint64(self.num_bins)).astype(np.int64)  # 0-d stays

    def _encode(self, bins: torch.Tensor) -> torch.Tensor:
        return encode_categorical_inputs(bins, self.output_mode, self.num_bins,
                                         self.compute_dtype)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        if isinstance(inputs, (list, tuple)) and any(is_string_array(x) for x in inputs):
            bins = torch.from_numpy(self.cross_values([_host_array(x) for x in inputs]))
            return as_eager_tensor(self._encode(bins.to(backend.get_device())))
        return super().__call__(*args, **kwargs)

    def call(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        self._check_inputs(inputs)
        bins = torch.from_numpy(self.cross_values([_host_array(x) for x in inputs]))
        return self._encode(bins.to(inputs[0].device))

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_inputs(input_shape)
        return encoded_shape(tuple(input_shape[0]), self.output_mode, self.num_bins)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config

