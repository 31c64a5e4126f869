"""Discretization: bucket numbers by ``bin_boundaries``, given or learnt by ``adapt`` as
Keras 2's approximate quantiles (per-batch summaries merged and compressed with
``epsilon``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers.adapt_data import adapt_batches
from torchkeras.layers.base import Layer
from torchkeras.layers.dense_only import refuse_tensor_kind
from torchkeras.layers.category_encoding import (COUNT, INT, MULTI_HOT, ONE_HOT,
                                                 encode_categorical_inputs, encoded_shape,
                                                 validate_output_mode)

__all__ = ["Discretization"]


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras 2's summary of one batch: every ``step``-th sorted value, weight ``step``."""
    values = np.sort(np.asarray(values, dtype="float32").reshape(-1))
    elements = np.float32(values.size)
    increment = int(elements / np.float32(1.0 / epsilon))  # float32 division, as tf
    step = max(increment, 1)
    boundaries = values[increment::step]
    return np.stack([boundaries, np.full(boundaries.shape, step, dtype="float32")])


def compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-bin a summary to ``1 / epsilon`` points by interpolating cumulative weights."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype(np.float32)


def merge_summaries(prev_summary: np.ndarray, next_summary: np.ndarray,
                    epsilon: float) -> np.ndarray:
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = merged[:, np.argsort(merged[0], kind="stable")]
    return compress(merged, epsilon)


def get_bin_boundaries(summary: np.ndarray, num_bins: int) -> np.ndarray:
    return compress(summary, 1.0 / num_bins)[0, :-1]


class Discretization(Layer):
    """Bucket numeric inputs: ``x`` goes to bin ``i`` with ``boundaries[i-1] <= x <
    boundaries[i]``; ``output_mode`` int / one_hot / multi_hot / count."""

    def __init__(self, bin_boundaries: Optional[List[float]] = None,
                 num_bins: Optional[int] = None, epsilon: float = 0.01,
                 output_mode: str = INT, sparse: bool = False, **kwargs: Any):
        if "bins" in kwargs:  # deprecated Keras 2 name
            bins = kwargs.pop("bins")
            if isinstance(bins, int) and num_bins is None:
                num_bins = bins
            elif bin_boundaries is None:
                bin_boundaries = bins
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == INT else backend.floatx()
        elif output_mode == INT and not str(kwargs["dtype"]).startswith(("int", "uint")):
            kwargs["dtype"] = "int64"
        super().__init__(**kwargs)
        validate_output_mode("Discretization", output_mode, (INT, ONE_HOT, MULTI_HOT, COUNT))
        if sparse:
            if output_mode == INT:
                raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, "
                                 "`'multi_hot'`, or `'count'`. Received: sparse=True and "
                                 f"output_mode={output_mode}")
            refuse_tensor_kind("Discretization", self.name, "sparse")
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. You passed "
                             f"`num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. You "
                             f"passed `num_bins={num_bins}` and "
                             f"`bin_boundaries={bin_boundaries}`")
        if isinstance(bin_boundaries, (np.ndarray, torch.Tensor)):
            bin_boundaries = np.asarray(bin_boundaries).tolist()
        self.input_bin_boundaries = bin_boundaries
        self.bin_boundaries: List[float] = list(bin_boundaries) if bin_boundaries else []
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = np.zeros((2, 0), dtype="float32")
        self._is_adapted = False

    @property
    def is_adapted(self) -> bool:
        """Whether ``adapt`` has run (Keras's ``PreprocessingLayer.is_adapted``)."""
        return self._is_adapted

    def _input_dtype(self) -> Any:
        return backend.floatx()  # numbers are compared in float32, as tf's Bucketize

    # ----------------------------------------------------------------- adapt
    def adapt(self, data: Any, batch_size: Optional[int] = None,
              steps: Optional[int] = None) -> None:
        """Learn ``num_bins`` quantile boundaries from ``data`` (batches of 32 as Keras 2)."""
        self.reset_state()
        for batch in adapt_batches(data, batch_size, steps):
            self.update_state(batch)
        self.finalize_state()
        self._is_adapted = True

    def update_state(self, data: Any) -> None:
        if self.input_bin_boundaries is not None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`, use `num_bins` instead. You passed "
                             f"`bin_boundaries={self.input_bin_boundaries}`.")
        data = np.asarray(data.detach().cpu() if isinstance(data, torch.Tensor) else data)
        self.summary = merge_summaries(summarize(data, self.epsilon), self.summary,
                                       self.epsilon)

    def finalize_state(self) -> None:
        if self.input_bin_boundaries is not None:
            return
        self.bin_boundaries = get_bin_boundaries(self.summary, self.num_bins).tolist()

    def reset_state(self) -> None:
        if self.input_bin_boundaries is None:
            self.summary = np.zeros((2, 0), dtype="float32")

    # ----------------------------------------------------------------- files
    def h5_host_weights(self) -> Dict[str, np.ndarray]:
        """Keras 2's ``.h5`` weight of a ``num_bins`` layer: its ``summary`` (values and
        weights, shape ``(2, n)`` with n data-dependent). None once the config holds the
        boundaries (given, or learnt: see ``get_config``), as a Keras 2 layer built from it."""
        if self.input_bin_boundaries is not None or self.bin_boundaries:
            return {}
        return {"summary": np.asarray(self.summary, np.float32)}

    def load_h5_host_weights(self, values: Dict[str, np.ndarray]) -> None:
        """A Keras 2 ``.h5`` summary back; the boundaries follow from it (tf-keras's
        ``finalize_state`` after loading)."""
        summary = np.asarray(values["summary"], np.float32)
        if summary.ndim != 2 or summary.shape[0] != 2:
            raise ValueError(f"Layer '{self.name}' (Discretization) expects a saved "
                             f"`summary` of shape (2, n). Received shape {summary.shape}")
        self.summary = summary
        if summary.shape[1]:
            self.finalize_state()
            self._is_adapted = True

    # ------------------------------------------------------------------ call
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        boundaries = torch.tensor(self.bin_boundaries, dtype=torch.float32,
                                  device=inputs.device)
        indices = torch.bucketize(inputs.float(), boundaries, right=True)
        return encode_categorical_inputs(indices, self.output_mode,
                                         len(self.bin_boundaries) + 1, self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return encoded_shape(tuple(input_shape), self.output_mode,
                             len(self.bin_boundaries) + 1)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.pop("trainable", None)  # Keras 3's Discretization.__init__ rejects it
        if self.output_mode == INT and config.get("dtype") == "int64":
            # Keras 3 would cast the inputs to an int64 dtype policy (truncating them); a
            # float dtype with output_mode='int' means int64 outputs in Keras 2 and here.
            config["dtype"] = backend.floatx()
        # After adapt the learnt boundaries are written with num_bins=None, so the layer
        # rebuilds from its config alone, in Keras 2 (which refuses both) and Keras 3.
        boundaries, num_bins = self.input_bin_boundaries, self.num_bins
        if boundaries is None and self.bin_boundaries:
            boundaries, num_bins = list(self.bin_boundaries), None
        config.update({"bin_boundaries": boundaries, "num_bins": num_bins,
                       "epsilon": self.epsilon, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Discretization":
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")  # an adapted layer (Keras 3's way)
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)
